"""The pickup point's work on the staff portal: drop-offs, handover with the buyer's code (and cash),
the day's report, and who may do it."""
import pytest

from tests import factories as f
from tests.api.test_paging import counted_statements
from tests.web.test_staff import csrf, staff_member
from vgk.extensions import db
from vgk.models import Order, OrderStatus, Role
from vgk.services.commerce import orders, wallet
from vgk.services.selling.media import image_url

S = OrderStatus
BUYER = "+237690555111"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def desk(app, client):
    """Serge, signed in at the Akwa point, with an order of a TV (50 000 FCFA, cash) expected there."""
    point = f.pickup_point(name="Point relais Akwa")
    staff = staff_member(point, name="Serge Ekwalla")
    f.sign_in(client, staff, method="pin")
    seller = f.user(name="Nadège Fotso")
    order = f.place_order(f.product("Télé Samsung", seller=seller, price=50_000), point=point)
    return point, staff, seller, order


def token(client):
    return csrf(client, "/staff")


def receive(client, order, accepted=True, reason="", headers=None):
    data = {"csrf_token": token(client), "decision": "accept" if accepted else "refuse", "reason": reason}
    return client.post(f"/staff/depots/{order.reference}/{order.items[0].id}", data=data, headers=headers or {})


def hand_over(client, reference, code, cash=False):
    data = {"csrf_token": csrf(client, "/staff/retrait"), "reference": reference, "code": code}
    if cash:
        data["cash"] = "1"
    return client.post("/staff/retrait", data=data)


def fresh(order):
    db.session.expire_all()
    return db.session.get(Order, order.id)


def test_home_lists_only_this_points_drop_offs(client, desk):
    point, _, _, order = desk
    elsewhere = f.place_order(f.product("Frigo ailleurs"), point=f.pickup_point())
    html = client.get("/staff").get_data(as_text=True)
    assert order.reference in html and "Télé Samsung" in html and "Nadège Fotso" in html
    assert "50 000 FCFA" in html and "Espèces" in html
    assert elsewhere.reference not in html and "Frigo ailleurs" not in html
    assert "Aucune remise prévue aujourd’hui." in html  # nothing ready for a buyer yet


def test_receiving_makes_the_order_ready_and_texts_the_code(client, desk):
    _, _, _, order = desk
    response = receive(client, order)
    assert response.status_code == 302 and response.headers["Location"] == "/staff"
    assert fresh(order).status == S.READY
    ready, placed = f.outbox(BUYER)[0].body, f.outbox(BUYER)[1].body
    assert "code de retrait reste le même" in ready and f.last_code(BUYER) in placed  # one code for the order
    html = client.get("/staff").get_data(as_text=True)
    assert f"/staff/retrait?reference={order.reference}" in html  # in the pick-ups, with the handover link
    assert "Stock au point relais" in html and "Aucun article en attente" not in html


