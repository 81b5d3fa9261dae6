"""A form posted with an expired or missing CSRF token comes back filled in (never its password), with a
fresh token and a message, and nothing is done; JSON clients keep the error envelope."""
import re

from sqlalchemy import func, select

from tests import factories as f
from tests.web.test_auth import csrf_token, text
from tests.web.test_sell import form as listing_form
from tests.web.test_shop import add
from vgk.extensions import db
from vgk.models import Order, Product, User
from vgk.models.base import utcnow

EXPIRED = "Le formulaire a expiré : vérifiez et envoyez à nouveau."
STALE = "IjE2YjM4ZTk3.stale-token-from-an-hour-ago"


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def fresh_token(html):
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found and found.group(1) != STALE
    return found.group(1)


def test_sign_up_after_the_session_expired_keeps_what_was_typed_but_the_password(app, client):
    f.city("Douala", slug="douala")
    users = count(User)
    data = {"name": "Jean Fotso", "phone": "6 90 11 22 33", "email": "jean@example.cm", "city": "douala",
            "password": "Bon-Mot-2024", "accept_terms": "y"}
    response = client.post("/inscription", data={"csrf_token": STALE, **data})  # no session at all

    html = text(response)
    assert response.status_code == 400 and EXPIRED in html
    assert 'value="Jean Fotso"' in html and 'value="6 90 11 22 33"' in html and 'value="jean@example.cm"' in html
    assert re.search(r'<option[^>]*selected[^>]*value="douala"|<option[^>]*value="douala"[^>]*selected', html)
    assert "Bon-Mot-2024" not in html
    assert count(User) == users

    again = client.post("/inscription", data={"csrf_token": fresh_token(html), **data})
    assert again.status_code == 302 and count(User) == users + 1


def test_checkout_with_an_expired_token_keeps_name_and_phone_and_orders_nothing(client):
    item = f.product("Vélo", price=45_000)
    point = f.pickup_point()
    add(client, item)
    response = client.post("/commande", data={
        "csrf_token": STALE, "name": "Awa Bello", "phone": "6 90 55 51 11", "fulfilment": "PICKUP",
        "pickup_point_id": str(point.id), "payment_method": "CASH"})

    html = text(response)
    assert response.status_code == 400 and EXPIRED in html
    assert 'value="Awa Bello"' in html and 'value="6 90 55 51 11"' in html and "Vélo" in html
    fresh_token(html)
    assert count(Order) == 0 and not f.outbox("+237690555111")


def test_listing_form_with_an_expired_token_keeps_title_and_price_and_creates_nothing(client):
    seller = f.user(phone_verified_at=utcnow())
    leaf = f.category("Téléphones", slug="telephones", parent=f.category("Électronique", slug="electronique"))
    douala = f.city("Douala", slug="douala")
    f.sign_in(client, seller)
    response = client.post("/compte/annonces/nouvelle",
                           data={"csrf_token": STALE, **listing_form(leaf, douala), "action": "submit"})

    html = text(response)
    assert response.status_code == 400 and EXPIRED in html
    assert 'value="Téléphone Tecno Spark"' in html and 'value="45000"' in html and "chargeur fourni" in html
    fresh_token(html)
    assert count(Product) == 0


def test_an_unmarked_form_and_json_clients_keep_the_plain_refusal(client):
    f.sign_in(client, f.user(phone_verified_at=utcnow()))
    csrf_token(client, "/compte")
    plain = client.post("/deconnexion", data={"csrf_token": STALE})
    assert plain.status_code == 400 and "Le formulaire a expiré. Rechargez la page" in text(plain)

    as_json = client.post("/inscription", data={"csrf_token": STALE, "name": "Jean"},
                          headers={"Accept": "application/json"})
    assert as_json.status_code == 400 and as_json.get_json()["success"] is False
    assert as_json.get_json()["error"]["code"] == "csrf"


def test_an_htmx_fragment_post_gets_the_short_message(client):
    response = client.post("/connexion", data={"csrf_token": STALE, "identifier": "6 90 11 22 33"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 400 and "<html" not in text(response)
    assert "Rechargez la page" in text(response)
