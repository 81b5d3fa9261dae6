"""Finding 5: a guest order was readable and payable by anyone who knew its reference (sellers see it).
Now the app gets the order's access token once, at checkout; the browser that placed the order keeps it
in its session; reference + phone still finds it. Anybody else gets 404 and none of the buyer's details."""
import pytest
from sqlalchemy import select

from tests import factories as f
from tests.api.conftest import ApiClient
from tests.web.test_auth import location, post, text
from vgk.extensions import db
from vgk.models import Order, OrderStatus, Payment

BUYER_PHONE = "677123456"
BUYER_EMAIL = "awa.bello@example.cm"
ADDRESS = "Bonamoussadi, face pharmacie Bonne Santé"


@pytest.fixture
def api(app):
    return ApiClient(app)


@pytest.fixture
def shop(app):
    douala = f.city("Douala", slug="douala", delivery_fee=1_500)
    seller = f.user(name="Vendeuse")
    item = f.product("Radio", price=10_000, seller=seller, city_=douala)
    return {"douala": douala, "seller": seller, "item": item}


def guest_order_from_the_app(api, shop):
    """A guest orders with home delivery and Mobile Money from the app; the answer of create_order."""
    session = api.post("visitor/add_to_cart/", {"product_id": shop["item"].public_id}).get_json()["cart"]["session_key"]
    response = api.post("visitor/create_order/", {
        "session_key": session, "customer_name": "Awa Bello", "customer_phone": BUYER_PHONE,
        "customer_email": BUYER_EMAIL, "delivery_address": ADDRESS, "delivery_city": "douala",
        "payment_method": "MTN_MOMO"})
    assert response.status_code == 201
    return response.get_json()


def leaks(response):
    body = response.get_data(as_text=True)
    return [secret for secret in ("677123456", BUYER_EMAIL, "Bonamoussadi") if secret in body]


def test_the_app_pays_a_guest_order_only_with_its_access_token(api, shop):
    answer = guest_order_from_the_app(api, shop)
    reference, token = answer["order"]["reference"], answer["access_token"]
    assert token and len(token) >= 32

    # Someone who knows the reference only (a seller sees it), or guesses a token, or is signed in.
    seller_token = f.api_token(shop["seller"])
    attempts = [
        ("post", "payment/", {"order_reference": reference, "payment_method": "MTN_MOMO", "phone": "699000111"}, None),
        ("put", "payment/", {"order_reference": reference}, None),
        ("post", "payment/simulate/", {"order_reference": reference, "decision": "approve"}, None),
        ("put", "payment/", {"order_reference": reference, "access_token": "x" * 32}, None),
        ("put", "payment/", {"order_reference": reference}, seller_token),
        ("post", "payment/", {"order_reference": reference, "payment_method": "MTN_MOMO"}, seller_token),
    ]
    for method, path, payload, bearer in attempts:
        response = getattr(api, method)(path, payload, token=bearer)
        assert response.status_code == 404, (path, payload, response.get_json())
        assert leaks(response) == []
    assert db.session.scalars(select(Payment)).all() == []  # no payment request was sent to anybody

    # The buyer's app, with its token, pays and sees its own details.
    started = api.post("payment/", {"order_reference": reference, "access_token": token,
                                    "payment_method": "MTN_MOMO", "phone": BUYER_PHONE})
    assert started.status_code == 201 and started.get_json()["order"]["customer_email"] == BUYER_EMAIL
    approved = api.post("payment/simulate/", {"order_reference": reference, "access_token": token,
                                              "decision": "approve"})
    assert approved.get_json()["order_status"] == OrderStatus.PAID


def test_the_access_token_is_answered_once_and_only_its_hash_is_kept(api, shop):
    answer = guest_order_from_the_app(api, shop)
    token = answer["access_token"]
    order = db.session.scalar(select(Order))
    assert order.access_token_hash and token not in order.access_token_hash
    row = db.session.execute(select(Order.__table__)).one()
    assert all(token not in str(value) for value in row)
    # Tracking by reference and phone answers the order, never a token.
    tracked = api.get("visitor/track_order/", query={"reference": order.reference, "phone": BUYER_PHONE})
    assert tracked.status_code == 200 and token not in tracked.get_data(as_text=True)
    tracked = api.get("visitor/track_order/", query={"reference": order.reference, "phone": "699000111"})
    assert tracked.status_code == 404


def test_an_accounts_order_answers_no_token(api, shop):
    buyer = f.user()
    bearer = f.api_token(buyer)
    api.post("visitor/add_to_cart/", {"product_id": shop["item"].public_id}, token=bearer)
    point = f.pickup_point(shop["douala"])
    answer = api.post("visitor/create_order/", {"customer_name": "Jean", "customer_phone": "670123456",
                                                "pickup_point_id": point.public_id, "payment_method": "MTN_MOMO"},
                      token=bearer).get_json()
    assert answer["access_token"] is None
    assert api.put("payment/", {"order_reference": answer["order"]["reference"]}).status_code == 404


def web_checkout(client, shop, method="MTN_MOMO"):
    point = f.pickup_point(shop["douala"])
    post(client, "/panier/ajouter", {"product": shop["item"].public_id, "quantity": "1"},
         page=f"/p/{shop['item'].public_id}")
    response = post(client, "/commande", {"name": "Awa Bello", "phone": BUYER_PHONE, "email": BUYER_EMAIL,
                                          "fulfilment": "PICKUP", "pickup_point_id": str(point.id),
                                          "payment_method": method}, page="/commande")
    assert response.status_code == 303
    db.session.expire_all()
    return db.session.scalar(select(Order).order_by(Order.id.desc()))


def test_on_the_web_only_the_browser_that_ordered_sees_and_pays_the_guest_order(app, client, shop):
    order = web_checkout(client, shop)
    page = client.get(f"/commande/{order.reference}")
    assert page.status_code == 200 and BUYER_PHONE[-6:] in text(page).replace(" ", "")

    stranger = app.test_client()
    seller = app.test_client()
    f.sign_in(seller, shop["seller"])
    for other in (stranger, seller):
        assert other.get(f"/commande/{order.reference}").status_code == 404
        assert other.get(f"/commande/{order.reference}", headers={"HX-Request": "true"}).status_code == 404
        own_page = "/suivi"  # any page of theirs gives them a CSRF token
        assert post(other, f"/commande/{order.reference}/verifier", page=own_page).status_code == 404
        assert post(other, f"/commande/{order.reference}/payer", {"payment_method": "MTN_MOMO", "phone": "699000111"},
                    page=own_page).status_code == 404
        assert post(other, f"/commande/{order.reference}/confirmer", {"code": "123456"},
                    page=own_page).status_code == 404
    db.session.expire_all()
    assert [p.phone for p in db.session.scalars(select(Payment))] == ["+237677123456"]  # the buyer's own request


def test_a_link_with_the_token_or_the_reference_and_phone_opens_it_elsewhere(app, api, shop):
    answer = guest_order_from_the_app(api, shop)
    reference, token = answer["order"]["reference"], answer["access_token"]
    other = app.test_client()
    assert other.get(f"/commande/{reference}?cle={'y' * 32}").status_code == 404
    opened = other.get(f"/commande/{reference}?cle={token}")
    assert opened.status_code == 303 and location(opened) == f"/commande/{reference}"  # the token leaves the URL
    assert other.get(f"/commande/{reference}").status_code == 200

    third = app.test_client()
    found = post(third, "/suivi", {"reference": reference, "phone": BUYER_PHONE})
    assert found.status_code == 303 and third.get(f"/commande/{reference}").status_code == 200
