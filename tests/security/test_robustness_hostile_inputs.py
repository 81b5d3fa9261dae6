"""Hostile inputs everywhere, and never a 5xx.

1. Every route that takes a JSON body (every /mobile/api/ route with POST/PUT/PATCH/DELETE, and the web
   routes that read JSON) gets hostile bodies: 1 000-level nesting, a lone surrogate, NUL, 1e400 and
   99999999999999999999, each documented field given a wrong type (or the largest exact integer, or
   fullwidth and superscript digits, or a 2 MB string), and bodies that are not objects; anonymously
   and as a signed-in user of the route's role (admin and staff with their second factor), with real
   ids in the path so the views get as far as reading the body.
2. Every query parameter of every admin and staff page and of every API listing gets the hostile query
   values, one parameter at a time and all at once. The parameters are collected from the views' source
   (and, for the API, from the served OpenAPI document); a view that reads a parameter the lists below do
   not cover fails `test_the_parameter_lists_cover_every_query_parameter_the_views_read`, so this test
   cannot silently go stale.
"""
import inspect
import re

import pytest
from werkzeug.local import LocalProxy

from tests import factories as f
from tests.api.conftest import ApiClient
from tests.web.test_auth import csrf_token
from tests.web.test_staff import staff_member
from vgk.extensions import db, limiter
from vgk.models import ProductStatus, Role, TwoFactor, WalletEntry, WalletEntryKind
from vgk.models.base import utcnow
from vgk.services.commerce import wallet

TWO_MB = "a" * (2 * 1024 * 1024)
GUARD_BODIES = {
    "nested_1000": "[" * 1000 + "]" * 1000,
    "nested_object_1000": '{"a":' * 1000 + "1" + "}" * 1000,
    "lone_surrogate": '{"x": "\\ud800", "name": "a\\udfffb"}',
    "nul": '{"x": "a\\u0000b"}',
    "float_overflow": '{"x": 1e400}',
    "int_overflow": '{"x": 99999999999999999999}',
}
NOT_OBJECTS = ("[]", '"text"', "123", "null", "true", "{", "")
FIELD_VALUES = {
    "null": None, "true": True, "minus_one": -1, "float": 1.5, "max_exact_int": 2**53 - 1,
    "min_exact_int": -(2**53 - 1), "huge_float": 1e300, "abc": "abc", "empty": "", "fullwidth": "１２",
    "superscript": "¹", "list": [1, 2], "object": {"a": 1}, "two_mb": TWO_MB,
}
QUERY_VALUES = ("9999-12-31", "0001-01-01", "-1", "99999999999999999999", "abc", "\x00", "１２", "¹")

# The query parameters each admin and staff page reads (the API's come from its OpenAPI document).
WEB_QUERY_PARAMS = {
    "admin.searches_page": {"jours"},
    "admin.dashboard": {"days", "city"},
    "admin.users": {"q", "role", "status", "page"},
    "admin.moderation_queue": {"page"},
    "admin.approve_product": {"page"},
    "admin.reject_product": {"page"},
    "admin.moderate_many": {"page"},
    "admin.journal": {"actor", "action", "page"},
    "admin.notifications_log": {"channel", "status", "event", "period", "person", "page"},
    "admin.notification_templates": {"event"},
    "admin.orders_list": {"q", "status", "city", "page"},
    "admin.export_commissions": {"depuis", "jusqua"},
    "admin.support_queue": {"page"},
    "admin.reported_conversations": {"page"},
    "admin.settle_conversation": {"page"},
    "staff.handover": {"reference", "code", "cash"},
    "staff.report": {"jour"},
}
# The query parameters of the plain WebSocket doors; their hostile values go over a real socket in
# tests/api/test_websocket_chat.py (test_hostile_query_values_are_answered_never_a_crash).
WEBSOCKET_QUERY_PARAMS = {"ws.private_chat": {"token", "last_id"}, "ws.group_chat": {"token", "last_id"}}
# The web routes that read a JSON body (the API's are all its write routes).
WEB_JSON_ROUTES = {"shop.campay_webhook"}


