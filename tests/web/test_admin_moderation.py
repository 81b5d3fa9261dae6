"""The moderation queue page: pending listings oldest first as cards with their flags in words, htmx
decisions in place (one card, or each card of a bulk decision), the listing read in full, the approved
listing in search, the rejected one with its reason, the takedown of a live listing, access."""
import re
from datetime import timedelta

import pytest

from tests import factories as f
from tests.web.test_admin_users import csrf
from vgk.extensions import db
from vgk.models import AuditEntry, Product, ProductStatus, Role, TwoFactor
from vgk.models.base import utcnow
from vgk.services.messaging import inbox
from vgk.services.selling import moderation

HX = {"HX-Request": "true"}


@pytest.fixture
def admin(app, client):
    user = f.user(Role.ADMIN, name="Admin Kamer", two_factor=TwoFactor.SMS, phone_verified_at=utcnow())
    f.sign_in(client, user)
    return user


def pending(title, age=0, description="Très bon état.", **kw):
    product = f.product(title, description=description, status=ProductStatus.PENDING, **kw)
    product.submitted_at = utcnow() - timedelta(minutes=age)
    moderation.refresh_flags(product)
    db.session.commit()
    return product


def fresh(product):
    db.session.expire_all()
    return db.session.get(Product, product.id)


def token(client):
    return csrf(client, "/admin/moderation")


def test_queue_lists_pending_oldest_first_with_flags(client, admin):
    recent = pending("Réfrigérateur Haier", age=5)
    old = pending("Climatiseur LG", age=60, description="Paiement Orange Money, appelez le 677 12 34 56")
    f.product("Déjà en ligne")
    response = client.get("/admin/moderation")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.findall(r'id="mod-([A-Za-z0-9_-]+)"', html) == [old.public_id, recent.public_id]
    assert "Déjà en ligne" not in html
    assert "Coordonnées" in html and "Paiement externe" in html
    assert 'title="Coordonnées dans le texte' in html
    assert 'hx-target="closest .moderation-row"' in html and 'hx-swap="outerHTML"' in html
    assert "<table" not in html and html.count('class="moderation-row mod-card"') == 2
    assert f'href="/admin/annonces/{old.public_id}"' in html
    assert 'href="/admin/moderation"' in html and 'href="/admin/journal"' in html


