"""Staff at a pickup point, from the app: drop-offs, pick-ups, stock, receiving, handover, the day's report;
only their own point, only with a second factor, and every action audited as on the staff portal."""
import json

import pytest
from sqlalchemy import select

from tests import factories as f
from vgk.extensions import db
from vgk.models import AuditEntry, Order, OrderStatus, Role, TwoFactor
from vgk.models.base import utcnow
from vgk.services.commerce import orders, wallet
from vgk.services.selling.media import image_url

S = OrderStatus
BUYER = "+237690555111"


def staff_at(point, **kw):
    return f.user(Role.STAFF, pickup_point=point, two_factor=kw.pop("two_factor", TwoFactor.SMS),
                  phone_verified_at=utcnow(), **kw)


@pytest.fixture
def desk(app):
    """Serge works at the Akwa point, where a cash order of a TV (50 000 FCFA) is expected."""
    point = f.pickup_point(name="Point relais Akwa")
    staff = staff_at(point, name="Serge Ekwalla")
    seller = f.user(name="Nadège Fotso")
    order = f.place_order(f.product("Télé Samsung", seller=seller, price=50_000), point=point)
    return point, staff, seller, order


def fresh(order):
    db.session.expire_all()
    return db.session.get(Order, order.id)


def receive(api, staff, order, **extra):
    return api.post("staff/receive/", json={"reference": order.reference, "item_id": order.items[0].id, **extra},
                    user=staff)


def audit_entries():
    db.session.expire_all()
    return db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()


LISTS = ("staff/dropoffs/", "staff/pickups/", "staff/held/", "staff/report/")


def test_lists_show_only_my_points_work(api, desk):
    point, staff, _, order = desk
    elsewhere = f.place_order(f.product("Frigo ailleurs"), point=f.pickup_point())
    body = api.get("staff/dropoffs/", user=staff).get_json()
    assert body["pickup_point"]["id"] == point.public_id
    assert [(r["reference"], r["item"]["title"]) for r in body["results"]] == [(order.reference, "Télé Samsung")]
    row = body["results"][0]
    assert row["payment_method"] == "CASH" and row["cash_to_collect"] == 50_000 and row["received_at"] is None
    assert row["item"]["seller"]["name"] == "Nadège Fotso"
    assert elsewhere.reference not in json.dumps(body)
    assert api.get("staff/pickups/", user=staff).get_json()["results"] == []
    assert api.get("staff/held/", user=staff).get_json()["count"] == 0


def test_receiving_makes_the_order_ready_then_handover_completes(api, desk):
    _, staff, seller, order = desk
    response = receive(api, staff, order)
    assert response.status_code == 200
    body = response.get_json()
    assert body["order"]["status"] == "READY" and "prête" in body["message"]
    assert orders.handover_code(order) in f.outbox(BUYER)[0].body  # the one code, sent again
    pickups = api.get("staff/pickups/", user=staff).get_json()["results"]
    assert [o["reference"] for o in pickups] == [order.reference]
    held = api.get("staff/held/", user=staff).get_json()["results"]
    assert held[0]["reference"] == order.reference and held[0]["received_at"]
    assert api.get("staff/dropoffs/", user=staff).get_json()["results"] == []

    code = f.last_code(BUYER)
    no_cash = api.post("staff/handover/", json={"reference": order.reference, "code": code}, user=staff)
    assert no_cash.status_code == 400 and no_cash.get_json()["error"]["fields"] == {"cash": "required"}
    assert "Encaissez" in no_cash.get_json()["error"]["message"]
    done = api.post("staff/handover/", json={"reference": order.reference.lower(), "code": code,
                                             "cash_received": True}, user=staff)
    assert done.status_code == 200 and done.get_json()["order"]["status"] == "COMPLETED"
    assert fresh(order).status == S.COMPLETED and wallet.balance(seller) == 45_000

    report = api.get("staff/report/", user=staff).get_json()["report"]
    assert report["received"] == 1 and report["handed_over"] == 1
    assert report["cash_total"] == 50_000 and report["cash_count"] == 1
    assert report["waiting_dropoff"] == 0 and report["waiting_pickup"] == 0


