"""Every admin data change produces an audit entry: the test walks every POST route of the admin
blueprint from the URL map. A new admin POST route needs a case here (with its audit) or this fails."""
import json

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.web.test_admin_users import csrf
from tests.web.test_staff_orders import desk, hand_over, receive  # noqa: F401
from vgk.extensions import db
from vgk.models import (
    AuditEntry,
    PickupPoint,
    ProductStatus,
    ReportReason,
    Role,
    TwoFactor,
    UserStatus,
    WalletEntry,
    WalletEntryKind,
)
from vgk.models.base import utcnow
from vgk.services.commerce import wallet
from vgk.services.notifications import experiments as notify_experiments


@pytest.fixture
def admin(app, client):
    user = f.user(Role.ADMIN, name="Admin Kamer", two_factor=TwoFactor.SMS, phone_verified_at=utcnow())
    f.sign_in(client, user)
    return user


def _point():
    point = PickupPoint(city=f.city(), name="Point relais Bonapriso", address="Rue Njo-Njo")
    db.session.add(point)
    db.session.commit()
    return point


def _payout():
    seller = f.user()
    db.session.add(WalletEntry(user_id=seller.id, amount=30_000, kind=WalletEntryKind.SALE, note="vente"))
    db.session.commit()
    return wallet.request_payout(f.reauthenticated(seller), 20_000, "670000111")


def _pending():
    product = f.product("Ventilateur Binatone", status=ProductStatus.PENDING)
    product.submitted_at = utcnow()
    db.session.commit()
    return product


# endpoint -> prepare() returning (url values, form data, action, object id, before subset, after subset)
def case_suspend():
    user = f.user()
    return ({"public_id": user.public_id}, {}, "user.suspend", user.public_id,
            {"status": "ACTIVE"}, {"status": "SUSPENDED"})


def case_reinstate():
    user = f.user(status=UserStatus.SUSPENDED)
    return ({"public_id": user.public_id}, {}, "user.reinstate", user.public_id,
            {"status": "SUSPENDED"}, {"status": "ACTIVE"})


def case_change_role():
    user, point = f.user(), _point()
    return ({"public_id": user.public_id}, {"role": "STAFF", "pickup_point": str(point.id)}, "user.role",
            user.public_id, {"role": "CLIENT", "pickup_point_id": None}, {"role": "STAFF", "pickup_point_id": point.id})


def case_new_staff():
    point = _point()
    data = {"name": "Serge Ekwalla", "phone": "699887766", "email": "", "password": "Un-mot-de-passe-7",
            "pickup_point": str(point.id)}
    return {}, data, "staff.create", None, {}, {"role": "STAFF", "name": "Serge Ekwalla"}


def case_approve_payout():
    payout = _payout()
    return ({"public_id": payout.public_id}, {}, "payout.approve", payout.public_id,
            {"status": "REQUESTED"}, {"status": "PAID"})


def case_reject_payout():
    payout = _payout()
    return ({"public_id": payout.public_id}, {"reason": "Numéro erroné"}, "payout.reject", payout.public_id,
            {"status": "REQUESTED"}, {"status": "REJECTED", "note": "Numéro erroné"})


def case_approve_product():
    product = _pending()
    return ({"public_id": product.public_id}, {}, "product.approve", product.public_id,
            {"status": "PENDING"}, {"status": "ACTIVE"})


def case_reject_product():
    product = _pending()
    return ({"public_id": product.public_id}, {"reason": "Photo floue"}, "product.reject", product.public_id,
            {"status": "PENDING"}, {"status": "REJECTED", "rejection_reason": "Photo floue"})


def case_take_down_product():
    product = f.product("Casque contrefait")
    db.session.commit()
    return ({"public_id": product.public_id}, {"reason": "Contrefaçon"}, "product.takedown", product.public_id,
            {"status": "ACTIVE"}, {"status": "REJECTED", "rejection_reason": "Contrefaçon"})


def _reported(title):
    from vgk.services.selling import reports

    product = f.product(title)
    reports.report(product.public_id, ReportReason.FRAUD, "Paiement d'avance demandé", ip="10.0.0.7")
    return product


def case_dismiss_reports():
    product = _reported("Téléphone signalé")
    return ({"public_id": product.public_id}, {}, "reports.dismiss", product.public_id,
            {"open_reports": 1}, {"open_reports": 0})


def case_take_down_reported():
    product = _reported("Casque signalé")
    return ({"public_id": product.public_id}, {"reason": "Arnaque avérée"}, "reports.takedown", product.public_id,
            {"open_reports": 1}, {"open_reports": 0})


def case_moderate_many():
    product = _pending()
    return ({}, {"ids": product.public_id, "decision": "approve"}, "product.approve", product.public_id,
            {"status": "PENDING"}, {"status": "ACTIVE"})


