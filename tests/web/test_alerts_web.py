"""Saved searches on the web: "Créer une alerte" on the search page, and the account page "Mes alertes"."""
import html

from tests import factories as f
from tests.web.test_auth import csrf_token, text
from vgk.services.catalogue import alerts

SEARCH = "/produits?q=v%C3%A9lo&city=douala&max_price=50000"


def _places():
    f.city("Douala", "douala")
    f.category("Vélos", "velos")


def test_visitors_are_asked_to_sign_in_and_cannot_post(app, client):
    _places()
    page = html.unescape(text(client.get(SEARCH)))
    assert "Connectez-vous pour créer une alerte" in page and "Créer une alerte</button>" not in page
    assert "Connectez-vous pour créer une alerte" not in text(client.get("/produits"))  # no search: nothing to save
    response = client.post("/compte/alertes", data={"q": "vélo", "csrf_token": csrf_token(client, SEARCH)})
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]
    assert client.get("/compte/alertes").status_code == 302


def test_a_client_saves_the_current_search_then_deletes_it(app, client):
    _places()
    me = f.user()
    f.sign_in(client, me)
    page = html.unescape(text(client.get(SEARCH)))
    assert "Créer une alerte" in page
    assert 'name="max_price" value="50000"' in page and 'name="city" value="douala"' in page
    response = client.post("/compte/alertes", data={"q": "vélo", "city": "douala", "max_price": "50000",
                                                     "csrf_token": csrf_token(client, SEARCH)}, follow_redirects=True)
    listing = html.unescape(text(response))
    assert "Alerte créée" in listing and "Mes alertes" in listing
    assert "vélo" in listing and "Douala" in listing and "jusqu’à 50 000 FCFA" in listing
    [alert] = alerts.alerts_of(me)  # the service the app's API uses
    assert response.headers.get("Cache-Control") == "no-store"
    response = client.post(f"/compte/alertes/{alert.public_id}/supprimer",
                           data={"csrf_token": csrf_token(client, "/compte/alertes")}, follow_redirects=True)
    assert "Alerte supprimée" in text(response) and "Aucune alerte" in html.unescape(text(response))
    assert alerts.alerts_of(me) == []


def test_deleting_in_place_with_htmx_and_someone_elses_alert(app, client):
    owner, me = f.user(), f.user()
    theirs = alerts.create(owner, {"q": "frigo"})
    mine = alerts.create(me, {"q": "vélo"})
    f.sign_in(client, me)
    token = csrf_token(client, "/compte/alertes")
    response = client.post(f"/compte/alertes/{mine.public_id}/supprimer", data={"csrf_token": token},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200 and text(response) == ""
    response = client.post(f"/compte/alertes/{theirs.public_id}/supprimer", data={"csrf_token": token},
                           follow_redirects=True)
    assert "Alerte introuvable" in text(response)
    assert [a.id for a in alerts.alerts_of(owner)] == [theirs.id]


def test_the_limit_and_an_empty_search_are_explained(app, client):
    me = f.user()
    for n in range(alerts.MAX_ALERTS):
        alerts.create(me, {"q": f"objet {n}"})
    f.sign_in(client, me)
    token = csrf_token(client, "/compte/alertes")
    response = client.post("/compte/alertes", data={"q": "un de trop", "csrf_token": token}, follow_redirects=True)
    assert "Vous avez déjà 20 alertes" in html.unescape(text(response))
    response = client.post("/compte/alertes", data={"q": "", "csrf_token": token}, follow_redirects=True)
    assert "Faites d'abord une recherche" in html.unescape(text(response))
    assert len(alerts.alerts_of(me)) == alerts.MAX_ALERTS
