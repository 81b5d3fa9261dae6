"""Reporting a listing from its page: a small link under the actions, a short form (in place with htmx),
a thank-you, "already reported" for a second report, clear errors, no link for the seller."""
import pytest

from tests import factories as f
from tests.web.test_auth import post, text
from vgk.models import ListingReport, ProductStatus

HX = {"HX-Request": "true"}


@pytest.fixture
def item(app):
    return f.product("Montre Casio", price=15_000)


def report_url(product):
    return f"/p/{product.public_id}/signaler"


def test_the_product_page_links_to_the_report_form_after_the_buy_button(client, item):
    html = text(client.get(f"/p/{item.public_id}"))
    assert f'href="{report_url(item)}"' in html and "Signaler cette annonce" in html
    assert html.index("Ajouter au panier") < html.index("Signaler cette annonce")
    form = text(client.get(report_url(item), headers=HX))
    assert "<html" not in form and 'hx-target="#report-box"' in form
    for word in ("Arnaque ou fraude", "Article interdit", "Fausse photo ou description", "Déjà vendu", "Autre raison"):
        assert word in form
    assert ">FRAUD<" not in form and " FRAUD " not in form


def test_a_guest_reports_in_place_then_is_told_it_is_already_done(client, item):
    answer = post(client, report_url(item), {"reason": "FRAUD", "comment": "Il demande un dépôt"},
                  headers=HX)
    assert answer.status_code == 200 and "Merci : notre équipe va examiner cette annonce." in text(answer)
    again = post(client, report_url(item), {"reason": "SOLD"}, headers=HX)
    assert again.status_code == 200 and "Vous avez déjà signalé cette annonce." in text(again)
    assert ListingReport.query.count() == 1
    stored = ListingReport.query.one()
    assert stored.reason == "FRAUD" and stored.comment == "Il demande un dépôt" and stored.reporter_id is None


def test_without_javascript_the_report_goes_back_to_the_product_page(client, item):
    page = text(client.get(report_url(item)))
    assert "<h1>Signaler cette annonce</h1>" in page and "Montre Casio" in page
    answer = post(client, report_url(item), {"reason": "BANNED"})
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/p/{item.public_id}")
    assert "Merci : notre équipe va examiner cette annonce." in text(client.get(f"/p/{item.public_id}"))


def test_a_signed_in_client_reports_under_their_account(client, item):
    buyer = f.user()
    f.sign_in(client, buyer)
    post(client, report_url(item), {"reason": "MISLEADING"}, headers=HX)
    assert ListingReport.query.one().reporter_id == buyer.id


def test_bad_reports_get_a_clear_message(client, item):
    answer = post(client, report_url(item), {"reason": "MECHANT"}, headers=HX)
    assert answer.status_code == 400 and "Choisissez la raison du signalement." in text(answer)
    answer = post(client, report_url(item), {"reason": "OTHER", "comment": "x" * 600}, page=report_url(item))
    assert answer.status_code == 400 and "au plus 500 caractères" in text(answer)
    assert ListingReport.query.count() == 0
    hidden = f.product("En attente", status=ProductStatus.PENDING)
    assert client.get(report_url(hidden)).status_code == 404
    assert client.get("/p/inconnu/signaler").status_code == 404


def test_the_seller_sees_no_report_link_on_their_own_listing(client, item):
    f.sign_in(client, item.seller)
    assert "Signaler cette annonce" not in text(client.get(f"/p/{item.public_id}"))
