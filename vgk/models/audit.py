"""The audit log: every change an admin or staff member makes, with who, what, when, before and after."""
from vgk.extensions import db
from vgk.models.base import utcnow


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id = db.Column(db.Integer, primary_key=True)
    actor_id = db.Column(db.Integer, db.ForeignKey("users.id"), index=True)
    action = db.Column(db.String(64), nullable=False, index=True)
    object_type = db.Column(db.String(32), nullable=False)
    object_id = db.Column(db.String(64), nullable=False, default="")
    before = db.Column(db.Text, nullable=False, default="{}")  # JSON
    after = db.Column(db.Text, nullable=False, default="{}")  # JSON
    ip = db.Column(db.String(45), nullable=False, default="")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)

    actor = db.relationship("User")