def _admin_order():
    return f.place_order(f.product("Chaise pliante"))


def case_cancel_order():
    order = _admin_order()
    return ({"reference": order.reference}, {"reason": "Acheteur injoignable"}, "order.cancel", order.reference,
            {"status": "PENDING_PAYMENT"}, {"status": "CANCELLED", "reason": "Acheteur injoignable"})


def case_refund_order():
    from tests.web.test_admin_orders import paid_mobile_order

    order = paid_mobile_order()
    return ({"reference": order.reference}, {"reason": "Article introuvable"}, "order.refund", order.reference,
            {"status": "PAID"}, {"status": "REFUNDED", "reason": "Article introuvable"})


def case_dispatch_order():
    from tests.web.test_admin_orders import delivery_order

    order, _ = delivery_order()
    return ({"reference": order.reference}, {}, "order.dispatch", order.reference,
            {"status": "PAID"}, {"status": "OUT_FOR_DELIVERY"})


def case_deliver_order():
    from tests.web.test_admin_orders import delivery_order
    from vgk.services.commerce import orders

    order, code = delivery_order(title="Frigo livré")
    orders.move(order, "OUT_FOR_DELIVERY")
    db.session.commit()
    return ({"reference": order.reference}, {"code": code}, "order.deliver", order.reference,
            {"status": "OUT_FOR_DELIVERY"}, {"status": "DELIVERED"})


def case_set_city_fee():
    city = f.city()
    return ({"city_id": city.id}, {"delivery_fee": "2500"}, "city.delivery_fee", str(city.id),
            {"delivery_fee": None}, {"delivery_fee": 2500})


def case_create_point():
    city = f.city()
    data = {"city": str(city.id), "name": "Point relais Bastos", "address": "Rue des ambassades", "opening_hours": "",
            "phone": ""}
    return {}, data, "point.create", None, {}, {"name": "Point relais Bastos", "city_id": city.id, "is_active": True}


def case_update_point():
    point = _point()
    data = {"city": str(point.city_id), "name": "Point relais Bonanjo", "address": "Rue Njo-Njo",
            "opening_hours": "8h-18h", "phone": ""}
    return ({"public_id": point.public_id}, data, "point.update", point.public_id, {"name": "Point relais Bonapriso"},
            {"name": "Point relais Bonanjo", "opening_hours": "8h-18h"})


def case_deactivate_point():
    point = _point()
    return ({"public_id": point.public_id}, {}, "point.deactivate", point.public_id,
            {"is_active": True}, {"is_active": False})


def case_create_category():
    data = {"parent": "", "slug": "electromenager", "name_fr": "Électroménager", "name_en": "Home appliances"}
    return {}, data, "category.create", None, {}, {"slug": "electromenager", "parent_id": None}


def case_rename_category():
    category = f.category("Maison")
    return ({"category_id": category.id}, {"name_fr": "Maison et jardin", "name_en": "Home and garden"},
            "category.rename", str(category.id),
            {"name_fr": "Maison"}, {"name_fr": "Maison et jardin", "name_en": "Home and garden"})


def case_move_category():
    parent = f.category("Maison")
    f.category("Chaises", parent=parent, position=1)
    category = f.category("Tables", parent=parent, position=2)
    return ({"category_id": category.id}, {"direction": "up"}, "category.move", str(category.id),
            {"position": 2}, {"position": 0})


def case_retire_category():
    category = f.category("Maison")
    return ({"category_id": category.id}, {}, "category.retire", str(category.id),
            {"retired": False}, {"retired": True})


def case_restore_category():
    category = f.category("Maison", retired_at=utcnow())
    return ({"category_id": category.id}, {}, "category.restore", str(category.id),
            {"retired": True}, {"retired": False})


def case_save_settings():
    from flask import current_app

    from vgk.services.backoffice import settings

    # back to the defaults first (the case runs twice: once per face)
    settings.forget()
    settings.update(f.user(Role.ADMIN), {"commission_percent": current_app.config["COMMISSION_PERCENT"],
                                         "banned_words": list(current_app.config["BANNED_WORDS"])})
    data = {"commission_percent": "12", "reservation_minutes": "30", "cash_hold_hours": "72",
            "drop_off_reminder_hours": "24", "banned_words": "fusil\ntortue marine"}
    return ({}, data, "settings.update", None, {"commission_percent": 10},
            {"commission_percent": 12, "banned_words": ["fusil", "tortue marine"]})


def _reported_conversation():
    from vgk.services.conversations import messages, safety, threads

    seller, buyer = f.user(), f.user()
    talk = threads.open_about_listing(buyer, f.product("Radio", seller=seller).public_id)
    rude = messages.post_text(seller, talk, "Message désagréable")
    safety.report(buyer, talk, rude.id, "Insultes")
    return talk, rude


