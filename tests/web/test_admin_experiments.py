"""The admin page of A/B experiments: admins start, change and stop them; each variant's figures from the
delivery log (sends, clicks, orders paid within a day), in words, with a verdict."""
import re

from tests import factories as f
from tests.unit.test_notify_experiments import SPLIT, _seed
from vgk.models import Role, TwoFactor
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