def test_each_action_writes_the_portals_audit_entry(api, desk):
    _, staff, _, order = desk
    receive(api, staff, order)
    api.post("staff/handover/", json={"reference": order.reference, "code": f.last_code(BUYER),
                                      "cash_received": True}, user=staff)
    entries = audit_entries()
    assert [(e.actor_id, e.action, e.ip) for e in entries] == [
        (staff.id, "item.receive", "127.0.0.1"), (staff.id, "order.hand_over", "127.0.0.1")]
    assert entries[0].object_type == "order_item" and entries[0].object_id == str(order.items[0].id)
    assert json.loads(entries[0].after)["order_status"] == "READY"
    assert entries[1].object_id == order.reference
    assert json.loads(entries[1].before) == {"status": "READY"}
    assert json.loads(entries[1].after) == {"status": "COMPLETED", "cash": True}


def test_refusing_needs_a_reason_cancels_and_is_audited(api, desk):
    _, staff, _, order = desk
    response = receive(api, staff, order, accepted=False, reason=" ")
    assert response.status_code == 400 and response.get_json()["error"]["fields"] == {"reason": "required"}
    assert fresh(order).status == S.PENDING_PAYMENT and audit_entries() == []
    response = receive(api, staff, order, accepted=False, reason="Écran fissuré")
    assert response.status_code == 200 and "annulée" in response.get_json()["message"]
    assert fresh(order).status == S.CANCELLED
    [entry] = audit_entries()
    assert entry.action == "item.refuse" and entry.actor_id == staff.id and entry.ip == "127.0.0.1"
    assert json.loads(entry.after)["reason"] == "Écran fissuré"


def test_bad_input_is_a_400_with_fields(api, desk):
    _, staff, _, order = desk
    assert api.post("staff/receive/", json={}, user=staff).get_json()["error"]["fields"] == {"reference": "required"}
    for payload, field in (({"reference": order.reference}, "item_id"),
                           ({"reference": order.reference, "item_id": "abc"}, "item_id"),
                           ({"reference": order.reference, "item_id": 1, "accepted": "non"}, "accepted")):
        response = api.post("staff/receive/", json=payload, user=staff)
        assert response.status_code == 400 and field in response.get_json()["error"]["fields"]
    response = api.post("staff/handover/", json={"reference": order.reference}, user=staff)
    assert response.status_code == 400 and response.get_json()["error"]["fields"] == {"code": "required"}
    response = api.post("staff/handover/", json={"reference": order.reference, "code": "1", "cash_received": "1"},
                        user=staff)
    assert response.get_json()["error"]["fields"] == {"cash_received": "invalid"}
    response = api.get("staff/report/", user=staff, query={"day": "31/12/2024"})
    assert response.status_code == 400 and response.get_json()["error"]["fields"] == {"day": "invalid"}
    assert api.get("staff/report/", user=staff, query={"day": "2024-12-31"}).get_json()["report"]["day"] == "2024-12-31"


def test_wrong_codes_then_too_many_tries(api, desk):
    _, staff, _, order = desk
    receive(api, staff, order)
    code = f.last_code(BUYER)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        response = api.post("staff/handover/", json={"reference": order.reference, "code": wrong,
                                                     "cash_received": True}, user=staff)
        assert response.status_code == 400 and response.get_json()["error"]["fields"] == {"code": "wrong"}
    response = api.post("staff/handover/", json={"reference": order.reference, "code": code, "cash_received": True},
                        user=staff)
    assert response.status_code == 429
    assert fresh(order).status == S.READY
    assert [e.action for e in audit_entries()] == ["item.receive"]


