"""The checkout's choices as a buyer meets them: delivery fields only for home delivery, the suggested
pickup point, the hints about what happens after ordering, the Mobile Money operator that must match the
number (and its USSD code), paying again with the same details, and checking a payment in place."""
import dataclasses
import re

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.jobs_helpers import run_background
from tests.web.test_auth import location, login, post, text
from vgk.extensions import db
from vgk.integrations.payments import SimulatedGateway
from vgk.integrations.registry import adapters_of
from vgk.models import Order, Payment

HX = {"HX-Request": "true"}
ORANGE, MTN = "699555111", "677555111"


@pytest.fixture
def gateway(app):
    return adapters_of(app).payments


def add(client, product):
    return post(client, "/panier/ajouter", {"product": product.public_id, "quantity": "1"},
                page=f"/p/{product.public_id}")


def order_count():
    return db.session.scalar(select(func.count()).select_from(Order))


def selected_point(page):
    found = re.search(r'<option selected value="(\d+)"|<option value="(\d+)" selected', page)
    return found and int(found.group(1) or found.group(2))


def order_with(client, method, phone, **extra):
    point = f.pickup_point()
    add(client, f.product("Radio", price=15_000))
    response = post(client, "/commande", {"name": "Awa Bello", "phone": phone, "fulfilment": "PICKUP",
                                          "pickup_point_id": str(point.id), "payment_method": method, **extra},
                    page="/commande")
    db.session.expire_all()
    return response, db.session.scalar(select(Order).order_by(Order.id.desc()))


def latest_payment(order):
    db.session.expire_all()
    return db.session.scalar(select(Payment).where(Payment.order_id == order.id).order_by(Payment.id.desc()))


def test_delivery_fields_are_marked_for_home_delivery_and_ignored_for_pickup(client):
    f.city("Douala", slug="douala-d", delivery_fee=1_500)
    add(client, f.product())
    page = text(client.get("/commande"))
    delivery = page[page.index('data-fulfilment="DELIVERY"'):]
    assert 'name="delivery_address"' in delivery and 'name="delivery_city_id"' in delivery
    assert 'name="pickup_point_id"' not in delivery  # the pickup point is in its own block
    assert "Seulement pour la livraison à domicile" in delivery  # without JavaScript, a note says so
    assert "js/checkout." in page
    response, order = order_with(client, "CASH", ORANGE, delivery_address="Bonapriso, rue 12")
    assert response.status_code == 303 and order.delivery_address is None and order.pickup_point is not None


def test_the_pickup_point_follows_the_items_city(client):
    douala, yaounde, bafoussam = f.city("Douala"), f.city("Yaoundé"), f.city("Bafoussam")
    f.pickup_point(douala, name="Akwa")
    in_yaounde = f.pickup_point(yaounde, name="Mvog-Mbi")
    add(client, f.product(city_=yaounde))
    assert selected_point(text(client.get("/commande"))) == in_yaounde.id
    add(client, f.product(city_=bafoussam))  # no point in Bafoussam
    add(client, f.product(city_=bafoussam))  # Bafoussam now has most items: the next city with a point
    assert selected_point(text(client.get("/commande"))) == in_yaounde.id


def test_the_pickup_point_falls_back_to_the_buyers_city_then_the_first(client):
    douala, garoua, maroua = f.city("Douala"), f.city("Garoua"), f.city("Maroua")
    first = f.pickup_point(douala, name="Akwa")
    in_garoua = f.pickup_point(garoua, name="Garoua centre")
    add(client, f.product(city_=maroua))
    assert selected_point(text(client.get("/commande"))) == first.id  # a guest, no point in Maroua
    buyer = f.user(city_id=garoua.id)
    assert login(client, buyer.email).status_code in (302, 303)
    add(client, f.product(city_=maroua))
    assert selected_point(text(client.get("/commande"))) == in_garoua.id