def case_settle_conversation():
    talk, rude = _reported_conversation()
    return ({"public_id": talk.public_id}, {"hide": str(rude.id), "action": "close"},
            "conversation.reports_settled", talk.public_id, {}, {"closed": True, "hidden": [rude.id], "reports": 1})


def case_new_group():
    f.user(phone="+237690000222")
    return ({}, {"title": "Vendeurs de Douala", "members": "+237 690 00 02 22"}, "conversation.group_create", None,
            {}, {"title": "Vendeurs de Douala", "members": 2})


def _no_experiment_running():
    for running in notify_experiments.running("alert.price_drop"):
        running.stopped_at = utcnow()
    db.session.commit()


def case_start_experiment():
    _no_experiment_running()
    return ({}, {"event": "alert.price_drop", "weight_a": "60", "weight_b": "40"}, "experiment.start", None,
            {}, {"event": "alert.price_drop", "a": 60, "b": 40})


def _experiment():
    _no_experiment_running()
    return notify_experiments.start(f.user(Role.ADMIN), "alert.price_drop", {"a": "1", "b": "1"})


def case_change_experiment():
    experiment = _experiment()
    return ({"experiment_id": experiment.id}, {"weight_a": "3", "weight_b": "1"}, "experiment.update",
            str(experiment.id), {"a": 1, "b": 1}, {"a": 3, "b": 1})


def case_stop_experiment():
    experiment = _experiment()
    return ({"experiment_id": experiment.id}, {}, "experiment.stop", str(experiment.id), {"stopped_at": None}, {})


CASES = {
    "admin.start_experiment": case_start_experiment,
    "admin.change_experiment": case_change_experiment,
    "admin.stop_experiment": case_stop_experiment,
    "admin.settle_conversation": case_settle_conversation,
    "admin.new_group": case_new_group,
    "admin.cancel_order": case_cancel_order,
    "admin.refund_order": case_refund_order,
    "admin.dispatch_order": case_dispatch_order,
    "admin.deliver_order": case_deliver_order,
    "admin.set_city_fee": case_set_city_fee,
    "admin.create_point": case_create_point,
    "admin.update_point": case_update_point,
    "admin.deactivate_point": case_deactivate_point,
    "admin.create_category": case_create_category,
    "admin.rename_category": case_rename_category,
    "admin.save_settings": case_save_settings,
    "admin.move_category": case_move_category,
    "admin.retire_category": case_retire_category,
    "admin.restore_category": case_restore_category,
    "admin.suspend": case_suspend,
    "admin.reinstate": case_reinstate,
    "admin.change_role": case_change_role,
    "admin.new_staff": case_new_staff,
    "admin.approve_payout": case_approve_payout,
    "admin.reject_payout": case_reject_payout,
    "admin.approve_product": case_approve_product,
    "admin.reject_product": case_reject_product,
    "admin.take_down_product": case_take_down_product,
    "admin.moderate_many": case_moderate_many,
    "admin.dismiss_reports": case_dismiss_reports,
    "admin.take_down_reported": case_take_down_reported,
}
# POST routes that change no data (none today). Adding one here needs a reason in review.
NO_DATA_CHANGE = set()


def admin_post_rules(app):
    return [rule for rule in app.url_map.iter_rules()
            if rule.endpoint.startswith("admin.") and "POST" in rule.methods]


def test_every_admin_post_route_has_an_audit_case(app):
    endpoints = {rule.endpoint for rule in admin_post_rules(app)}
    assert endpoints, "the admin blueprint has POST routes"
    missing = endpoints - set(CASES) - NO_DATA_CHANGE
    assert missing == set(), f"admin POST routes without an audit case: {sorted(missing)}"


def test_every_admin_post_route_writes_an_audit_entry(app, client, admin):
    for rule in admin_post_rules(app):
        if rule.endpoint in NO_DATA_CHANGE:
            continue
        values, data, action, object_id, before, after = CASES[rule.endpoint]()
        url = app.url_map.bind("localhost").build(rule.endpoint, values)
        known = set(db.session.scalars(select(AuditEntry.id)).all())
        response = client.post(url, data={"csrf_token": csrf(client, "/admin"), **data})
        assert response.status_code in (200, 302), (rule.endpoint, response.status_code)
        db.session.expire_all()
        created = [e for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)) if e.id not in known]
        # One entry for the change (a takedown of a reported listing also closes its reports: two entries).
        matching = [e for e in created if e.action == action]
        assert len(matching) == 1 and len(created) <= 2, (rule.endpoint, [e.action for e in created])
        entry = matching[0]
        assert all(e.actor_id == admin.id and e.ip == "127.0.0.1" for e in created), rule.endpoint
        if object_id is not None:
            assert entry.object_id == object_id
        assert before.items() <= json.loads(entry.before).items(), (rule.endpoint, entry.before)
        assert after.items() <= json.loads(entry.after).items(), (rule.endpoint, entry.after)