def test_receiving_with_htmx_swaps_the_row_and_the_lists(client, desk):
    _, _, _, order = desk
    response = receive(client, order, headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="drop-{order.items[0].id}"' in html and "prête" in html
    assert 'id="pickups" ' in html and 'hx-swap-oob="true"' in html and order.reference in html


def test_refusing_needs_a_reason_and_cancels(client, desk):
    _, _, _, order = desk
    response = receive(client, order, accepted=False, reason=" ")
    assert response.status_code == 400
    assert "Indiquez pourquoi" in response.get_data(as_text=True)
    assert fresh(order).status == S.PENDING_PAYMENT
    response = receive(client, order, accepted=False, reason="Écran fissuré", headers=HTMX)
    assert response.status_code == 200 and "annulée" in response.get_data(as_text=True)
    assert fresh(order).status == S.CANCELLED
    assert order.reference not in client.get("/staff").get_data(as_text=True)


def test_handover_with_the_right_code_completes_and_credits_the_seller(client, desk):
    _, _, seller, order = desk
    receive(client, order)
    code = f.last_code(BUYER)
    page = client.get(f"/staff/retrait?reference={order.reference}").get_data(as_text=True)
    assert "J’ai encaissé 50 000 FCFA" in page
    response = hand_over(client, order.reference.lower(), code)
    assert response.status_code == 400  # cash order: the cash box must be ticked
    assert "Encaissez" in response.get_data(as_text=True)
    assert fresh(order).status == S.READY
    response = hand_over(client, order.reference, code, cash=True)
    assert response.status_code == 302 and response.headers["Location"] == "/staff"
    assert fresh(order).status == S.COMPLETED
    assert wallet.balance(seller) == 45_000


def test_a_paid_order_needs_no_cash(client, desk):
    point, _, seller, _ = desk
    order = f.place_order(f.product(seller=seller, price=20_000), point=point, payment_method="ORANGE_MONEY")
    orders.move(order, S.PAID)
    db.session.commit()
    receive(client, order)
    page = client.get(f"/staff/retrait?reference={order.reference}").get_data(as_text=True)
    assert "J’ai encaissé" not in page
    assert hand_over(client, order.reference, f.last_code(BUYER)).status_code == 302
    assert fresh(order).status == S.COMPLETED and wallet.balance(seller) == 18_000


def test_wrong_codes_then_the_sixth_try_is_refused(client, desk):
    _, _, _, order = desk
    receive(client, order)
    code = f.last_code(BUYER)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        response = hand_over(client, order.reference, wrong, cash=True)
        assert response.status_code == 400
        assert "Code de retrait incorrect." in response.get_data(as_text=True)
    response = hand_over(client, order.reference, code, cash=True)
    assert response.status_code == 429
    assert fresh(order).status == S.READY


def test_an_order_not_ready_is_a_conflict(client, desk):
    _, _, _, order = desk
    assert hand_over(client, order.reference, "123456", cash=True).status_code == 409


def test_staff_of_another_point_gets_404(app, desk):
    _, _, _, order = desk
    other = app.test_client()
    f.sign_in(other, staff_member(f.pickup_point(), name="Ailleurs"), method="pin")
    response = other.post(f"/staff/depots/{order.reference}/{order.items[0].id}",
                          data={"csrf_token": csrf(other, "/staff"), "decision": "accept"})
    assert response.status_code == 404
    assert fresh(order).items[0].received_at is None
    assert hand_over(other, order.reference, "123456", cash=True).status_code == 404


def test_day_report_counts_the_days_work(client, desk):
    point, _, seller, order = desk
    waiting = f.place_order(f.product(seller=seller, price=5_000), point=point)
    receive(client, order)
    hand_over(client, order.reference, f.last_code(BUYER), cash=True)
    html = client.get("/staff/rapport").get_data(as_text=True)
    assert 'id="rp-received">1<' in html and 'id="rp-handed">1<' in html
    assert "50 000 FCFA (1 paiement)" in html
    assert 'id="rp-dropoffs">1<' in html and 'id="rp-pickups">0<' in html
    assert waiting.reference not in html
    old = client.get("/staff/rapport?jour=2001-01-01").get_data(as_text=True)
    assert 'id="rp-received">0<' in old and 'value="2001-01-01"' in old
    assert client.get("/staff/rapport?jour=demain").status_code == 200  # a bad date means today


@pytest.mark.parametrize("method,url", [
    ("GET", "/staff/retrait"), ("POST", "/staff/retrait"), ("GET", "/staff/rapport"),
    ("POST", "/staff/depots/{ref}/{item}"),
])
def test_a_client_gets_403(app, desk, method, url):
    _, _, _, order = desk
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        visitor = app.test_client()
        f.sign_in(visitor, f.user(Role.CLIENT))
        response = visitor.open(url.format(ref=order.reference, item=order.items[0].id), method=method)
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    assert response.status_code == 403


def test_the_drop_off_row_shows_the_listing_photos_to_compare(client, desk):
    point, _, seller, _ = desk
    order = f.place_order(f.product("Radio Philips", seller=seller, images=2), point=point)
    photos = order.items[0].product.images
    html = client.get("/staff").get_data(as_text=True)
    row = next(part for part in html.split('class="work-row"') if f'id="drop-{order.items[0].id}"' in part)
    for image in photos:  # each thumbnail opens the large photo with a plain link
        assert f'<a href="{image_url(image.large_key)}"><img src="{image_url(image.thumb_key)}"' in row
    assert "Photos de l’annonce" in html
    assert "Annonce sans photo" in html  # the TV's listing has none, and says so


def test_the_desk_reads_the_listing_photos_in_a_fixed_number_of_statements(client, desk):
    point, _, seller, _ = desk

    def statements():
        with counted_statements() as seen:
            assert client.get("/staff").status_code == 200
        return len(seen)

    before = statements()
    for n in range(3):
        f.place_order(f.product(f"Lampe {n}", seller=f.user(), images=2), point=point)
    assert statements() == before


def test_todays_work_comes_before_the_points_details(client, desk):
    html = client.get("/staff").get_data(as_text=True)
    handover_button = html.index('class="btn" href="/staff/retrait"')
    drop_offs, pickups = html.index("Dépôts attendus"), html.index("Remises du jour")
    details, report = html.index('id="h-info"'), html.index('href="/staff/rapport"')
    assert handover_button < drop_offs < pickups < details < report