def test_the_hints_say_what_happens_after_ordering(client):
    add(client, f.product())
    page = text(client.get("/commande"))
    assert "une demande de paiement s’affiche sur votre téléphone" in page
    assert "Espèces : vous payez au point relais, en retirant la commande." in page
    assert "Choisissez-le si vous prenez la livraison" not in page  # the old, wrong hint
    assert "Un code de confirmation vous est d’abord envoyé par SMS." in page  # a guest paying cash


def test_the_hints_in_english(client):
    with client.session_transaction() as session:
        session["lang"] = "en"
    add(client, f.product())
    page = text(client.get("/commande"))
    assert "a payment request appears on your phone" in page
    assert "Cash: you pay at the pickup point when you collect the order." in page
    response, _ = order_with(client, "MTN_MOMO", ORANGE)
    assert response.status_code == 400 and "This is an Orange number: choose Orange Money." in text(response)


def test_mtn_with_an_orange_number_is_refused_clearly(client):
    response, _ = order_with(client, "MTN_MOMO", ORANGE)
    assert response.status_code == 400 and order_count() == 0
    assert "Ce numéro est un numéro Orange : choisissez Orange Money." in text(response)
    response, _ = order_with(client, "ORANGE_MONEY", MTN)
    assert response.status_code == 400 and "numéro MTN : choisissez MTN Mobile Money" in text(response)
    response, _ = order_with(client, "CASH", MTN)  # cash does not care about the operator
    assert response.status_code == 303


def test_the_waiting_page_shows_the_operators_ussd_code(client):
    response, order = order_with(client, "ORANGE_MONEY", ORANGE)
    page = text(client.get(location(response)))
    assert "Composez #150#" in page and "*126#" not in page
    response, order = order_with(client, "MTN_MOMO", MTN)
    page = text(client.get(location(response)))
    assert "Composez *126#" in page


def test_without_a_code_from_the_gateway_the_operators_code_is_shown(client, gateway, monkeypatch):
    real = SimulatedGateway.collect

    def without_code(self, **kwargs):
        return dataclasses.replace(real(self, **kwargs), ussd_code="")

    monkeypatch.setattr(SimulatedGateway, "collect", without_code)
    response, order = order_with(client, "MTN_MOMO", MTN)
    assert latest_payment(order).ussd_code == "*126#"


def test_paying_again_keeps_the_method_and_the_number(client, gateway):
    response, order = order_with(client, "ORANGE_MONEY", ORANGE)
    url = location(response)
    gateway.decline(latest_payment(order).reference)
    post(client, f"/commande/{order.reference}/verifier", page=url)
    run_background(client.application)
    page = text(client.get(url))
    assert "Payer à nouveau" in page
    assert re.search(r'<input checked [^>]*name="payment_method"[^>]*value="ORANGE_MONEY"', page)
    assert not re.search(r'<input checked [^>]*value="MTN_MOMO"', page)
    assert 'value="+237 699 55 51 11"' in page
    mismatch = post(client, f"/commande/{order.reference}/payer", {"payment_method": "MTN_MOMO", "phone": ORANGE},
                    page=url)
    assert mismatch.status_code == 400 and "numéro Orange : choisissez Orange Money" in text(mismatch)


def test_checking_the_payment_answers_in_place_with_the_history(client, gateway):
    response, order = order_with(client, "MTN_MOMO", MTN)
    url = location(response)
    check = f"/commande/{order.reference}/verifier"
    waiting = post(client, check, page=url, headers=HX)
    html = text(waiting)
    assert waiting.status_code == 200 and "<html" not in html and html.lstrip().startswith('<div id="order-status"')
    assert "Vérification demandée" in html and "Historique" in html and 'hx-trigger="every 4s"' in html
    gateway.approve(latest_payment(order).reference)
    run_background(client.application)
    paid = text(client.get(url, headers=HX))
    history = paid[paid.index("Historique"):]
    assert "Payée" in paid and "Payée" in history and "En attente de paiement" in history
    plain = post(client, check, page=url)  # without JavaScript: back to the page
    assert plain.status_code == 303 and location(plain).endswith(url)
