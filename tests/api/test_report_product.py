"""Reporting a listing from the app: the same service as the web page, the same limits."""
from tests import factories as f
from vgk.models import ListingReport, ProductStatus


def url(product):
    return f"visitor/{product.public_id}/report_product/"


def test_a_guest_reports_once_and_is_told_a_second_time_it_is_done(api):
    item = f.product("Ordinateur HP")
    first = api.post(url(item), {"reason": "FRAUD", "comment": "Paiement d'avance demandé"})
    assert first.status_code == 200 and first.get_json()["reported"] is True
    assert first.get_json()["message"] == "Merci : notre équipe va examiner cette annonce."
    again = api.post(url(item), {"reason": "OTHER"})
    assert again.status_code == 200 and again.get_json()["reported"] is False
    assert again.get_json()["message"] == "Vous avez déjà signalé cette annonce."
    assert ListingReport.query.count() == 1


def test_a_signed_in_caller_reports_under_their_account(api):
    item, buyer = f.product("Ordinateur HP"), f.user()
    assert api.post(url(item), {"reason": "SOLD"}, user=buyer).get_json()["reported"] is True
    assert ListingReport.query.one().reporter_id == buyer.id


def test_bad_reports_are_clear_4xx(api):
    item = f.product("Ordinateur HP")
    bad = api.post(url(item), {"reason": "NASTY"})
    assert bad.status_code == 400 and bad.get_json()["success"] is False
    assert bad.get_json()["error"]["message"] == "Choisissez la raison du signalement."
    assert api.post(url(item), {}).status_code == 400
    assert api.post(url(item), {"reason": "OTHER", "comment": "x" * 501}).status_code == 400
    hidden = f.product("Brouillon", status=ProductStatus.DRAFT)
    assert api.post(url(hidden), {"reason": "OTHER"}).status_code == 404
    assert ListingReport.query.count() == 0
