"""Finding 12: inputs that used to end in a 500. JSON nested 1 000 levels deep (RecursionError on every JSON
endpoint), a lone surrogate "\\ud800" in JSON (UnicodeEncodeError once stored), `?jusqua=9999-12-31` on the
commission export and `?day=0001-01-01` on the staff report (OverflowError); and NUL characters in forms.

Now JSON bodies pass one guard before any view (400 `{"success": false, "error": {...}}` naming the body),
dates typed in query parameters are read by one helper with a sane range (400, or ignored where the page
ignores bad values), and NUL characters in a query or a form are a 400. Nothing is half-written.
"""
import pytest
from sqlalchemy import func, select

from tests import factories as f
from tests.api.conftest import ApiClient
from tests.web.test_auth import csrf_token
from tests.web.test_staff import staff_member
from vgk.extensions import db
from vgk.models import Product, ProductStatus, Role, TwoFactor, User
from vgk.models.base import utcnow

DEEP = "[" * 1000 + "]" * 1000
DEEP_OBJECT = '{"a":' * 1000 + "1" + "}" * 1000
LONE_SURROGATE = '{"title": "V\\u00e9lo \\ud800 bleu", "description": "Bon \\u00e9tat."}'
JSON = {"Content-Type": "application/json"}


def users():
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(User))


@pytest.fixture
def api(app):
    return ApiClient(app)


@pytest.fixture
def seller(app):
    return f.user(phone_verified_at=utcnow(), name="Mireille Ngo")


@pytest.fixture
def staff(app):
    return staff_member(f.pickup_point(), name="Serge Ekwalla")


@pytest.fixture
def admin(app):
    return f.user(Role.ADMIN, name="Admin Kamer", two_factor=TwoFactor.SMS, phone_verified_at=utcnow())


def refused(response, fields):
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    body = response.get_json()
    assert body["success"] is False
    assert body["error"]["fields"] == fields
    return body["error"]["message"]


# --- 1. JSON nested 1 000 levels --------------------------------------------------------------------

@pytest.mark.parametrize("payload", [DEEP, DEEP_OBJECT])
def test_json_nested_a_thousand_levels_is_a_400_on_json_endpoints(app, client, seller, staff, payload):
    listing = f.product("Vélo de ville", seller=seller, status=ProductStatus.DRAFT)
    calls = [
        ("POST", "/mobile/api/auth/login/", None),
        ("POST", "/mobile/api/auth/register/", None),
        ("PATCH", f"/mobile/api/client/listings/{listing.public_id}/", seller),
        ("POST", "/mobile/api/staff/handover/", staff),
        ("POST", "/mobile/api/visitor/add_to_cart/", None),
    ]
    for method, url, user in calls:
        headers = dict(JSON)
        if user is not None:
            headers["Authorization"] = "Bearer " + f.api_token(user)
        response = client.open(url, method=method, data=payload, headers=headers)
        assert "trop imbriqué" in refused(response, {"body": "too_deep"}), url
    db.session.expire_all()
    assert db.session.get(Product, listing.id).title == "Vélo de ville"


def test_json_nested_a_thousand_levels_on_the_payment_webhook_is_a_400_not_a_500(app, client):
    response = client.post("/paiements/campay/webhook", data=DEEP, headers={**JSON, "Accept": "application/json"})
    refused(response, {"body": "too_deep"})


def test_moderate_nesting_is_refused_too_before_any_view_recurses(app, client):
    response = client.post("/mobile/api/auth/login/", data="[" * 40 + "]" * 40, headers=JSON)
    refused(response, {"body": "too_deep"})


# --- 2. a lone surrogate in JSON ----------------------------------------------------------------------

def test_a_lone_surrogate_in_json_is_a_400_and_nothing_is_stored(app, client, seller):
    listing = f.product("Vélo de ville", seller=seller, status=ProductStatus.DRAFT)
    headers = {**JSON, "Authorization": "Bearer " + f.api_token(seller)}
    response = client.patch(f"/mobile/api/client/listings/{listing.public_id}/", data=LONE_SURROGATE, headers=headers)
    assert "caractère invalide" in refused(response, {"title": "invalid"})
    db.session.expire_all()
    assert db.session.get(Product, listing.id).title == "Vélo de ville"

    before = users()
    response = client.post("/mobile/api/auth/register/", headers=JSON, data=(
        '{"name": "Jean \\ud800 Fotso", "phone": "690112233", "password": "Bon-Mot-2024", "city": "douala"}'))
    refused(response, {"name": "invalid"})
    response = client.post("/mobile/api/auth/register/", headers=JSON, data=(
        '{"name": "Jean Fotso", "phone": "690112233", "password": "Bon-Mot-2024\\u0000"}'))
    refused(response, {"password": "invalid"})
    response = client.post("/mobile/api/auth/register/", headers=JSON, data='"\\ud800"')
    refused(response, {"body": "invalid_character"})
    assert users() == before


def test_numbers_json_cannot_carry_exactly_are_a_400(app, client, seller):
    listing = f.product("Vélo de ville", seller=seller, status=ProductStatus.DRAFT, price=30_000)
    headers = {**JSON, "Authorization": "Bearer " + f.api_token(seller)}
    for number in ("1e400", "-1e400", "99999999999999999999", "NaN", "Infinity"):
        response = client.patch(f"/mobile/api/client/listings/{listing.public_id}/", data=f'{{"price": {number}}}',
                                headers=headers)
        refused(response, {"price": "out_of_range"})
    db.session.expire_all()
    assert db.session.get(Product, listing.id).price == 30_000