def test_a_refused_change_writes_no_entry(client, admin):
    response = client.post(f"/admin/utilisateurs/{admin.public_id}/suspendre",
                           data={"csrf_token": csrf(client, "/admin")})
    assert response.status_code == 400
    assert db.session.scalar(select(AuditEntry)) is None


def test_staff_actions_are_audited(client, desk):  # noqa: F811
    _, staff, _, order = desk
    assert receive(client, order).status_code == 302
    code = f.last_code("+237690555111")
    assert hand_over(client, order.reference, code, cash=True).status_code == 302
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.actor_id, e.action) for e in entries] == [(staff.id, "item.receive"), (staff.id, "order.hand_over")]
    assert json.loads(entries[1].before) == {"status": "READY"}
    assert json.loads(entries[1].after)["status"] == "COMPLETED"


def test_the_journal_lists_and_filters_entries(client, admin):
    other = f.user(name="Zoé Admin")
    suspended = f.user(name="Paul Nkodo")
    client.post(f"/admin/utilisateurs/{suspended.public_id}/suspendre", data={"csrf_token": csrf(client, "/admin")})
    from vgk.services.backoffice import audit

    audit.record(other, "user.role", "user", "abc", {"role": "CLIENT"}, {"role": "ADMIN"})
    db.session.commit()
    html = client.get("/admin/journal").get_data(as_text=True)
    assert "Compte suspendu" in html and "Rôle modifié" in html and "Admin Kamer" in html
    assert "Actif → Suspendu" in html and 'href="/admin/journal"' in html
    html = client.get("/admin/journal?action=user.role").get_data(as_text=True)
    assert 'class="audit-entry"' in html and "Zoé Admin" in html and "Suspendu" not in html.split("<tbody>")[1]
    html = client.get(f"/admin/journal?actor={admin.public_id}").get_data(as_text=True)
    assert html.count('class="audit-entry"') == 1 and "Actif → Suspendu" in html


def test_non_admins_get_403(app, client):
    f.sign_in(client, f.user(Role.CLIENT))
    assert client.get("/admin/journal").status_code == 403


# --- the mobile API writes the same entries ---------------------------------------------------------

# web endpoint -> the API path doing the same change (its id from the case's URL values)
API_TWINS = {
    "admin.suspend": "admin/users/{public_id}/suspend/",
    "admin.reinstate": "admin/users/{public_id}/reinstate/",
    "admin.approve_product": "admin/{public_id}/approve_product/",
    "admin.reject_product": "admin/{public_id}/reject_product/",
    "admin.take_down_product": "admin/{public_id}/take_down_product/",
    "admin.approve_payout": "admin/payouts/{public_id}/approve/",
    "admin.reject_payout": "admin/payouts/{public_id}/reject/",
    "admin.save_settings": "admin/settings/",
}


def _new_entry(known):
    db.session.expire_all()
    created = [e for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)) if e.id not in known]
    assert len(created) == 1
    entry = created[0]
    return entry.actor_id, entry.action, entry.object_type, entry.object_id, json.loads(entry.before), \
        json.loads(entry.after), entry.ip


def test_every_admin_change_of_the_api_writes_the_entry_the_web_writes(app, client, admin):
    from tests.api.conftest import ApiClient

    api = ApiClient(app)
    api_posts = {rule.endpoint for rule in app.url_map.iter_rules()
                 if rule.endpoint.startswith("api.admin_") and "POST" in rule.methods}
    assert len(api_posts) == len(API_TWINS), sorted(api_posts)  # a new API admin change needs its twin here
    for endpoint, api_path in API_TWINS.items():
        values, data, *_ = CASES[endpoint]()
        url = app.url_map.bind("localhost").build(endpoint, values)
        known = set(db.session.scalars(select(AuditEntry.id)).all())
        assert client.post(url, data={"csrf_token": csrf(client, "/admin"), **data}).status_code in (200, 302)
        on_the_web = _new_entry(known)
        values, data, *_ = CASES[endpoint]()
        known = set(db.session.scalars(select(AuditEntry.id)).all())
        response = api.post(api_path.format(**values), data or None, user=admin)
        assert response.status_code == 200, (endpoint, response.get_json())
        from_the_api = _new_entry(known)
        assert on_the_web[:3] + on_the_web[4:] == from_the_api[:3] + from_the_api[4:], endpoint
        if "public_id" in values:  # two objects, one through each face (the settings are one for all)
            assert on_the_web[3] != from_the_api[3]
            assert from_the_api[3] == values["public_id"]
