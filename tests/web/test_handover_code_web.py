"""The handover code on the buyer's order page (digits and a QR code for the pickup point's scanner),
re-sent from that page or by the pickup staff; nobody else sees it."""
import re

import segno

from tests import factories as f
from tests.web.test_auth import location, post, text
from tests.web.test_staff import csrf, staff_member
from vgk.extensions import db
from vgk.models import AuditEntry, Order
from vgk.services.commerce import orders, pickup

BUYER = "+237690123456"


def fresh(order):
    db.session.expire_all()
    return db.session.get(Order, order.id)


def qr_path(content):
    """The drawing of the QR code holding `content`, as the page draws it."""
    svg = segno.make(content, error="m", micro=False).svg_inline(scale=4, border=2, omitsize=True)
    return re.search(r' d="([^"]+)"', svg).group(1)


def test_the_owner_sees_the_code_as_digits_and_a_qr_code_others_do_not(app, client):
    buyer = f.user(phone=BUYER)
    f.sign_in(client, buyer)
    order = f.place_order(f.product("Vélo"), buyer=buyer, phone=BUYER)
    code = orders.handover_code(order)
    page = text(client.get(f"/commande/{order.reference}"))
    assert f"{code[:3]} {code[3:]}" in page and code in f.outbox(BUYER)[0].body
    assert '<svg role="img"' in page and 'class="qr"' in page and qr_path(f"{order.reference} {code}") in page
    assert "Recevoir un nouveau code par SMS" in page

    stranger = app.test_client()
    f.sign_in(stranger, f.user())
    assert stranger.get(f"/commande/{order.reference}").status_code == 404
    assert app.test_client().get(f"/commande/{order.reference}").status_code == 404


def test_a_guest_order_awaiting_its_phone_check_shows_no_code(app, client):
    order = f.place_order(f.product(), confirm=False)
    assert post(client, "/suivi", {"reference": order.reference, "phone": "690555111"}).status_code == 303
    page = text(client.get(f"/commande/{order.reference}"))
    assert "Confirmer la commande" in page and "class=\"qr\"" not in page and "nouveau code" not in page


def test_the_buyer_gets_a_new_code_from_the_order_page(app, client):
    buyer = f.user(phone=BUYER)
    f.sign_in(client, buyer)
    order = f.place_order(f.product(), buyer=buyer, phone=BUYER)
    old = orders.handover_code(order)
    page = f"/commande/{order.reference}"
    response = post(client, f"{page}/code", page=page)
    assert response.status_code == 303 and location(response) == page
    new = orders.handover_code(fresh(order))
    assert new != old and new in f.outbox(BUYER)[0].body and "ne marche plus" in f.outbox(BUYER)[0].body
    shown = text(client.get(page))
    assert f"{new[:3]} {new[3:]}" in shown and "l’ancien ne marche plus" in shown

    stranger = app.test_client()
    f.sign_in(stranger, f.user())
    assert post(stranger, f"{page}/code", page="/").status_code == 404
    for _ in range(2):
        post(client, f"{page}/code", page=page)
    refused = post(client, f"{page}/code", page=page)
    assert refused.status_code == 429 and "Trop de codes demandés" in text(refused)


def test_the_sms_link_opens_the_tracking_form_with_the_reference(client):
    page = text(client.get("/suivi?ref=vgk-abc2345"))
    assert 'value="VGK-ABC2345"' in page


def test_staff_send_a_new_code_from_the_handover_page(app, client):
    point = f.pickup_point()
    staff = staff_member(point)
    f.sign_in(client, staff, method="pin")
    order = f.place_order(f.product(), point=point)
    pickup.receive_item(staff, point, order.reference, order.items[0].id)
    old = orders.handover_code(order)
    page = text(client.get(f"/staff/retrait?reference={order.reference}"))
    assert "envoyer un nouveau code à l’acheteur" in page
    data = {"csrf_token": csrf(client, "/staff/retrait"), "reference": order.reference}
    response = client.post("/staff/retrait/code", data=data)
    assert response.status_code == 303 and order.reference in location(response)
    new = orders.handover_code(fresh(order))
    assert new != old and new in f.outbox("+237690555111")[0].body
    assert db.session.query(AuditEntry).filter_by(action="order.code_resent", actor_id=staff.id).count() == 1

    elsewhere = f.place_order(f.product(), point=f.pickup_point())
    data = {"csrf_token": csrf(client, "/staff/retrait"), "reference": elsewhere.reference}
    assert client.post("/staff/retrait/code", data=data).status_code == 404


def test_the_code_shows_to_whoever_holds_the_guest_order_secret_not_to_whoever_knows_its_phone(app, client):
    """Reference and phone number open a guest order's tracking, not the code that collects it: that needs
    the browser that placed the order or the order's access token."""
    order = f.place_order(f.product("Radio"), payment_method="ORANGE_MONEY")
    order.status = "PAID"
    db.session.commit()
    code = orders.handover_code(order)

    tracker = app.test_client()
    assert post(tracker, "/suivi", {"reference": order.reference, "phone": "690555111"}).status_code == 303
    tracked = text(tracker.get(f"/commande/{order.reference}"))
    assert order.reference in tracked and f"{code[:3]} {code[3:]}" not in tracked and 'class="qr"' not in tracked
    assert "Recevoir un nouveau code par SMS" in tracked  # sent to the order's phone, not shown here

    holder = app.test_client()
    opened = holder.get(f"/commande/{order.reference}?cle={order.access_token}")
    assert opened.status_code == 303
    shown = text(holder.get(f"/commande/{order.reference}"))
    assert f"{code[:3]} {code[3:]}" in shown and qr_path(f"{order.reference} {code}") in shown