def test_htmx_approve_returns_the_row_and_the_product_is_searchable(client, admin):
    product = pending("Machine à coudre Singer")
    response = client.post(f"/admin/moderation/{product.public_id}/approuver", data={"csrf_token": token(client)},
                           headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith("<article") and f'id="mod-{product.public_id}"' in html and "<html" not in html
    assert "Annonce publiée." in html
    assert fresh(product).status == ProductStatus.ACTIVE
    assert "Machine à coudre Singer" in client.get("/produits?q=singer").get_data(as_text=True)


def test_approving_twice_is_a_conflict_in_the_row(client, admin):
    product = pending("Fer à repasser")
    client.post(f"/admin/moderation/{product.public_id}/approuver", data={"csrf_token": token(client)})
    response = client.post(f"/admin/moderation/{product.public_id}/approuver", data={"csrf_token": token(client)},
                           headers=HX)
    assert response.status_code == 409 and "n'attend pas de modération" in response.get_data(as_text=True)


def test_reject_needs_a_reason_and_the_seller_gets_it(client, admin):
    product = pending("Fusil de chasse")
    url = f"/admin/moderation/{product.public_id}/refuser"
    response = client.post(url, data={"csrf_token": token(client), "reason": ""}, headers=HX)
    assert response.status_code == 400 and fresh(product).status == ProductStatus.PENDING
    response = client.post(url, data={"csrf_token": token(client), "reason": "Les armes sont interdites."})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/moderation")
    product = fresh(product)
    assert product.status == ProductStatus.REJECTED and product.rejection_reason == "Les armes sont interdites."
    assert "refusée" in f.outbox(product.seller.phone)[0].body
    assert "Fusil de chasse" not in client.get("/produits?q=fusil").get_data(as_text=True)


def test_bulk_approve_and_reject(client, admin):
    a, b, c = pending("Table basse"), pending("Chaise pliante"), pending("Lampe de chevet")
    response = client.post("/admin/moderation/lot", data={"csrf_token": token(client),
                                                          "ids": [a.public_id, b.public_id], "decision": "approve"})
    assert response.status_code == 302
    assert [fresh(p).status for p in (a, b)] == ["ACTIVE", "ACTIVE"]
    response = client.post("/admin/moderation/lot", data={"csrf_token": token(client), "ids": [c.public_id],
                                                             "decision": "reject", "reason": ""})
    assert response.status_code == 400 and fresh(c).status == ProductStatus.PENDING
    client.post("/admin/moderation/lot", data={"csrf_token": token(client), "ids": [c.public_id],
                                               "decision": "reject", "reason": "Photos manquantes"})
    assert fresh(c).status == ProductStatus.REJECTED and fresh(c).rejection_reason == "Photos manquantes"


@pytest.mark.parametrize("role", [Role.CLIENT, Role.STAFF])
def test_non_admins_get_403(app, client, role):
    product = pending("Radio")
    f.sign_in(client, f.user(role, two_factor=TwoFactor.SMS))
    assert client.get("/admin/moderation").status_code == 403
    live = f.product("Poste radio en vente")
    db.session.commit()
    assert "Modérer cette annonce" not in client.get(f"/p/{live.public_id}").get_data(as_text=True)
    assert client.get(f"/admin/annonces/{live.public_id}").status_code == 403
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        assert client.post(f"/admin/moderation/{product.public_id}/approuver").status_code == 403
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    assert fresh(product).status == ProductStatus.PENDING


def test_htmx_bulk_swaps_each_card_in_place(client, admin):
    a, b = pending("Table basse"), pending("Chaise pliante")
    client.post(f"/admin/moderation/{b.public_id}/approuver", data={"csrf_token": token(client)})
    response = client.post("/admin/moderation/lot", headers=HX, data={
        "csrf_token": token(client), "ids": [a.public_id, b.public_id], "decision": "approve"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert "1 annonce(s) traitée(s)." in html and "1 annonce(s) déjà traitée(s)" in html
    cards = re.findall(r'<article class="moderation-row mod-card" id="mod-([\w-]+)" hx-swap-oob="outerHTML">', html)
    assert cards == [a.public_id, b.public_id]
    assert html.count('<span class="tag">En ligne</span>') == 2
    assert "n'attend pas de modération" in html
    assert fresh(a).status == ProductStatus.ACTIVE


def test_htmx_bulk_without_reason_or_choice_says_so_above_the_queue(client, admin):
    product = pending("Lampe de chevet")
    response = client.post("/admin/moderation/lot", headers=HX, data={
        "csrf_token": token(client), "ids": [product.public_id], "decision": "reject", "reason": ""})
    assert response.status_code == 400 and "Indiquez la raison du refus" in response.get_data(as_text=True)
    response = client.post("/admin/moderation/lot", headers=HX, data={"csrf_token": token(client),
                                                                       "decision": "approve"})
    assert response.status_code == 400 and "Cochez au moins une annonce." in response.get_data(as_text=True)
    assert fresh(product).status == ProductStatus.PENDING


def test_admin_opens_a_pending_listing_with_all_photos_description_and_flags(client, admin):
    product = pending("Climatiseur LG", description="Paiement Orange Money uniquement.\nTrès peu servi.",
                      images=5)
    html = client.get(f"/admin/annonces/{product.public_id}").get_data(as_text=True)
    assert "Climatiseur LG" in html and "Très peu servi." in html
    assert html.count('<li><a href="') >= 5 and "Photos (5)" in html
    assert "Paiement externe" in html and "Paiement hors plateforme demandé" in html
    assert f'action="/admin/moderation/{product.public_id}/approuver"' in html
    assert "Retirer de la vente" not in html
    assert client.get("/admin/annonces/inconnue").status_code == 404


def test_admin_takes_down_a_live_listing_audited_and_the_seller_is_told(client, admin):
    product = f.product("Téléphone volé Samsung")
    db.session.commit()
    public = client.get(f"/p/{product.public_id}").get_data(as_text=True)
    assert f'href="/admin/annonces/{product.public_id}">Modérer cette annonce' in public
    page = client.get(f"/admin/annonces/{product.public_id}").get_data(as_text=True)
    assert "Retirer de la vente" in page and "/approuver" not in page
    url = f"/admin/annonces/{product.public_id}/retirer"
    response = client.post(url, data={"csrf_token": token(client), "reason": ""})
    assert response.status_code == 400 and "Indiquez la raison" in response.get_data(as_text=True)
    assert fresh(product).status == ProductStatus.ACTIVE
    response = client.post(url, data={"csrf_token": token(client), "reason": "Objet signalé comme volé."})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/admin/annonces/{product.public_id}")
    product = fresh(product)
    assert product.status == ProductStatus.REJECTED and product.rejection_reason == "Objet signalé comme volé."
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "product.takedown"))
    assert entry is not None and entry.actor_id == admin.id and entry.object_id == product.public_id
    assert "retirée de la vente" in f.outbox(product.seller.phone)[0].body
    notice = inbox.page_for(product.seller, 1, 10)[0][0]
    assert "Objet signalé comme volé." in notice.message
    assert "Samsung" not in client.get("/produits?q=samsung").get_data(as_text=True)
    assert client.get(f"/p/{product.public_id}").status_code == 404
    again = client.post(url, data={"csrf_token": token(client), "reason": "Encore."})
    assert again.status_code == 409 and "Seule une annonce en vente" in again.get_data(as_text=True)
