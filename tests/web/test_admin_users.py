"""Administration of accounts: list and search, suspend and reinstate, roles, new staff, access rules."""
import re

import pytest

from tests import factories as f
from vgk.errors import Forbidden
from vgk.extensions import db
from vgk.models import PickupPoint, Role, TwoFactor, UserStatus
from vgk.services.accounts import sessions, signin
from vgk.services.accounts.people import find_by_identifier

HX = {"HX-Request": "true"}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"|name="csrf-token" content="([^"]+)"')
PASSWORD = "secret-pass-1"


def csrf(client, url):
    """The CSRF token of the form on that page (or of the page's meta tag)."""
    found = CSRF.search(client.get(url).get_data(as_text=True))
    assert found, f"no CSRF token on {url}"
    return found.group(1) or found.group(2)


def row_ids(html):
    return re.findall(r'id="row-([A-Za-z0-9_-]+)"', html)


def pickup_point(name="Point relais Akwa"):
    point = PickupPoint(city=f.city(), name=name, address="Boulevard de la Liberté, Akwa")
    db.session.add(point)
    db.session.commit()
    return point


def refreshed(user):
    db.session.expire_all()
    return db.session.get(type(user), user.id)


@pytest.fixture
def admin(app, client):
    user = f.user(role=Role.ADMIN, name="Brice Atangana", two_factor=TwoFactor.SMS, phone="+237677555501")
    f.sign_in(client, user)
    return user


@pytest.fixture
def people(app):
    return {
        # Phones of their own: the factory's running count could spell the "100" searched below.
        "aicha": f.user(name="Aïcha Mbarga", email="aicha.mbarga@example.cm", phone="+237677555502"),
        "jean": f.user(name="Jean Fotso", phone="+237690000123"),
        "staff": f.user(role=Role.STAFF, name="Serge Ekwalla", pickup_point=pickup_point(), two_factor=TwoFactor.SMS,
                        phone="+237677555503"),
        "gone": f.user(name="Paul Nkodo", status=UserStatus.SUSPENDED, phone="+237677555504"),
    }


def test_dashboard_links_to_the_sections(client, admin):
    response = client.get("/admin")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'href="/admin/utilisateurs"' in html and 'href="/admin/personnel/nouveau"' in html
    assert response.headers["Cache-Control"] == "no-store"


def test_list_shows_everyone_newest_first(client, admin, people):
    html = client.get("/admin/utilisateurs").get_data(as_text=True)
    ids = row_ids(html)
    assert set(ids) == {admin.public_id} | {p.public_id for p in people.values()}
    assert ids[0] == people["gone"].public_id  # created last
    assert "5 comptes" in html


@pytest.mark.parametrize("query, expected", [
    ("q=fotso", ["jean"]),
    ("q=AICHA.mbarga@", ["aicha"]),
    ("q=690+00+01+23", ["jean"]),
    ("q=%2B237690000123", ["jean"]),
    ("role=STAFF", ["staff"]),
    ("status=SUSPENDED", ["gone"]),
    ("q=ekwalla&role=CLIENT", []),
    ("q=100%25", []),
])
def test_search_and_filters(client, admin, people, query, expected):
    html = client.get(f"/admin/utilisateurs?{query}").get_data(as_text=True)
    assert row_ids(html) == [people[key].public_id for key in expected]
    if not expected:
        assert "Aucun compte ne correspond à cette recherche." in html


def test_unknown_filter_values_are_ignored(client, admin, people):
    html = client.get("/admin/utilisateurs?role=KING&status=nope&page=abc").get_data(as_text=True)
    assert len(row_ids(html)) == 5


def test_list_is_paginated_by_twenty(client, admin):
    for n in range(24):
        f.user(name=f"Client {n:02d}")
    first = client.get("/admin/utilisateurs?role=CLIENT").get_data(as_text=True)
    assert len(row_ids(first)) == 20
    assert "24 comptes" in first
    assert 'href="/admin/utilisateurs?role=CLIENT&amp;page=2"' in first
    second = client.get("/admin/utilisateurs?role=CLIENT&page=2").get_data(as_text=True)
    assert len(row_ids(second)) == 4
    assert 'href="/admin/utilisateurs?role=CLIENT"' in second  # back to page 1


def test_htmx_search_returns_only_the_results_fragment(client, admin, people):
    response = client.get("/admin/utilisateurs?q=fotso", headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html and "<title>" in html
    assert row_ids(html) == [people["jean"].public_id]


def test_detail_page(client, admin, people):
    response = client.get(f"/admin/utilisateurs/{people['jean'].public_id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Jean Fotso" in html and "+237 690 00 01 23" in html
    assert client.get("/admin/utilisateurs/nobody").status_code == 404


def test_suspend_closes_sessions_and_blocks_sign_in(app, client, admin, people):
    jean = people["jean"]
    other_browser = app.test_client()
    f.sign_in(other_browser, jean)
    assert len(sessions.live_sessions(jean)) == 1

    token = csrf(client, f"/admin/utilisateurs/{jean.public_id}")
    response = client.post(f"/admin/utilisateurs/{jean.public_id}/suspendre", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/utilisateurs/{jean.public_id}"
    jean = refreshed(jean)
    assert jean.status == UserStatus.SUSPENDED
    assert sessions.live_sessions(jean) == []
    with pytest.raises(Forbidden):
        signin.authenticate(jean.phone, PASSWORD)
    assert "Compte suspendu" in client.get(response.headers["Location"]).get_data(as_text=True)

    response = client.post(f"/admin/utilisateurs/{jean.public_id}/reactiver", data={"csrf_token": token})
    assert response.status_code == 302
    assert refreshed(jean).status == UserStatus.ACTIVE
    assert signin.authenticate(jean.phone, PASSWORD).id == jean.id


def test_suspend_from_the_list_goes_back_to_the_list(client, admin, people):
    token = csrf(client, "/admin/utilisateurs?role=CLIENT")
    response = client.post(f"/admin/utilisateurs/{people['aicha'].public_id}/suspendre",
                           data={"csrf_token": token, "next": "/admin/utilisateurs?role=CLIENT"})
    assert response.headers["Location"] == "/admin/utilisateurs?role=CLIENT"
    evil = client.post(f"/admin/utilisateurs/{people['aicha'].public_id}/reactiver",
                       data={"csrf_token": token, "next": "https://evil.example/admin/"})
    assert evil.headers["Location"] == f"/admin/utilisateurs/{people['aicha'].public_id}"


def test_htmx_suspend_from_a_row_returns_the_updated_row(client, admin, people):
    aicha = people["aicha"]
    token = csrf(client, "/admin/utilisateurs")
    response = client.post(f"/admin/utilisateurs/{aicha.public_id}/suspendre", data={"csrf_token": token},
                           headers={**HX, "HX-Target": f"row-{aicha.public_id}"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.strip().startswith(f'<li class="user-row" id="row-{aicha.public_id}">')
    assert "Suspendu" in html and "/reactiver" in html


def test_htmx_change_on_the_detail_returns_the_detail_block(client, admin, people):
    jean = people["jean"]
    token = csrf(client, f"/admin/utilisateurs/{jean.public_id}")
    response = client.post(f"/admin/utilisateurs/{jean.public_id}/suspendre", data={"csrf_token": token},
                           headers={**HX, "HX-Target": "user-detail"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.strip().startswith('<section id="user-detail"')
    assert "Compte suspendu" in html and "<html" not in html


def test_staff_role_needs_a_pickup_point(client, admin, people):
    jean = people["jean"]
    token = csrf(client, f"/admin/utilisateurs/{jean.public_id}")
    url = f"/admin/utilisateurs/{jean.public_id}/role"
    refused = client.post(url, data={"csrf_token": token, "role": "STAFF", "pickup_point": ""})
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert "Choisissez le point relais du membre du personnel." in html
    assert '<option value="STAFF" selected>' in html  # the admin's choice is kept
    assert refreshed(jean).role == Role.CLIENT

    point = pickup_point("Point relais Bastos")
    done = client.post(url, data={"csrf_token": token, "role": "STAFF", "pickup_point": str(point.id)})
    assert done.status_code == 302
    jean = refreshed(jean)
    assert jean.role == Role.STAFF and jean.pickup_point_id == point.id

    client.post(url, data={"csrf_token": token, "role": "CLIENT", "pickup_point": str(point.id)})
    jean = refreshed(jean)
    assert jean.role == Role.CLIENT and jean.pickup_point_id is None


def test_htmx_role_error_stays_in_the_detail_block(client, admin, people):
    jean = people["jean"]
    token = csrf(client, f"/admin/utilisateurs/{jean.public_id}")
    response = client.post(f"/admin/utilisateurs/{jean.public_id}/role",
                           data={"csrf_token": token, "role": "STAFF"}, headers={**HX, "HX-Target": "user-detail"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert html.strip().startswith('<section id="user-detail"')
    assert 'aria-invalid="true"' in html


def test_an_admin_cannot_suspend_or_demote_themselves(client, admin):
    own_row = client.get("/admin/utilisateurs").get_data(as_text=True)
    assert f"/admin/utilisateurs/{admin.public_id}/suspendre" not in own_row  # no button offered
    token = csrf(client, f"/admin/utilisateurs/{admin.public_id}")
    response = client.post(f"/admin/utilisateurs/{admin.public_id}/suspendre", data={"csrf_token": token})
    assert response.status_code == 400
    assert "Vous ne pouvez pas suspendre votre propre compte." in response.get_data(as_text=True)
    demote = client.post(f"/admin/utilisateurs/{admin.public_id}/role", data={"csrf_token": token, "role": "CLIENT"})
    assert demote.status_code == 400
    assert "Vous ne pouvez pas changer votre propre rôle." in demote.get_data(as_text=True)
    admin = refreshed(admin)
    assert admin.status == UserStatus.ACTIVE and admin.role == Role.ADMIN
    assert client.get("/admin").status_code == 200  # still signed in

    row = client.post(f"/admin/utilisateurs/{admin.public_id}/suspendre", data={"csrf_token": token},
                      headers={**HX, "HX-Target": f"row-{admin.public_id}"})
    assert row.status_code == 400
    assert row.get_data(as_text=True).strip().startswith('<li class="user-row"')


def test_create_staff_account(client, admin):
    point = pickup_point("Point relais Mvan")
    form = client.get("/admin/personnel/nouveau")
    assert form.status_code == 200 and "Point relais Mvan" in form.get_data(as_text=True)
    token = csrf(client, "/admin/personnel/nouveau")

    invalid = client.post("/admin/personnel/nouveau", data={
        "csrf_token": token, "name": "Awa Bello", "phone": "12", "password": "bon-mot-de-passe",
        "pickup_point": str(point.id),
    })
    html = invalid.get_data(as_text=True)
    assert invalid.status_code == 400
    assert 'id="ns-phone-error"' in html and 'value="Awa Bello"' in html
    no_point = client.post("/admin/personnel/nouveau", data={
        "csrf_token": token, "name": "Awa Bello", "phone": "+237 677 11 22 33", "password": "bon-mot-de-passe",
    })
    assert no_point.status_code == 400
    assert 'id="ns-pickup_point-error"' in no_point.get_data(as_text=True)

    created = client.post("/admin/personnel/nouveau", data={
        "csrf_token": token, "name": "Awa Bello", "phone": "+237 677 11 22 33", "email": "awa@example.cm",
        "password": "bon-mot-de-passe", "pickup_point": str(point.id),
    })
    assert created.status_code == 302
    staff = find_by_identifier("+237677112233")
    assert created.headers["Location"] == f"/admin/utilisateurs/{staff.public_id}"
    assert staff.role == Role.STAFF and staff.pickup_point_id == point.id
    assert staff.two_factor == TwoFactor.SMS
    assert row_ids(client.get("/admin/utilisateurs?role=STAFF").get_data(as_text=True)) == [staff.public_id]


@pytest.mark.parametrize("role", [Role.CLIENT, Role.STAFF])
def test_non_admins_are_forbidden(app, client, role, people):
    user = f.user(role=role, two_factor=TwoFactor.SMS, pickup_point=pickup_point() if role == Role.STAFF else None)
    f.sign_in(client, user)
    for url in ("/admin", "/admin/utilisateurs", f"/admin/utilisateurs/{people['jean'].public_id}",
                "/admin/personnel/nouveau"):
        assert client.get(url).status_code == 403, url
    token = csrf(client, "/")
    response = client.post(f"/admin/utilisateurs/{people['jean'].public_id}/suspendre", data={"csrf_token": token})
    assert response.status_code == 403
    assert refreshed(people["jean"]).status == UserStatus.ACTIVE


def test_anonymous_visitors_are_sent_to_sign_in(client, app):
    response = client.get("/admin/utilisateurs")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/connexion")


def test_admin_without_second_factor_must_set_one_up(client, app):
    f.sign_in(client, f.user(role=Role.ADMIN, two_factor=None))
    response = client.get("/admin/utilisateurs")
    assert response.status_code == 302
    assert response.headers["Location"] == "/compte/securite"


def test_views_declare_the_admin_access_rule(app):
    for endpoint in ("admin.dashboard", "admin.users", "admin.user_detail", "admin.suspend", "admin.reinstate",
                     "admin.change_role", "admin.new_staff", "admin.notifications_log",
                     "admin.notification_templates"):
        assert app.view_functions[endpoint].access == "ADMIN", endpoint
