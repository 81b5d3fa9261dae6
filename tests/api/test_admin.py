"""Administration from the app: dashboard figures, the user directory (suspend, reinstate), moderation
(approve, reject) and payouts (approve, reject); ADMIN with a second factor only; every change audited
exactly as on the admin pages."""
import json

import pytest
from sqlalchemy import select

from tests import factories as f
from vgk.extensions import db
from vgk.models import (
    AuditEntry,
    OrderStatus,
    Payout,
    PayoutStatus,
    Product,
    ProductStatus,
    Role,
    TwoFactor,
    User,
    UserStatus,
    WalletEntry,
    WalletEntryKind,
)
from vgk.models.base import utcnow
from vgk.services.commerce import wallet

UNKNOWN = "zzzzzzzzzzzz"


@pytest.fixture
def admin(app):
    return f.user(Role.ADMIN, name="Admin Kamer", two_factor=TwoFactor.SMS, phone_verified_at=utcnow())


def pending_product(title="Ventilateur Binatone", **kw):
    product = f.product(title, status=ProductStatus.PENDING, **kw)
    product.submitted_at = utcnow()
    db.session.commit()
    return product


def payout_request():
    seller = f.user(name="Nadège Fotso")
    db.session.add(WalletEntry(user_id=seller.id, amount=30_000, kind=WalletEntryKind.SALE, note="vente"))
    db.session.commit()
    return seller, wallet.request_payout(f.reauthenticated(seller), 20_000, "670000111")


def entries():
    db.session.expire_all()
    return db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()


def only_entry(actor, action, object_id):
    [entry] = entries()
    assert (entry.actor_id, entry.action, entry.object_id, entry.ip) == (actor.id, action, object_id, "127.0.0.1")
    return json.loads(entry.before), json.loads(entry.after)


# --- dashboard ---------------------------------------------------------------------------------------

def test_dashboard_stats(api, admin):
    douala = f.city("Douala", "douala")
    f.city("Bafoussam", "bafoussam")
    order = f.place_order(f.product(price=25_000, city_=douala), point=f.pickup_point(douala))
    order.status, order.total, order.commission = OrderStatus.COMPLETED, 25_000, 2_500
    db.session.commit()
    stats = api.get("admin/dashboard_stats/", user=admin, query={"days": "7"}).get_json()["stats"]
    assert stats["days"] == 7 and len(stats["daily"]) == 7 and stats["city"] is None
    assert stats["gmv"] == 25_000 and stats["commission"] == 2_500 and stats["orders"] == 1
    assert stats["orders_by_status"] == {"COMPLETED": 1} and stats["gmv_display"] == "25 000 FCFA"
    assert stats["by_city"][0]["slug"] == "douala" and stats["by_city"][0]["gmv"] == 25_000
    assert stats["active_listings"] >= 0 and stats["new_users"] >= 2
    stats = api.get("admin/dashboard_stats/", user=admin, query={"city": "bafoussam"}).get_json()["stats"]
    assert stats["days"] == 30 and stats["city"] == "bafoussam" and stats["gmv"] == 0 and stats["orders"] == 0
    for bad in ("365", "abc"):
        response = api.get("admin/dashboard_stats/", user=admin, query={"days": bad})
        assert response.status_code == 400 and response.get_json()["error"]["fields"] == {"days": "invalid"}


# --- users -------------------------------------------------------------------------------------------

def test_user_search_filters_and_pages(api, admin):
    paul = f.user(name="Paul Nkodo", phone="+237690000001")
    f.user(name="Awa Bello", status=UserStatus.SUSPENDED)
    body = api.get("admin/users/", user=admin, query={"q": "nkodo"}).get_json()
    assert body["count"] == 1 and body["results"][0]["id"] == paul.public_id
    assert body["results"][0]["status"] == "ACTIVE" and body["next"] is None and body["previous"] is None
    assert api.get("admin/users/", user=admin, query={"q": "690 00 00 01"}).get_json()["count"] == 1
    suspended = api.get("admin/users/", user=admin, query={"status": "SUSPENDED"}).get_json()["results"]
    assert [u["name"] for u in suspended] == ["Awa Bello"]
    admins = api.get("admin/users/", user=admin, query={"role": "ADMIN"}).get_json()["results"]
    assert [u["id"] for u in admins] == [admin.public_id]
    for _ in range(20):
        f.user()
    first = api.get("admin/users/", user=admin).get_json()
    assert first["count"] == 23 and len(first["results"]) == 20 and "page=2" in first["next"]
    second = api.get("admin/users/", user=admin, query={"page": "2"}).get_json()
    assert len(second["results"]) == 3 and second["next"] is None and second["previous"]
    for query, field in (({"role": "BOSS"}, "role"), ({"status": "GONE"}, "status"), ({"page": "0"}, "page")):
        response = api.get("admin/users/", user=admin, query=query)
        assert response.status_code == 400 and field in response.get_json()["error"]["fields"]


