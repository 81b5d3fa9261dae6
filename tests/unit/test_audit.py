"""The audit service: record joins the caller's transaction, entries filter and paginate newest first."""
import json

from sqlalchemy import select

from tests import factories as f
from vgk.extensions import db
from vgk.models import AuditEntry, Role
from vgk.services import audit


def test_record_joins_the_callers_transaction(app):
    admin = f.user(Role.ADMIN)
    audit.record(admin, "user.suspend", "user", "u1", {"status": "ACTIVE"}, {"status": "SUSPENDED"}, ip="10.1.2.3")
    db.session.rollback()
    assert db.session.scalar(select(AuditEntry)) is None
    entry = audit.record(admin, "user.suspend", "user", "u1", {"status": "ACTIVE"}, {"status": "SUSPENDED"}, ip="10.1.2.3")
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(AuditEntry, entry.id)
    assert (stored.actor_id, stored.action, stored.object_type, stored.object_id, stored.ip) == (
        admin.id, "user.suspend", "user", "u1", "10.1.2.3")
    assert json.loads(stored.before) == {"status": "ACTIVE"} and audit.decode(stored.after) == {"status": "SUSPENDED"}


def test_entries_filter_by_actor_and_action_newest_first(app):
    one, two = f.user(Role.ADMIN), f.user(Role.STAFF)
    for n in range(5):
        audit.record(one, "product.approve", "product", f"p{n}")
    audit.record(two, "order.hand_over", "order", "VGK-1")
    db.session.commit()
    page = audit.entries(audit.AuditFilters(), 1, per_page=4)
    assert page.total == 6 and page.has_next and page.items[0].object_id == "VGK-1"
    assert [e.object_id for e in audit.entries(audit.AuditFilters(), 2, per_page=4).items] == ["p1", "p0"]
    assert [e.object_id for e in audit.entries(audit.AuditFilters(actor=two.public_id)).items] == ["VGK-1"]
    assert audit.entries(audit.AuditFilters(action="product.approve")).total == 5
    assert audit.entries(audit.AuditFilters(actor=two.public_id, action="product.approve")).total == 0
    assert audit.actions() == ["order.hand_over", "product.approve"]
    assert {u.id for u in audit.actors()} == {one.id, two.id}


def test_decode_tolerates_bad_json(app):
    assert audit.decode("not json") == {} and audit.decode("[1]") == {} and audit.decode('{"a": 1}') == {"a": 1}
