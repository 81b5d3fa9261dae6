"""The admin's reports: the menu's count, open reports grouped by listing with reasons in words, dismiss or
take down in place (htmx) or by plain forms, both audited; access."""
import pytest

from tests import factories as f
from tests.web.test_admin_users import csrf
from vgk.extensions import db
from vgk.models import AuditEntry, ListingReport, Product, ProductStatus, Role, TwoFactor
from vgk.models.base import utcnow
from vgk.services.selling import reports

HX = {"HX-Request": "true"}


@pytest.fixture
def admin(app, client):
    user = f.user(Role.ADMIN, name="Admin Kamer", two_factor=TwoFactor.SMS, phone_verified_at=utcnow())
    f.sign_in(client, user)
    return user


@pytest.fixture
def reported(app):
    scam = f.product("iPhone 15 à 20 000")
    bag = f.product("Sac en cuir")
    reports.report(scam.public_id, "FRAUD", "Il veut un paiement Orange Money d'avance", ip="10.0.0.1")
    reports.report(scam.public_id, "FRAUD", ip="10.0.0.2")
    reports.report(scam.public_id, "MISLEADING", ip="10.0.0.3")
    reports.report(bag.public_id, "SOLD", ip="10.0.0.1")
    return scam, bag


def test_the_menu_counts_open_reports_and_the_page_groups_them_by_listing(client, admin, reported):
    scam, bag = reported
    dashboard = client.get("/admin").get_data(as_text=True)
    assert 'href="/admin/signalements"' in dashboard and '<span class="badge">4</span>' in dashboard
    html = client.get("/admin/signalements").get_data(as_text=True)
    assert html.index("iPhone 15 à 20 000") < html.index("Sac en cuir")
    assert "3 signalements" in html and "1 signalement" in html
    assert "Arnaque ou fraude × 2" in html and "Fausse photo ou description" in html and "Déjà vendu" in html
    assert "FRAUD" not in html and "MISLEADING" not in html
    assert "paiement Orange Money d&#39;avance" in html
    assert html.count('class="report-row mod-card"') == 2 and "<table" not in html


def test_dismissing_in_place_closes_the_reports_and_is_audited(client, admin, reported):
    _, bag = reported
    token = csrf(client, "/admin/signalements")
    answer = client.post(f"/admin/signalements/{bag.public_id}/classer", data={"csrf_token": token}, headers=HX)
    body = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "<html" not in body
    assert "1 signalement(s) classé(s) sans suite." in body
    assert reports.open_count() == 3
    assert AuditEntry.query.filter_by(action="reports.dismiss", object_id=bag.public_id).count() == 1
    again = client.post(f"/admin/signalements/{bag.public_id}/classer", data={"csrf_token": token}, headers=HX)
    assert again.status_code == 409 and "Aucun signalement en attente" in again.get_data(as_text=True)


def test_taking_down_needs_a_reason_then_withdraws_the_listing(client, admin, reported):
    scam, _ = reported
    token = csrf(client, "/admin/signalements")
    url = f"/admin/signalements/{scam.public_id}/retirer"
    refused = client.post(url, data={"csrf_token": token, "reason": ""})
    assert refused.status_code == 400 and "Indiquez la raison" in refused.get_data(as_text=True)
    assert reports.open_count() == 4
    done = client.post(url, data={"csrf_token": token, "reason": "Arnaque signalée par plusieurs acheteurs"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/admin/signalements")
    db.session.expire_all()
    assert db.session.get(Product, scam.id).status == ProductStatus.REJECTED
    assert reports.open_count() == 1
    assert {r.decision for r in ListingReport.query.filter_by(product_id=scam.id)} == {reports.TAKEN_DOWN}
    actions = {e.action for e in AuditEntry.query.filter_by(object_id=scam.public_id)}
    assert actions == {"reports.takedown", "product.takedown"}
    page = client.get("/admin/signalements").get_data(as_text=True)
    assert "Annonce retirée de la vente" in page and "iPhone 15" not in page


def test_only_admins_see_reports(client, reported):
    assert client.get("/admin/signalements").status_code in (302, 401, 403)
    f.sign_in(client, f.user())
    assert client.get("/admin/signalements").status_code == 403