def test_suspend_and_reinstate_are_audited_and_end_the_tokens(api, admin):
    paul = f.user(name="Paul Nkodo")
    token = f.api_token(paul)
    response = api.post(f"admin/users/{paul.public_id}/suspend/", user=admin)
    assert response.status_code == 200 and response.get_json()["user"]["status"] == "SUSPENDED"
    assert only_entry(admin, "user.suspend", paul.public_id) == ({"status": "ACTIVE"}, {"status": "SUSPENDED"})
    assert api.post("auth/logout/", token=token).status_code == 401
    again = api.post(f"admin/users/{paul.public_id}/reinstate/", user=admin)
    assert again.status_code == 200 and again.get_json()["user"]["status"] == "ACTIVE"
    assert [e.action for e in entries()] == ["user.suspend", "user.reinstate"]
    assert json.loads(entries()[1].after) == {"status": "ACTIVE"}


def test_suspend_rules(api, admin):
    response = api.post(f"admin/users/{admin.public_id}/suspend/", user=admin)
    assert response.status_code == 400 and response.get_json()["error"]["fields"] == {"user": "self"}
    active = f.user()
    assert api.post(f"admin/users/{active.public_id}/reinstate/", user=admin).status_code == 409
    deleted = f.user(status=UserStatus.DELETED)
    assert api.post(f"admin/users/{deleted.public_id}/suspend/", user=admin).status_code == 409
    for action in ("suspend", "reinstate"):
        assert api.post(f"admin/users/{UNKNOWN}/{action}/", user=admin).status_code == 404
    assert entries() == []
    db.session.expire_all()
    assert db.session.get(User, admin.id).status == UserStatus.ACTIVE


# --- moderation --------------------------------------------------------------------------------------

def test_queue_lists_pending_with_flags(api, admin):
    flagged = pending_product("Téléphone, appelez moi au 690 12 34 56")
    flagged.moderation_flags = "contact"
    db.session.commit()
    f.product("Déjà en ligne")
    body = api.get("admin/pending_products/", user=admin).get_json()
    assert body["count"] == 1
    [entry] = body["results"]
    assert entry["id"] == flagged.public_id and entry["status"] == "PENDING"
    assert entry["flags"][0]["code"] == "contact" and entry["flags"][0]["label"] and entry["flags"][0]["explanation"]
    assert entry["seller"]["name"] and entry["submitted_at"]
    assert api.get("admin/pending_products/", user=admin, query={"page": "x"}).status_code == 400


def test_approve_and_reject_are_audited(api, admin):
    first, second = pending_product(), pending_product("Chaise")
    response = api.post(f"admin/{first.public_id}/approve_product/", user=admin)
    assert response.status_code == 200 and response.get_json()["product"]["status"] == "ACTIVE"
    before, after = only_entry(admin, "product.approve", first.public_id)
    assert before["status"] == "PENDING" and after["status"] == "ACTIVE"
    assert api.post(f"admin/{first.public_id}/approve_product/", user=admin).status_code == 409

    response = api.post(f"admin/{second.public_id}/reject_product/", json={}, user=admin)
    assert response.status_code == 400 and response.get_json()["error"]["fields"] == {"reason": "required"}
    response = api.post(f"admin/{second.public_id}/reject_product/", json={"reason": 12}, user=admin)
    assert response.status_code == 400 and response.get_json()["error"]["fields"] == {"reason": "invalid"}
    response = api.post(f"admin/{second.public_id}/reject_product/", json={"reason": "Photo floue"}, user=admin)
    assert response.status_code == 200 and response.get_json()["product"]["status"] == "REJECTED"
    assert [(e.action, e.actor_id, e.ip) for e in entries()] == [
        ("product.approve", admin.id, "127.0.0.1"), ("product.reject", admin.id, "127.0.0.1")]
    db.session.expire_all()
    assert db.session.get(Product, second.id).rejection_reason == "Photo floue"
    assert api.post(f"admin/{second.public_id}/reject_product/", json={"reason": "Encore"},
                    user=admin).status_code == 409
    assert api.post(f"admin/{UNKNOWN}/approve_product/", user=admin).status_code == 404
    assert api.post(f"admin/{UNKNOWN}/reject_product/", json={"reason": "Photo floue"}, user=admin).status_code == 404


def test_take_down_a_live_listing(api, admin):
    live, waiting = f.product("Casque volé"), pending_product("Chaise")
    db.session.commit()
    response = api.post(f"admin/{live.public_id}/take_down_product/", json={}, user=admin)
    assert response.status_code == 400 and response.get_json()["error"]["fields"] == {"reason": "required"}
    response = api.post(f"admin/{live.public_id}/take_down_product/", json={"reason": "Objet volé"}, user=admin)
    assert response.status_code == 200 and response.get_json()["product"]["status"] == "REJECTED"
    before, after = only_entry(admin, "product.takedown", live.public_id)
    assert before["status"] == "ACTIVE" and after["status"] == "REJECTED"
    assert "retirée de la vente" in f.outbox(live.seller.phone)[0].body
    again = api.post(f"admin/{live.public_id}/take_down_product/", json={"reason": "Objet volé"}, user=admin)
    assert again.status_code == 409
    assert api.post(f"admin/{waiting.public_id}/take_down_product/", json={"reason": "Objet volé"},
                    user=admin).status_code == 409
    assert api.post(f"admin/{UNKNOWN}/take_down_product/", json={"reason": "Objet volé"}, user=admin).status_code == 404