# --- 3. ?jusqua=9999-12-31 on the commission export ------------------------------------------------

def test_the_commission_export_refuses_days_out_of_range_with_a_clear_400(app, client, admin):
    f.sign_in(client, admin)
    for query in ("jusqua=9999-12-31", "depuis=9999-12-31", "depuis=0001-01-01", "jusqua=0001-01-01"):
        response = client.get(f"/admin/export/commissions.csv?{query}")
        assert response.status_code == 400, query
        assert "Date hors limites" in response.get_data(as_text=True)
    for query in ("jusqua=１２", "jusqua=2024-1-1", "jusqua=20240101", "jusqua=¹"):
        response = client.get(f"/admin/export/commissions.csv?{query}")
        assert response.status_code == 400 and "Date invalide" in response.get_data(as_text=True), query
    response = client.get("/admin/export/commissions.csv?depuis=2000-01-01&jusqua=2100-12-31")
    assert response.status_code == 200 and response.mimetype == "text/csv"


# --- 4. ?day=0001-01-01 on the staff report ------------------------------------------------------------

def test_the_staff_report_refuses_days_out_of_range(app, api, client, staff):
    for day in ("0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01"):
        response = api.get("staff/report/", user=staff, query={"day": day})
        assert response.status_code == 400, day
        assert response.get_json()["error"]["fields"] == {"day": "out_of_range"}
    assert api.get("staff/report/", user=staff, query={"day": "2100-12-31"}).get_json()["report"]["day"] == "2100-12-31"
    # The staff portal's page ignores a bad day, as it always did for malformed ones: today's report.
    f.sign_in(client, staff, method="pin")
    for day in ("0001-01-01", "9999-12-31"):
        response = client.get(f"/staff/rapport?jour={day}")
        assert response.status_code == 200 and f'value="{day}"' not in response.get_data(as_text=True)


# --- forms: NUL characters and lone surrogates never reach the database -----------------------------------

def test_a_nul_character_in_a_form_is_a_400_and_nothing_is_stored(app, client):
    f.city("Douala", slug="douala")
    before = users()
    token = csrf_token(client, "/inscription")
    response = client.post("/inscription", data={"csrf_token": token, "name": "Jean\x00 Fotso", "phone": "690112233",
                                                 "email": "", "city": "douala", "password": "Bon-Mot-2024",
                                                 "accept_terms": "y"})
    assert response.status_code == 400
    assert "Caractère invalide" in response.get_data(as_text=True)
    assert users() == before


def test_a_nul_character_in_a_query_is_dropped_before_any_view(app, client, admin):
    f.user(name="Paul Nkodo")
    f.sign_in(client, admin)
    for url in ("/admin/utilisateurs?q=%00", "/admin/commandes?q=ab%00cd", "/produits?q=%00",
                "/admin/journal?actor=%00"):
        assert client.get(url).status_code == 200, url
    assert "Paul Nkodo" in client.get("/admin/utilisateurs?q=Nko%00do").get_data(as_text=True)
    response = client.get("/mobile/api/products/?q=%00")
    assert response.status_code == 200 and response.get_json()["success"] is True


def test_encoded_lone_surrogates_in_a_form_are_stored_as_valid_text(app, client):
    f.city("Douala", slug="douala")
    token = csrf_token(client, "/inscription")
    body = (f"csrf_token={token}&name=Jean%ED%A0%80Fotso&phone=690112244&email=&city=douala&password=Bon-Mot-2024"
            "&accept_terms=y")
    response = client.post("/inscription", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500
    db.session.expire_all()
    for user in db.session.scalars(select(User)).all():
        user.name.encode("utf-8")  # whatever was kept is valid text


# --- the guard's and the day helper's limits, exactly ----------------------------------------------------

def test_the_json_guard_limits_are_exact():
    from vgk.inputs import MAX_JSON_DEPTH, HostileJSON, loads

    assert loads("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH) is not None
    with pytest.raises(HostileJSON) as refused:
        loads("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1))
    assert refused.value.fields == {"body": "too_deep"}
    assert loads('{"n": 9007199254740991, "m": -9007199254740991, "f": 1e300}')["n"] == 2**53 - 1
    with pytest.raises(HostileJSON) as refused:
        loads('{"n": 9007199254740992}')
    assert refused.value.fields == {"n": "out_of_range"}
    with pytest.raises(HostileJSON) as refused:
        loads('{"items": [{"note": "ok"}, {"note": "a\\u0000b"}]}')
    assert refused.value.fields == {"items": "invalid"}
    assert loads('{"name": "Ndolé \\u00e0 l\'\\ud83d\\ude00"}')["name"].endswith("\U0001F600")  # a real pair is fine
    with pytest.raises(ValueError):
        loads("{not json")


def test_the_day_helper_keeps_to_its_range():
    from datetime import date

    from vgk.errors import Invalid
    from vgk.inputs import parse_day

    assert parse_day("2000-01-01", "d") == date(2000, 1, 1) and parse_day("2100-12-31", "d") == date(2100, 12, 31)
    assert parse_day("", "d") is None and parse_day(None, "d") is None
    for bad in ("1999-12-31", "2101-01-01", "0001-01-01", "9999-12-31", "２０２４-０１-０１", "2024-W01-1", "abc"):
        assert parse_day(bad, "d", strict=False) is None
        with pytest.raises(Invalid):
            parse_day(bad, "d")