def test_conflicts(api, desk):
    point, staff, seller, order = desk
    response = api.post("staff/handover/", json={"reference": order.reference, "code": "123456",
                                                 "cash_received": True}, user=staff)
    assert response.status_code == 409  # not ready yet
    paid = f.place_order(f.product(seller=seller, price=20_000), point=point, payment_method="ORANGE_MONEY")
    orders.move(paid, S.CANCELLED)
    db.session.commit()
    assert receive(api, staff, paid).status_code == 409  # no longer expects a drop-off
    receive(api, staff, order)
    assert receive(api, staff, order).status_code == 409  # already ready: nothing to drop off


def test_another_points_order_or_an_unknown_one_is_a_404(api, desk):
    _, _, _, order = desk
    other = staff_at(f.pickup_point(), name="Ailleurs")
    response = receive(api, other, order)
    assert response.status_code == 404
    assert fresh(order).items[0].received_at is None
    response = api.post("staff/handover/", json={"reference": order.reference, "code": "123456",
                                                 "cash_received": True}, user=other)
    assert response.status_code == 404
    assert api.post("staff/handover/", json={"reference": "VGK-NOPE", "code": "123456"},
                    user=other).status_code == 404
    response = api.post("staff/receive/", json={"reference": order.reference, "item_id": 999_999},
                        user=desk[1])
    assert response.status_code == 404
    assert audit_entries() == []


def test_who_may_call(api, desk):
    point, _, _, order = desk
    people = {
        "client": f.user(Role.CLIENT),
        "admin": f.user(Role.ADMIN, two_factor=TwoFactor.SMS),
    }
    no_second_factor = staff_at(point, two_factor=None)
    no_point = staff_at(None)
    for path in LISTS:
        assert api.get(path).status_code == 401
        for user in people.values():
            assert api.get(path, user=user).status_code == 403
        response = api.get(path, user=no_second_factor)
        assert response.status_code == 403 and "double authentification" in response.get_json()["error"]["message"]
        response = api.get(path, user=no_point)
        assert response.status_code == 403 and "point relais" in response.get_json()["error"]["message"]
    for path, payload in (("staff/receive/", {"reference": order.reference, "item_id": order.items[0].id}),
                          ("staff/handover/", {"reference": order.reference, "code": "123456"})):
        assert api.post(path, json=payload).status_code == 401
        assert api.post(path, json=payload, user=people["client"]).status_code == 403
        assert api.post(path, json=payload, user=people["admin"]).status_code == 403
        assert api.post(path, json=payload, user=no_second_factor).status_code == 403
    assert fresh(order).items[0].received_at is None


def test_routes_declare_the_staff_role(app):
    for name in ("staff_dropoffs", "staff_pickups", "staff_held", "staff_receive", "staff_handover", "staff_report"):
        assert app.view_functions[f"api.{name}"].access == "STAFF"


def test_drop_offs_and_pickups_carry_the_listing_photos_as_absolute_urls(api, app, desk):
    point, staff, seller, _ = desk
    order = f.place_order(f.product("Radio Philips", seller=seller, images=2), point=point)
    images = order.items[0].product.images
    expected = [(app.config["PUBLIC_URL"].rstrip("/") + image_url(i.thumb_key),
                 app.config["PUBLIC_URL"].rstrip("/") + image_url(i.large_key)) for i in images]
    rows = {r["item"]["title"]: r["item"] for r in api.get("staff/dropoffs/", user=staff).get_json()["results"]}
    assert [(p["thumb_url"], p["url"]) for p in rows["Radio Philips"]["photos"]] == expected
    assert rows["Télé Samsung"]["photos"] == []  # a listing without photos says so

    answer = receive(api, staff, order).get_json()
    assert answer["order"]["items"][0]["photos"][0]["url"] == expected[0][1]
    ready = api.get("staff/pickups/", user=staff).get_json()["results"]
    assert [(p["thumb_url"], p["url"]) for p in ready[0]["items"][0]["photos"]] == expected
    held = api.get("staff/held/", user=staff).get_json()["results"]
    assert len(held[0]["item"]["photos"]) == 2