# --- payouts -----------------------------------------------------------------------------------------

def test_payouts_list_approve_and_reject(api, admin):
    seller, payout = payout_request()
    body = api.get("admin/payouts/", user=admin).get_json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["id"] == payout.public_id and row["amount"] == 20_000 and row["seller"]["name"] == "Nadège Fotso"
    assert row["status"] == "REQUESTED" and row["phone"] == payout.phone

    response = api.post(f"admin/payouts/{payout.public_id}/approve/", user=admin)
    assert response.status_code == 200 and response.get_json()["payout"]["status"] == "PAID"
    assert only_entry(admin, "payout.approve", payout.public_id) == (
        {"status": "REQUESTED"}, {"status": "PAID", "amount": 20_000})
    assert api.post(f"admin/payouts/{payout.public_id}/approve/", user=admin).status_code == 409
    assert api.get("admin/payouts/", user=admin).get_json()["results"] == []

    other = wallet.request_payout(f.reauthenticated(seller), 10_000, "670000111")
    response = api.post(f"admin/payouts/{other.public_id}/reject/", json={"reason": " "}, user=admin)
    assert response.status_code == 400 and response.get_json()["error"]["fields"] == {"reason": "required"}
    response = api.post(f"admin/payouts/{other.public_id}/reject/", json={"reason": "Numéro à vérifier"}, user=admin)
    assert response.status_code == 200 and response.get_json()["payout"]["status"] == "REJECTED"
    assert response.get_json()["payout"]["note"] == "Numéro à vérifier"
    last = entries()[-1]
    assert (last.action, last.actor_id, last.ip, last.object_id) == (
        "payout.reject", admin.id, "127.0.0.1", other.public_id)
    assert json.loads(last.after) == {"status": "REJECTED", "note": "Numéro à vérifier"}
    assert wallet.balance(seller) == 10_000
    db.session.expire_all()
    assert db.session.get(Payout, other.id).status == PayoutStatus.REJECTED
    assert api.post(f"admin/payouts/{UNKNOWN}/approve/", user=admin).status_code == 404
    assert api.post(f"admin/payouts/{UNKNOWN}/reject/", json={"reason": "Numéro"}, user=admin).status_code == 404


# --- who may call ------------------------------------------------------------------------------------

def _calls(product, payout, user):
    return [
        ("GET", "admin/dashboard_stats/", None), ("GET", "admin/users/", None),
        ("POST", f"admin/users/{user.public_id}/suspend/", None),
        ("POST", f"admin/users/{user.public_id}/reinstate/", None),
        ("GET", "admin/pending_products/", None),
        ("POST", f"admin/{product.public_id}/approve_product/", None),
        ("POST", f"admin/{product.public_id}/reject_product/", {"reason": "Photo floue"}),
        ("POST", f"admin/{product.public_id}/take_down_product/", {"reason": "Photo floue"}),
        ("GET", "admin/payouts/", None),
        ("POST", f"admin/payouts/{payout.public_id}/approve/", None),
        ("POST", f"admin/payouts/{payout.public_id}/reject/", {"reason": "Numéro"}),
    ]


def test_who_may_call(api, admin):
    product, (_, payout), target = pending_product(), payout_request(), f.user()
    point = f.pickup_point()
    others = [
        f.user(Role.CLIENT, phone_verified_at=utcnow()),
        f.user(Role.STAFF, pickup_point=point, two_factor=TwoFactor.SMS, phone_verified_at=utcnow()),
    ]
    no_second_factor = f.user(Role.ADMIN, phone_verified_at=utcnow())
    for method, path, payload in _calls(product, payout, target):
        assert api.call(method, path, json_body=payload).status_code == 401, path
        for user in others:
            assert api.call(method, path, json_body=payload, user=user).status_code == 403, path
        response = api.call(method, path, json_body=payload, user=no_second_factor)
        assert response.status_code == 403, path
        assert "double authentification" in response.get_json()["error"]["message"]
    assert entries() == []
    db.session.expire_all()
    assert db.session.get(Product, product.id).status == ProductStatus.PENDING
    assert db.session.get(Payout, payout.id).status == PayoutStatus.REQUESTED
    assert db.session.get(User, target.id).status == UserStatus.ACTIVE


def test_routes_declare_the_admin_role(app):
    names = [rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.startswith("/mobile/api/admin/")]
    assert len(names) == 13  # settings: one URL, GET and POST
    assert all(app.view_functions[name].access == "ADMIN" for name in names)
