"""The admin's audited decisions (vgk.services.backoffice.directory) and the pickup point's audited work
(vgk.services.commerce.pickup): one place writes the audit entry for the admin pages and the mobile API."""
import json

import pytest
from sqlalchemy import select

from tests import factories as f
from vgk.errors import Conflict, Invalid
from vgk.extensions import db
from vgk.models import AuditEntry, Role, TwoFactor, UserStatus, WalletEntry, WalletEntryKind
from vgk.services.backoffice import directory
from vgk.services.commerce import pickup, wallet


def entries():
    db.session.expire_all()
    return db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()


def test_strict_filters_refuse_unknown_values(app):
    assert directory.UserFilters.from_params({"role": "BOSS"}).role == ""
    with pytest.raises(Invalid) as error:
        directory.UserFilters.from_params({"role": "BOSS"}, strict=True)
    assert error.value.fields == {"role": "invalid"}
    with pytest.raises(Invalid) as error:
        directory.UserFilters.from_params({"status": "GONE"}, strict=True)
    assert error.value.fields == {"status": "invalid"}
    assert directory.UserFilters.from_params({"role": "STAFF", "status": "ACTIVE"}, strict=True).role == "STAFF"


def test_suspend_and_reinstate_record_who_what_and_where(app):
    admin, user = f.user(Role.ADMIN), f.user()
    directory.suspend(admin, user, ip="10.0.0.7")
    directory.reinstate(admin, user, ip="10.0.0.7")
    assert [(e.actor_id, e.action, e.object_id, e.ip) for e in entries()] == [
        (admin.id, "user.suspend", user.public_id, "10.0.0.7"),
        (admin.id, "user.reinstate", user.public_id, "10.0.0.7")]
    assert json.loads(entries()[0].after) == {"status": UserStatus.SUSPENDED}


def test_a_refused_decision_writes_nothing(app):
    admin = f.user(Role.ADMIN)
    with pytest.raises(Invalid):
        directory.suspend(admin, admin)
    with pytest.raises(Conflict):
        directory.reinstate(admin, f.user())
    assert entries() == []


def test_payout_decisions_are_audited(app):
    admin, seller = f.user(Role.ADMIN), f.user()
    db.session.add(WalletEntry(user_id=seller.id, amount=30_000, kind=WalletEntryKind.SALE, note="vente"))
    db.session.commit()
    first = wallet.request_payout(f.reauthenticated(seller), 10_000, "670000111")
    second = wallet.request_payout(f.reauthenticated(seller), 10_000, "670000111")
    wallet.approve_payout(admin, first.public_id, ip="1.2.3.4")
    wallet.reject_payout(admin, second.public_id, "Numéro à vérifier", ip="1.2.3.4")
    assert [(e.action, e.object_id, json.loads(e.after)["status"]) for e in entries()] == [
        ("payout.approve", first.public_id, "PAID"), ("payout.reject", second.public_id, "REJECTED")]


def test_pickup_work_is_audited_with_the_ip(app):
    point = f.pickup_point()
    staff = f.user(Role.STAFF, pickup_point=point, two_factor=TwoFactor.SMS)
    order = f.place_order(f.product(price=5_000), point=point)
    pickup.receive_item(staff, point, order.reference, order.items[0].id, ip="10.1.1.1")
    pickup.hand_over(staff, point, order.reference, f.last_code("+237690555111"), cash_received=True, ip="10.1.1.1")
    assert [(e.actor_id, e.action, e.ip) for e in entries()] == [
        (staff.id, "item.receive", "10.1.1.1"), (staff.id, "order.hand_over", "10.1.1.1")]
