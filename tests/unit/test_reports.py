"""Reports of listings through the service: one open report per reporter, the hourly quota, the admin's
grouped list and decisions (closing the reports, audited)."""
from datetime import timedelta

import pytest

from tests import factories as f
from vgk.errors import Conflict, Invalid, NotFound, RateLimited
from vgk.models import AuditEntry, ListingReport, ProductStatus, Role, TwoFactor
from vgk.models.base import utcnow
from vgk.services.selling import reports


@pytest.fixture
def admin(app):
    return f.user(Role.ADMIN, two_factor=TwoFactor.SMS)


def test_a_reporter_has_one_open_report_per_listing(app):
    product = f.product("Montre Casio")
    client = f.user()
    first, new = reports.report(product.public_id, "fraud", "Il demande un dépôt", user=client, ip="10.0.0.1")
    assert new and first.reason == "FRAUD" and first.comment == "Il demande un dépôt"
    again, new = reports.report(product.public_id, "SOLD", user=client, ip="10.0.0.2")
    assert not new and again.id == first.id
    guest, new = reports.report(product.public_id, "OTHER", ip="10.0.0.1")
    assert new and guest.reporter_id is None and "10.0.0.1" not in guest.reporter_key
    _, new = reports.report(product.public_id, "OTHER", ip="10.0.0.1")
    assert not new
    _, new = reports.report(product.public_id, "OTHER", ip="10.0.0.9")
    assert new and reports.open_count() == 3


def test_bad_reports_are_refused(app):
    product = f.product("Montre Casio")
    with pytest.raises(Invalid):
        reports.report(product.public_id, "MEAN", ip="10.0.0.1")
    with pytest.raises(Invalid):
        reports.report(product.public_id, "OTHER", "x" * 501, ip="10.0.0.1")
    for status in (ProductStatus.PENDING, ProductStatus.DRAFT):
        with pytest.raises(NotFound):
            reports.report(f.product("Caché", status=status).public_id, "OTHER", ip="10.0.0.1")
    with pytest.raises(NotFound):
        reports.report("inconnu", "OTHER", ip="10.0.0.1")


def test_a_reporter_reports_at_most_so_many_listings_an_hour(app, monkeypatch):
    monkeypatch.setitem(app.config, "REPORTS_PER_HOUR", 2)
    now = utcnow()
    items = [f.product(f"Article {n}") for n in range(3)]
    reports.report(items[0].public_id, "OTHER", ip="10.0.0.1", now=now - timedelta(minutes=90))
    reports.report(items[1].public_id, "OTHER", ip="10.0.0.1", now=now - timedelta(minutes=30))
    reports.report(items[2].public_id, "OTHER", ip="10.0.0.1", now=now)
    with pytest.raises(RateLimited):
        reports.report(f.product("Encore").public_id, "OTHER", ip="10.0.0.1", now=now)


def test_admin_list_groups_open_reports_and_decisions_close_them(app, admin):
    once, twice = f.product("Sac à main"), f.product("Téléphone volé")
    reports.report(once.public_id, "MISLEADING", ip="10.0.0.1")
    reports.report(twice.public_id, "FRAUD", "Arnaque", ip="10.0.0.1")
    reports.report(twice.public_id, "FRAUD", ip="10.0.0.2")
    rows = reports.open_by_listing()
    assert [row.product.id for row in rows] == [twice.id, once.id]
    assert rows[0].count == 2 and rows[0].reasons == {"FRAUD": 2} and rows[0].comments == ["Arnaque"]
    assert reports.dismiss(admin, once.public_id, ip="1.2.3.4") == 1
    with pytest.raises(Conflict):
        reports.dismiss(admin, once.public_id)
    with pytest.raises(Invalid):  # a takedown needs its reason: nothing is closed
        reports.take_down(admin, twice.public_id, "")
    assert reports.open_count() == 2
    reports.take_down(admin, twice.public_id, "Annonce frauduleuse")
    assert twice.status == ProductStatus.REJECTED and reports.open_count() == 0
    assert reports.open_by_listing() == []
    decisions = {r.decision for r in ListingReport.query.all()}
    assert decisions == {reports.DISMISSED, reports.TAKEN_DOWN}
    actions = [e.action for e in AuditEntry.query.order_by(AuditEntry.id)]
    assert actions == ["reports.dismiss", "reports.takedown", "product.takedown"]
    # a closed report no longer stops the same reporter from reporting again
    _, new = reports.report(once.public_id, "OTHER", ip="10.0.0.1")
    assert new
