"""Reports of listings cost an admin's time: per-address limits on both faces, one open report per guest
address and listing (a fresh cookie does not make a second one), and the hourly quota per reporter."""
import pytest

from tests import factories as f
from tests.api.conftest import ApiClient
from tests.web.test_auth import post
from vgk.models import ListingReport

HX = {"HX-Request": "true"}


@pytest.fixture
def api(app):
    return ApiClient(app)


def test_reports_are_limited_per_address_on_the_web(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REPORT_RATE_LIMIT", "3 per minute")
    items = [f.product(f"Article {n}") for n in range(4)]
    statuses = [post(client, f"/p/{item.public_id}/signaler", {"reason": "OTHER"}, headers=HX).status_code
                for item in items]
    assert statuses == [200, 200, 200, 429]
    assert ListingReport.query.count() == 3


def test_reports_are_limited_per_address_on_the_api(app, api, monkeypatch):
    monkeypatch.setitem(app.config, "REPORT_RATE_LIMIT", "2 per minute")
    items = [f.product(f"Article {n}") for n in range(3)]
    answers = [api.post(f"visitor/{item.public_id}/report_product/", {"reason": "OTHER"}) for item in items]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].get_json()["success"] is False


def test_a_guest_cannot_report_twice_by_clearing_cookies(app):
    item = f.product("Montre Casio")
    for _ in range(3):
        client = app.test_client()  # a new browser each time, same address
        answer = post(client, f"/p/{item.public_id}/signaler", {"reason": "FRAUD"}, headers=HX)
        assert answer.status_code == 200
    assert ListingReport.query.count() == 1


def test_the_hourly_quota_holds_for_a_signed_in_reporter_under_the_address_limit(app, api, monkeypatch):
    monkeypatch.setitem(app.config, "REPORTS_PER_HOUR", 2)
    buyer = f.user()
    items = [f.product(f"Article {n}") for n in range(3)]
    answers = [api.post(f"visitor/{item.public_id}/report_product/", {"reason": "OTHER"}, user=buyer)
               for item in items]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert "Trop de signalements" in answers[2].get_json()["error"]["message"]
