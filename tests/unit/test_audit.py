"""The audit service: record joins the caller's transaction, `recording` joins the transaction another
service commits, every audited service writes its entry in the transaction of its change (a failure
after the change leaves neither), and entries filter and paginate newest first."""
import json

import pytest
from sqlalchemy import event, select

from tests import factories as f
from vgk.extensions import db
from vgk.models import (
    AuditEntry,
    City,
    OrderStatus,
    PayoutStatus,
    ProductStatus,
    Role,
    User,
    WalletEntry,
    WalletEntryKind,
)
from vgk.models.base import utcnow
from vgk.services.backoffice import admin_orders, audit, directory, places
from vgk.services.commerce import wallet
from vgk.services.selling import moderation


def test_record_joins_the_callers_transaction(app):
    admin = f.user(Role.ADMIN)
    audit.record(admin, "user.suspend", "user", "u1", {"status": "ACTIVE"}, {"status": "SUSPENDED"}, ip="10.1.2.3")
    db.session.rollback()
    assert db.session.scalar(select(AuditEntry)) is None
    entry = audit.record(admin, "user.suspend", "user", "u1", {"status": "ACTIVE"}, {"status": "SUSPENDED"},
                         ip="10.1.2.3")
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


def _entries():
    db.session.expire_all()
    return db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()


def test_recording_writes_the_entry_with_the_commit_that_makes_the_change(app):
    admin, city = f.user(Role.ADMIN), f.city()
    with audit.recording(admin, "city.delivery_fee", "city", city.id, {"delivery_fee": None},
                         lambda: {"delivery_fee": city.delivery_fee} if city.delivery_fee else None, ip="10.0.0.1"):
        db.session.commit()  # a commit before the change: nothing recorded yet
        assert _entries() == []
        city.delivery_fee = 1_500
        db.session.commit()
        city.delivery_fee = 2_000
        db.session.commit()  # recorded once, with the first commit of the change
    [entry] = _entries()
    assert (entry.actor_id, entry.action, entry.object_id, entry.ip) == (admin.id, "city.delivery_fee", str(city.id),
                                                                         "10.0.0.1")
    assert audit.decode(entry.after) == {"delivery_fee": 1_500}
    city.delivery_fee = 3_000
    db.session.commit()  # after the block: no more entries
    assert len(_entries()) == 1


def test_recording_writes_nothing_when_the_block_fails_before_its_commit(app):
    admin, city = f.user(Role.ADMIN), f.city()
    with pytest.raises(RuntimeError):
        with audit.recording(admin, "city.delivery_fee", "city", city.id, {}, lambda: {"delivery_fee": 1}):
            city.delivery_fee = 1
            raise RuntimeError("refused")
    db.session.rollback()
    db.session.commit()
    assert _entries() == []


# --- every audited service: the change and its entry in one transaction ------------------------------

@pytest.fixture
def audit_store_fails(app):
    """The audit entry cannot be written (its INSERT fails, as a full disk or a lost connection would)."""

    def refuse(mapper, connection, target):
        raise RuntimeError("audit storage unavailable")

    event.listen(AuditEntry, "before_insert", refuse)
    yield
    event.remove(AuditEntry, "before_insert", refuse)


def _payout():
    seller = f.user()
    db.session.add(WalletEntry(user_id=seller.id, amount=30_000, kind=WalletEntryKind.SALE, note="vente"))
    db.session.commit()
    return wallet.request_payout(f.reauthenticated(seller), 20_000, "670000111")


def _pending_product():
    product = f.product("Ventilateur Binatone", status=ProductStatus.PENDING)
    product.submitted_at = utcnow()
    db.session.commit()
    return product


def _paid_delivery_order():
    from tests.web.test_admin_orders import delivery_order

    return delivery_order()[0]


def _status(model, public_id):
    db.session.expire_all()
    return db.session.scalar(select(model.status).where(model.public_id == public_id))


# name -> prepare(admin) returning (change, unchanged): the audited change, and a check that it left nothing
def case_delivery_fee(admin):
    city = f.city()
    return (lambda: places.set_delivery_fee(admin, city, 2_500, ip="10.0.0.1"),
            lambda: db.session.scalar(select(City.delivery_fee).where(City.id == city.id)) is None)


def case_create_point(admin):
    city = f.city()
    return (lambda: places.create_point(admin, city.id, "Point relais Bastos", "Rue des ambassades"),
            lambda: places.points() == [])


def case_create_category(admin):
    return (lambda: places.create_category(admin, "electromenager", "Électroménager", "Home appliances"),
            lambda: places.categories() == [])


def case_suspend(admin):
    user = f.user()
    return (lambda: directory.suspend(admin, user), lambda: _status(User, user.public_id) == "ACTIVE")


def case_set_role(admin):
    user, point = f.user(), f.pickup_point()
    return (lambda: directory.set_role(admin, user, Role.STAFF, point.id),
            lambda: db.session.scalar(select(User.role).where(User.id == user.id)) == Role.CLIENT)


def case_create_staff(admin):
    point = f.pickup_point()
    return (lambda: directory.create_staff(admin, name="Serge Ekwalla", phone="699887766", password="Un-mot-de-passe-7",
                                           pickup_point_id=point.id),
            lambda: db.session.scalar(select(User).where(User.name == "Serge Ekwalla")) is None)


def case_approve_payout(admin):
    payout = _payout()
    return (lambda: wallet.approve_payout(admin, payout.public_id),
            lambda: _status(type(payout), payout.public_id) == PayoutStatus.REQUESTED)


def case_reject_payout(admin):
    payout = _payout()
    return (lambda: wallet.reject_payout(admin, payout.public_id, "Numéro erroné"),
            lambda: (_status(type(payout), payout.public_id) == PayoutStatus.REQUESTED
                     and wallet.balance(payout.user) == 10_000))


def case_approve_product(admin):
    product = _pending_product()
    return (lambda: moderation.approve(admin, product.public_id),
            lambda: _status(type(product), product.public_id) == ProductStatus.PENDING)


def case_cancel_order(admin):
    order = f.place_order(f.product("Chaise pliante"))
    return (lambda: admin_orders.cancel(order.reference, admin, "Acheteur injoignable"),
            lambda: _status(type(order), order.public_id) == OrderStatus.PENDING_PAYMENT)


def case_dispatch_order(admin):
    order = _paid_delivery_order()
    return (lambda: admin_orders.dispatch(order.reference, admin),
            lambda: _status(type(order), order.public_id) == OrderStatus.PAID)


FAILING_AFTER_THE_CHANGE = [case_delivery_fee, case_create_point, case_create_category, case_suspend, case_set_role,
                            case_create_staff, case_approve_payout, case_reject_payout, case_approve_product,
                            case_cancel_order, case_dispatch_order]


@pytest.mark.parametrize("case", FAILING_AFTER_THE_CHANGE, ids=lambda case: case.__name__[5:])
def test_an_audit_that_cannot_be_written_leaves_the_change_undone(app, case, request):
    admin = f.user(Role.ADMIN)
    change, unchanged = case(admin)
    request.getfixturevalue("audit_store_fails")
    with pytest.raises(RuntimeError, match="audit storage unavailable"):
        change()
    db.session.rollback()
    assert unchanged()
    assert _entries() == []
