"""Admins approve or reject sellers' payout requests; the wallet ledger follows."""
import pytest

from tests import factories as f
from tests.web.test_staff import csrf
from vgk.extensions import db
from vgk.integrations.registry import adapters_of
from vgk.models import Payout, PayoutStatus, Role, TwoFactor, WalletEntry, WalletEntryKind
from vgk.models.base import utcnow
from vgk.services.accounts.people import format_phone
from vgk.services.commerce import wallet

HTMX = {"HX-Request": "true"}


@pytest.fixture
def admin(app, client):
    user = f.user(Role.ADMIN, name="Admin Kamer", two_factor=TwoFactor.SMS, phone_verified_at=utcnow())
    f.sign_in(client, user)
    return user


@pytest.fixture
def request_(app):
    """Nadège sold for 30 000 FCFA net and asks for 20 000 FCFA to her MTN number."""
    seller = f.user(name="Nadège Fotso")
    db.session.add(WalletEntry(user_id=seller.id, amount=30_000, kind=WalletEntryKind.SALE, note="vente"))
    db.session.commit()
    payout = wallet.request_payout(f.reauthenticated(seller), 20_000, "670000111")
    assert wallet.balance(seller) == 10_000
    return seller, payout


def post(client, url, headers=None, **data):
    return client.post(url, data={"csrf_token": csrf(client, "/admin/retraits"), **data}, headers=headers or {})


def status_of(payout):
    db.session.expire_all()
    return db.session.get(Payout, payout.id).status


def test_the_list_shows_pending_payouts_and_the_dashboard_links_it(client, admin, request_):
    _, payout = request_
    html = client.get("/admin/retraits").get_data(as_text=True)
    assert "Nadège Fotso" in html and "20 000 FCFA" in html and format_phone(payout.phone) in html
    assert f"/admin/retraits/{payout.public_id}/approuver" in html
    assert 'href="/admin/retraits"' in client.get("/admin").get_data(as_text=True)


def test_approve_pays_through_the_gateway(app, client, admin, request_):
    seller, payout = request_
    assert type(adapters_of(app).payments).__name__ == "SimulatedGateway"
    response = post(client, f"/admin/retraits/{payout.public_id}/approuver")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/retraits"
    assert status_of(payout) == PayoutStatus.PAID
    assert wallet.balance(seller) == 10_000
    assert "Aucun retrait en attente." in client.get("/admin/retraits").get_data(as_text=True)
    again = post(client, f"/admin/retraits/{payout.public_id}/approuver")
    assert again.status_code == 409
    assert "déjà été traité" in again.get_data(as_text=True)


def test_approve_with_htmx_swaps_the_row(client, admin, request_):
    _, payout = request_
    response = post(client, f"/admin/retraits/{payout.public_id}/approuver", headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith("<li") and f'id="payout-{payout.public_id}"' in html and "Envoyé" in html
    again = post(client, f"/admin/retraits/{payout.public_id}/approuver", headers=HTMX)
    assert again.status_code == 409 and "déjà été traité" in again.get_data(as_text=True)


def test_reject_needs_a_reason_and_gives_the_amount_back(client, admin, request_):
    seller, payout = request_
    response = post(client, f"/admin/retraits/{payout.public_id}/refuser", headers=HTMX, reason="")
    assert response.status_code == 400 and "Indiquez la raison" in response.get_data(as_text=True)
    assert status_of(payout) == PayoutStatus.REQUESTED and wallet.balance(seller) == 10_000
    response = post(client, f"/admin/retraits/{payout.public_id}/refuser", reason="Numéro à vérifier")
    assert response.status_code == 302
    assert status_of(payout) == PayoutStatus.REJECTED
    assert wallet.balance(seller) == 30_000


def test_an_unknown_payout_is_404(client, admin):
    assert post(client, "/admin/retraits/nope/approuver").status_code == 404


@pytest.mark.parametrize("role", [Role.CLIENT, Role.STAFF])
def test_non_admins_get_403(app, request_, role):
    _, payout = request_
    person = app.test_client()
    f.sign_in(person, f.user(role, two_factor=TwoFactor.SMS, phone_verified_at=utcnow(), pickup_point=f.pickup_point()))
    assert person.get("/admin/retraits").status_code == 403
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        for action in ("approuver", "refuser"):
            response = person.post(f"/admin/retraits/{payout.public_id}/{action}", data={"reason": "non"})
            assert response.status_code == 403
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    assert status_of(payout) == PayoutStatus.REQUESTED
