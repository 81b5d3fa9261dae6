"""The API's frame: health, the envelope of errors, the OpenAPI document and its page, CORS."""
from tests import factories as f
from vgk.models import Role


def test_health_says_healthy_with_time_and_version(api):
    body = api.get("health/").get_json()
    assert body["success"] is True and body["status"] == "healthy"
    assert body["timestamp"].endswith("Z") and body["version"].count(".") == 2


def test_unknown_paths_and_methods_answer_the_error_envelope(api):
    response = api.get("nothing-here/", conform=False)
    assert response.status_code == 404
    assert response.get_json() == {"success": False, "error": {
        "code": "not_found", "message": response.get_json()["error"]["message"], "fields": {}}}
    assert api.call("DELETE", "health/", conform=False).status_code == 405


def test_a_body_that_is_not_a_json_object_is_a_400(api):
    for raw in ("not json", "[1, 2]", "42"):
        response = api.client.post("/mobile/api/auth/login/", data=raw, content_type="application/json")
        assert response.status_code == 400
        assert response.get_json()["error"]["fields"] == {"body": "invalid"}


def test_the_document_lists_every_api_route_and_the_docs_page_shows_them(app, api):
    spec = api.spec
    assert spec["openapi"].startswith("3.1")
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api.") or rule.endpoint in ("api.openapi_document", "api.docs_page"):
            continue
        template = rule.rule.replace("<", "{").replace(">", "}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (template, method) in documented, f"{method} {template} is not documented"
    assert spec["paths"]["/mobile/api/admin/users/"]["get"]["x-access"] == "ADMIN"
    assert spec["paths"]["/mobile/api/admin/users/"]["get"]["security"] == [{"bearerAuth": []}]
    assert spec["paths"]["/mobile/api/products/"]["get"]["x-access"] == "public"
    assert "403" not in spec["paths"]["/mobile/api/products/"]["get"]["responses"]
    page = api.client.get("/mobile/api/docs/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/mobile/api/auth/login/" in html and "openapi.json" in html and "token · ADMIN" in html


def test_cors_only_for_configured_origins(app, api):
    app.config["MOBILE_CORS_ORIGINS"] = ("https://app.vgk.cm",)
    allowed = api.client.get("/mobile/api/health/", headers={"Origin": "https://app.vgk.cm"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://app.vgk.cm"
    preflight = api.client.options("/mobile/api/auth/login/", headers={
        "Origin": "https://app.vgk.cm", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Authorization, Content-Type"})
    assert preflight.status_code == 200
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]
    refused = api.client.get("/mobile/api/health/", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in refused.headers


def test_answers_for_a_token_are_never_cached(api):
    user = f.user(Role.CLIENT)
    response = api.post("auth/logout/", user=user)
    assert response.headers["Cache-Control"] == "no-store"


def test_session_cookies_do_not_authenticate_the_api(app, api):
    """The API is exempt from CSRF: a browser's cookie must not be able to act on it."""
    user = f.user(Role.CLIENT)
    f.sign_in(api.client, user)
    response = api.post("auth/logout/")
    assert response.status_code == 401


def test_messages_follow_the_callers_language(api):
    english = api.client.post("/mobile/api/auth/login/", json={}, headers={"Accept-Language": "en"}).get_json()
    french = api.client.post("/mobile/api/auth/login/", json={}).get_json()
    assert english["error"]["message"] != french["error"]["message"]
    assert french["error"]["message"].startswith("Indiquez")


def test_wrong_method_names_the_allowed_ones(api):
    response = api.call("DELETE", "health/", conform=False)
    assert response.status_code == 405 and "GET" in response.headers["Allow"]


def test_text_with_nul_characters_and_whole_floats(api):
    response = api.post("auth/login/", json={"email": "a\x00@example.cm", "password": "x"})
    assert response.status_code == 400 and response.get_json()["error"]["fields"] == {"email": "invalid"}