@pytest.fixture
def api(app):
    return ApiClient(app)


# --- which parameters the views read, from their source -------------------------------------------

_READ = re.compile(r"""\b(?:args|source|params)\.get\(\s*["']([^"']+)["']"""
                   r"""|\b(?:args|source|params)\[\s*["']([^"']+)["']\s*\]"""
                   r"""|\b(?:text|integer)\(\s*request\.args,\s*["']([^"']+)["']""")
_CALL = re.compile(r"\b([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\(")


def _resolve(namespace, dotted):
    obj = namespace.get(dotted.split(".")[0])
    for part in dotted.split(".")[1:]:
        if obj is None or isinstance(obj, LocalProxy):
            return None
        obj = getattr(obj, part, None)
    return None if isinstance(obj, LocalProxy) else obj


def names_read(function, seen=None):
    """Query parameter names a view reads: in its own source, in the helpers of the faces it calls,
    and in the `from_params` of the filters it builds from the query."""
    seen = set() if seen is None else seen
    function = inspect.unwrap(function)
    if function in seen or not inspect.isfunction(function):
        return set()
    seen.add(function)
    source = inspect.getsource(function)
    reads_query = "request.args" in source or "from_params" in source or function.__name__ == "from_params"
    names = {next(filter(None, groups)) for groups in _READ.findall(source)} if reads_query else set()
    if re.search(r"\bpage_number\(\)", source) or "_paged(" in source:
        names.add("page")
    for dotted in _CALL.findall(source):
        target = _resolve(function.__globals__, dotted)
        module = getattr(inspect.unwrap(target), "__module__", "") if callable(target) else ""
        if dotted.endswith("from_params") or (module or "").startswith(("vgk.web", "vgk.api")):
            names |= names_read(target.__func__ if inspect.ismethod(target) else target, seen)
    return names


def _spec_query_params(api, rule, method):
    template = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
    operation = api.spec["paths"].get(template, {}).get(method.lower()) or {}
    return {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}


