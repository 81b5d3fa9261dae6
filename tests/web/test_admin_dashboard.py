"""The administration dashboard: KPIs in FCFA, SVG charts, period and city switches, htmx fragment, access."""
import pytest

from tests import factories as f
from vgk.extensions import db
from vgk.models import OrderStatus, Role, TwoFactor
from vgk.models.base import utcnow

HTMX = {"HX-Request": "true"}


@pytest.fixture
def admin(app, client):
    user = f.user(Role.ADMIN, name="Admin Kamer", two_factor=TwoFactor.SMS, phone_verified_at=utcnow())
    f.sign_in(client, user)
    return user


@pytest.fixture
def sales(app):
    douala = f.city("Douala", "douala")
    order = f.place_order(f.product(price=25_000, city_=douala), point=f.pickup_point(douala))
    order.status, order.total, order.commission = OrderStatus.COMPLETED, 25_000, 2_500
    db.session.commit()
    return douala


def test_the_dashboard_shows_kpis_charts_and_section_links(client, admin, sales):
    response = client.get("/admin")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "25 000 FCFA" in html and "2 500 FCFA" in html
    assert html.count('<svg class="chart') >= 3 and 'role="img"' in html and "<title>" in html
    assert 'id="dashboard-stats"' in html and "<html" in html
    for section in ("/admin/utilisateurs", "/admin/personnel/nouveau", "/admin/retraits"):
        assert section in html
    assert 'href="/admin?days=7"' in html and 'href="/admin?days=90"' in html
    assert "Douala" in html
    if {"admin.moderation", "admin.moderation_queue"} & set(client.application.view_functions):
        assert 'href="/admin/moderation"' in html


def test_the_period_switch_and_a_bad_period(client, admin, sales):
    html = client.get("/admin?days=7").get_data(as_text=True)
    assert ('href="/admin?days=7" hx-get="/admin?days=7" hx-target="#dashboard-stats" hx-swap="outerHTML" '
            'hx-push-url="true" aria-current="page"') in html
    assert html.count('<path d="M') >= 1
    for bad in ("365", "abc", ""):
        html = client.get(f"/admin?days={bad}").get_data(as_text=True)
        assert ('href="/admin?days=30" hx-get="/admin?days=30" hx-target="#dashboard-stats" hx-swap="outerHTML" '
                'hx-push-url="true" aria-current="page"') in html


def test_the_city_filter_keeps_the_period(client, admin, sales):
    f.city("Bafoussam", "bafoussam")
    html = client.get("/admin?days=90&city=bafoussam").get_data(as_text=True)
    assert '<option value="bafoussam" selected>' in html
    assert 'href="/admin?days=7&amp;city=bafoussam"' in html
    assert '<dd>0 FCFA</dd>' in html  # nothing sold in Bafoussam


def test_htmx_gets_only_the_stats_block(client, admin, sales):
    response = client.get("/admin?days=7", headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="dashboard-stats"') and "<html" not in html
    assert "25 000 FCFA" in html and "<svg" in html


@pytest.mark.parametrize("role", [Role.CLIENT, Role.STAFF])
def test_others_are_refused(app, client, role):
    user = f.user(role, two_factor=TwoFactor.SMS, phone_verified_at=utcnow(),
                  pickup_point=f.pickup_point() if role == Role.STAFF else None)
    f.sign_in(client, user)
    assert client.get("/admin").status_code == 403


def test_labels_are_escaped_in_the_charts(app):
    from vgk.web import charts

    svg = str(charts.hbar_chart([("<script>", 3, "3 <b>")], "A & B"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "A &amp; B" in svg
    assert str(charts.bar_chart([0, 5, 10], "t")).startswith('<svg class="chart" role="img"')
