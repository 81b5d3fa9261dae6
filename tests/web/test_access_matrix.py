"""Every route in the URL map × every kind of person: each route declares its access rule, and the
rule holds. A new route without a rule (a decorator from vgk.security) fails this test."""
import re

import pytest
from flask_login import current_user  # noqa: F401

from tests import factories as f
from vgk.models import Role, TwoFactor
from vgk.models.base import utcnow
from vgk.security import PUBLIC, SIGNED_IN, access_of

PERSONAS = ("anonymous", "client", "other_client", "staff", "other_staff", "admin")
ROLE_OF = {"client": Role.CLIENT, "other_client": Role.CLIENT, "staff": Role.STAFF,
           "other_staff": Role.STAFF, "admin": Role.ADMIN}
# Flask's own static route serves public files.
BUILT_IN_PUBLIC = {"static"}
SAMPLE = "zzzzzzzzzzzz"
# Providers' callbacks: public, but refused (403) to everyone while their secret is not configured (fail closed).
CLOSED_WITHOUT_SECRET = {"hooks.sms_report", "hooks.whatsapp_handshake", "hooks.whatsapp_webhook"}


def _rules(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def _url(rule):
    values = {}
    for name in rule.arguments:
        values[name] = "fr" if name == "lang" else ("css/app.css" if rule.endpoint == "static" else SAMPLE)
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: str(values[m.group(1)]), rule.rule)


def test_every_route_declares_its_access_rule(app):
    missing = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in BUILT_IN_PUBLIC and access_of(app.view_functions[rule.endpoint]) is None
    ]
    assert missing == []


@pytest.fixture
def people(app):
    point, other_point = f.pickup_point(), f.pickup_point()
    verified = utcnow()
    return {
        "client": f.user(Role.CLIENT, phone_verified_at=verified),
        "other_client": f.user(Role.CLIENT, phone_verified_at=verified),
        "staff": f.user(Role.STAFF, pickup_point=point, two_factor=TwoFactor.SMS, phone_verified_at=verified),
        "other_staff": f.user(Role.STAFF, pickup_point=other_point, two_factor=TwoFactor.SMS,
                              phone_verified_at=verified),
        "admin": f.user(Role.ADMIN, two_factor=TwoFactor.SMS, phone_verified_at=verified),
    }


def _expected(rule_access, persona):
    """'open': any answer but an access refusal; 'login': sent to sign in; 'forbidden': 403."""
    if rule_access == PUBLIC:
        return "open"
    if persona == "anonymous":
        return "login"
    if rule_access == SIGNED_IN:
        return "open"
    allowed = set(rule_access.split("+"))
    return "open" if ROLE_OF[persona] in allowed else "forbidden"


def _outcome(response):
    location = response.headers.get("Location", "")
    if response.status_code in (301, 302, 303) and "/connexion" in location:
        return "login"
    if response.status_code == 401:
        return "login"
    if response.status_code == 403:
        return "forbidden"
    return "open"


def test_access_matrix(app, people):
    app.config["WTF_CSRF_ENABLED"] = False
    from vgk.extensions import limiter

    limiter.enabled = False
    failures = []
    try:
        for rule, method in _rules(app):
            access = PUBLIC if rule.endpoint in BUILT_IN_PUBLIC else access_of(app.view_functions[rule.endpoint])
            url = _url(rule)
            for persona in PERSONAS:
                client = app.test_client()
                headers = {"Accept": "text/html"}
                if persona != "anonymous":
                    if url.startswith("/mobile/api/"):  # the API takes bearer tokens, never cookies
                        headers["Authorization"] = "Bearer " + f.api_token(people[persona])
                    else:
                        f.sign_in(client, people[persona])
                response = client.open(url, method=method, headers=headers)
                response.close()  # a file sent from disk is closed here
                if response.status_code >= 500:
                    failures.append(f"{method} {url} as {persona}: {response.status_code}")
                    continue
                expected, got = _expected(access, persona), _outcome(response)
                if rule.endpoint in CLOSED_WITHOUT_SECRET:
                    expected = "forbidden"
                if expected != got:
                    failures.append(f"{method} {url} as {persona}: expected {expected}, got {got} "
                                    f"({response.status_code})")
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
        limiter.enabled = True
    assert failures == []