def _faces(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(("admin.", "staff.", "api.")):
            yield rule, app.view_functions[rule.endpoint]


def test_the_parameter_lists_cover_every_query_parameter_the_views_read(app, api):
    uncovered, seen_any = {}, False
    for rule, view in _faces(app):
        read = names_read(view)
        seen_any |= bool(read)
        if rule.endpoint.startswith("api."):
            covered = set().union(*(_spec_query_params(api, rule, m) for m in rule.methods))
        else:
            covered = WEB_QUERY_PARAMS.get(rule.endpoint, set())
        if read - covered:
            uncovered[rule.endpoint] = sorted(read - covered)
    assert seen_any and names_read(app.view_functions["admin.users"]) == {"q", "role", "status", "page"}
    assert uncovered == {}, f"query parameters read but not covered by the lists (add them): {uncovered}"


def test_the_websocket_doors_query_parameters_are_listed(app):
    from vgk.realtime import plain

    read = {next(filter(None, groups)) for groups in _READ.findall(inspect.getsource(plain))}
    websocket_views = {rule.endpoint for rule in app.url_map.iter_rules() if rule.websocket}
    assert websocket_views == set(WEBSOCKET_QUERY_PARAMS)
    assert all(names == read for names in WEBSOCKET_QUERY_PARAMS.values())


def test_the_web_routes_reading_json_are_all_listed(app):
    readers = set()
    for endpoint, view in app.view_functions.items():
        if endpoint.startswith("api."):
            continue
        source = inspect.getsource(inspect.unwrap(view)) if inspect.isfunction(inspect.unwrap(view)) else ""
        if "get_json" in source or "request.json" in source:
            readers.add(endpoint)
    assert readers == WEB_JSON_ROUTES


# --- a marketplace with one of everything ------------------------------------------------------------

@pytest.fixture
def market(app, monkeypatch):
    monkeypatch.setattr(limiter, "enabled", False)  # 429s would hide what the views do with the input
    douala = f.city("Douala", slug="douala")
    leaf = f.category("Téléphones", slug="telephones", parent=f.category("Électronique", slug="electronique"))
    point = f.pickup_point(douala, name="Point relais Akwa")
    verified = utcnow()
    client = f.user(Role.CLIENT, phone_verified_at=verified, name="Awa Bello", city=douala)
    seller = f.user(Role.CLIENT, phone_verified_at=verified, name="Nadège Fotso")
    victim = f.user(Role.CLIENT, phone_verified_at=verified, name="Paul Nkodo")
    staff = staff_member(point, name="Serge Ekwalla")
    admin = f.user(Role.ADMIN, two_factor=TwoFactor.SMS, phone_verified_at=verified, name="Admin Kamer")
    listing = f.product("Téléphone Tecno Spark", seller=client, category_=leaf, city_=douala,
                        status=ProductStatus.DRAFT, images=1)
    pending = f.product("Ventilateur Binatone", seller=seller, category_=leaf, city_=douala,
                        status=ProductStatus.PENDING)
    pending.submitted_at = utcnow()
    active = f.product("Radio Sony", seller=seller, category_=leaf, city_=douala, price=15_000)
    order = f.place_order(f.product("Télé Samsung", seller=seller, price=50_000), point=point, buyer=client)
    db.session.add(WalletEntry(user_id=seller.id, amount=30_000, kind=WalletEntryKind.SALE, note="vente"))
    db.session.commit()
    payout = wallet.request_payout(f.reauthenticated(seller), 20_000, "670000111")
    return {
        "users": {"client": client, "staff": staff, "admin": admin},
        "ids": {"image_id": str(listing.images[0].id), "payout_id": payout.public_id, "user_id": victim.public_id,
                "order_id": order.public_id, "item_id": str(order.items[0].id), "reference": order.reference,
                "category_id": str(leaf.id), "city_id": str(douala.id), "public_id": victim.public_id},
        "products": {"own": listing.public_id, "pending": pending.public_id, "active": active.public_id},
        "point": point.public_id,
    }


def _role(endpoint, rule):
    if "/staff/" in rule or endpoint.startswith("staff."):
        return "staff"
    if "/admin/" in rule or endpoint.startswith("admin."):
        return "admin"
    return "client"


def _path(rule, market):
    values = {}
    for name in rule.arguments:
        if name == "product_id":
            kind = "pending" if "admin" in rule.endpoint else "active" if rule.endpoint in (
                "api.toggle_favorite", "api.product_detail") else "own"
            values[name] = market["products"][kind]
        elif name == "public_id" and rule.endpoint.startswith("admin.moderation"):
            values[name] = market["products"]["pending"]
        elif name == "public_id" and ("point" in rule.rule):
            values[name] = market["point"]
        elif name == "public_id" and "retraits" in rule.rule:
            values[name] = market["ids"]["payout_id"]
        else:
            values[name] = market["ids"].get(name, "zzzzzzzzzzzz")
    path = rule.rule
    for name, value in values.items():
        path = re.sub(rf"<(?:[^:>]+:)?{name}>", value, path)
    return path


def _documented_fields(api, rule, method):
    template = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
    operation = api.spec["paths"].get(template, {}).get(method.lower()) or {}
    content = operation.get("requestBody", {}).get("content", {})
    schema = (content.get("application/json") or content.get("multipart/form-data") or {}).get("schema", {})
    return sorted(schema.get("properties", {})) or ["x"]


def _json_routes(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint.startswith("api.") or rule.endpoint in WEB_JSON_ROUTES:
            for method in sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"}):
                yield rule, method


def _server_errors(response, label, found):
    text = response.get_data(as_text=True)  # read to the end: a streamed CSV ends its contexts only then
    response.close()
    if response.status_code >= 500:
        found.append(f"{label}: {response.status_code} {text[:200]}")


# --- 1. hostile JSON bodies --------------------------------------------------------------------------

def test_hostile_json_bodies_never_give_a_server_error(app, api, market):
    import json

    web = app.test_client()
    found, routes = [], 0
    for rule, method in _json_routes(app):
        routes += 1
        path = _path(rule, market)
        fields = _documented_fields(api, rule, method)
        bodies = dict(GUARD_BODIES)
        bodies.update({f"not_object_{n}": text for n, text in enumerate(NOT_OBJECTS)})
        bodies.update({f"fields_{name}": json.dumps({field: value for field in fields})
                       for name, value in FIELD_VALUES.items()})
        user = market["users"][_role(rule.endpoint, rule.rule)]
        token = f.api_token(user)
        for who, headers in (("anonymous", {}), (user.role, {"Authorization": f"Bearer {token}"})):
            for name, text in bodies.items():
                response = web.open(path, method=method, data=text,
                                    headers={**headers, "Content-Type": "application/json",
                                             "Accept": "application/json"})
                _server_errors(response, f"{method} {path} as {who} with {name}", found)
                if name in GUARD_BODIES:
                    assert response.status_code == 400 or response.status_code in (401, 403, 404, 405), (
                        method, path, who, name, response.status_code)
                    if response.status_code == 400:
                        assert response.get_json()["success"] is False, (method, path, name)
    assert routes > 30  # the walk really saw the API's write routes
    assert found == []


# --- 2. hostile query values ------------------------------------------------------------------------

def _query_routes(app, api):
    """(rule, method, parameter names) of every admin/staff page and every API listing with parameters,
    plus every admin/staff page without any (they get the values all at once too)."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        endpoint = rule.endpoint
        if endpoint.startswith("api."):
            for method in sorted(rule.methods & {"GET"}):
                names = _spec_query_params(api, rule, method)
                if names or "/admin/" in rule.rule or "/staff/" in rule.rule:
                    yield rule, method, names
        elif endpoint.startswith(("admin.", "staff.")):
            names = WEB_QUERY_PARAMS.get(endpoint, set())
            for method in sorted(rule.methods & {"GET", "POST"}):
                if method == "GET" or names:
                    yield rule, method, names


def test_hostile_query_values_never_give_a_server_error(app, api, market):
    from urllib.parse import urlencode

    clients = {}
    for role in ("client", "staff", "admin"):
        web = app.test_client()
        f.sign_in(web, market["users"][role], method="pin" if role == "staff" else "password")
        clients[role] = web
    tokens = {role: f.api_token(user) for role, user in market["users"].items()}
    page_tokens = {"admin": csrf_token(clients["admin"], "/admin/moderation"),
                   "staff": csrf_token(clients["staff"], "/staff/retrait")}
    found, requests = [], 0
    for rule, method, names in _query_routes(app, api):
        role = _role(rule.endpoint, rule.rule)
        path = _path(rule, market)
        queries = [{name: value} for name in sorted(names) for value in QUERY_VALUES]
        queries += [{name: value for name in set(names) | {"page"}} for value in QUERY_VALUES]
        # Names no view reads but link building might mistake for its own arguments.
        queries += [{name: "x", "page": "2"} for name in ("endpoint", "_anchor", "_external", "_method",
                                                           *sorted(rule.arguments))]
        for query in queries:
            url = f"{path}?{urlencode(query)}"
            if rule.endpoint.startswith("api."):
                response = clients[role].open(url, method=method, headers={"Authorization": f"Bearer {tokens[role]}"})
            elif method == "POST":
                response = clients[role].post(url, data={"csrf_token": page_tokens[role], "ids": "zzz"})
            else:
                response = clients[role].get(url)
            requests += 1
            _server_errors(response, f"{method} {url} as {role}", found)
    assert requests > 300
    assert found == []
