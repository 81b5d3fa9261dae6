"""People: accounts and their roles."""
from flask_login import UserMixin

from vgk.extensions import db
from vgk.models.base import new_public_id, utcnow


class Role:
    CLIENT = "CLIENT"
    STAFF = "STAFF"
    ADMIN = "ADMIN"
    ALL = (CLIENT, STAFF, ADMIN)


class UserStatus:
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"
    DELETED = "DELETED"
    ALL = (ACTIVE, SUSPENDED, DELETED)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id = db.Column(db.Integer, primary_key=True)
    public_id = db.Column(db.String(16), nullable=False, unique=True, default=new_public_id)
    name = db.Column(db.String(120), nullable=False)
    email = db.Column(db.String(255), unique=True)
    phone = db.Column(db.String(20), unique=True)
    password_hash = db.Column(db.String(255))
    role = db.Column(db.String(10), nullable=False, default=Role.CLIENT)
    status = db.Column(db.String(10), nullable=False, default=UserStatus.ACTIVE)
    locale = db.Column(db.String(5), nullable=False, default="fr")
    city_id = db.Column(db.Integer, db.ForeignKey("cities.id"))
    pickup_point_id = db.Column(db.Integer, db.ForeignKey("pickup_points.id"))
    phone_verified_at = db.Column(db.DateTime)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    city = db.relationship("City")
    pickup_point = db.relationship("PickupPoint", back_populates="staff")

    __table_args__ = (
        db.CheckConstraint("role IN ('CLIENT', 'STAFF', 'ADMIN')", name="role"),
        db.CheckConstraint("status IN ('ACTIVE', 'SUSPENDED', 'DELETED')", name="status"),
    )

    @property
    def is_active(self):
        return self.status == UserStatus.ACTIVE

    def get_id(self):
        return self.public_id

    def __repr__(self):
        return f"<User {self.public_id} {self.role}>"
