"""The admin page of A/B experiments: admins start, change and stop them; each variant's figures from the
delivery log (sends, clicks, orders paid within a day), in words, with a verdict."""
import re

from tests import factories as f
from tests.unit.test_notify_experiments import SPLIT, _seed, seed_outcomes
from tests.web.test_admin_users import csrf
from vgk.extensions import db
from vgk.models import AuditEntry, NotificationExperiment, Role, TwoFactor
from vgk.models.base import utcnow


def visible(page):
    """The page's words, without its tags (form values and attributes are not read by people)."""
    return re.sub(r"<[^>]+>", " ", page)


def _admin(client):
    f.sign_in(client, f.user(Role.ADMIN, two_factor=TwoFactor.SMS, phone_verified_at=utcnow()))


def test_the_page_shows_each_variants_figures(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "NOTIFY_EXPERIMENTS", SPLIT)
    _seed()
    _admin(client)
    response = client.get("/admin/experiences")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "Prix en baisse" in page and "alert.price_drop" not in visible(page)
    assert "Variante A" in page and "Variante B" in page
    assert "4 messages envoyés" in page and "coût 100 FCFA" in page
    assert "Reçus : 2 (50 %)" in page and "Lus : 1 (25 %)" in page and "Échecs : 1" in page
    assert "2 messages envoyés" in page and "coût 50 FCFA" in page and "Lus : 1 (50 %)" in page


def test_without_experiments_the_page_says_so_and_clients_are_kept_out(app, client):
    _admin(client)
    assert "Aucune expérience en cours" in client.get("/admin/experiences").get_data(as_text=True)
    other = f.user()
    f.sign_in(client, other)
    assert client.get("/admin/experiences").status_code in (403, 404)


def test_an_admin_starts_an_experiment_with_weights_and_stops_it(app, client):
    _admin(client)
    page = client.get("/admin/experiences").get_data(as_text=True)
    assert "Lancer une expérience" in page and "variantes : A, B" in page
    token = csrf(client, "/admin/experiences")
    refused = client.post("/admin/experiences", data={"csrf_token": token, "event": "alert.price_drop",
                                                      "weight_a": "beaucoup", "weight_b": "1"})
    assert refused.status_code == 400 and "Un nombre entier de 0 à 1000." in refused.get_data(as_text=True)
    started = client.post("/admin/experiences", data={"csrf_token": token, "event": "alert.price_drop",
                                                      "weight_a": "60", "weight_b": "40"})
    assert started.status_code == 302
    page = client.get("/admin/experiences").get_data(as_text=True)
    assert "Expérience lancée." in page and "En cours depuis le" in page and "poids 60" in page
    assert "Pas assez d’envois pour conclure" in page
    again = client.post("/admin/experiences", data={"csrf_token": token, "event": "alert.price_drop",
                                                    "weight_a": "1", "weight_b": "1"})
    assert again.status_code == 409 and "déjà en cours" in again.get_data(as_text=True)
    experiment = db.session.query(NotificationExperiment).one()
    assert client.post(f"/admin/experiences/{experiment.id}/arreter", data={"csrf_token": token}).status_code == 302
    page = client.get("/admin/experiences").get_data(as_text=True)
    assert "Expérience arrêtée." in page and "Expériences arrêtées" in page and "Aucune expérience en cours" in page
    assert [e.action for e in db.session.query(AuditEntry).order_by(AuditEntry.id)] == [
        "experiment.start", "experiment.stop"]
    assert client.post("/admin/experiences/999/arreter", data={"csrf_token": token}).status_code == 404


def test_the_page_shows_the_logs_clicks_and_orders_per_variant(app, client):
    seed_outcomes()
    _admin(client)
    page = visible(client.get("/admin/experiences").get_data(as_text=True))
    a, b = page.split("Variante A", 1)[1].split("Variante B", 1)
    assert "5 messages envoyés" in a and "coût 125 FCFA" in a
    assert "Clics : 1 (20,0 %)" in a and "Achats sous 24 h : 2 (40,0 %)" in a
    assert "3 messages envoyés" in b and "coût 75 FCFA" in b
    assert "Clics : 2 (66,7 %)" in b and "Achats sous 24 h : 2 (66,7 %)" in b
    assert "Pas assez d’envois pour conclure (au moins 100 par variante)." in b
