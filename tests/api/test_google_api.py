"""Google sign-in from the app: the ID token Google Sign-In gave the phone, checked against the
provider's JWKS (a fake OpenID Connect provider on 127.0.0.1)."""
from sqlalchemy import func, select

from tests import factories as f
from tests.api.conftest import ApiClient
from vgk.extensions import db
from vgk.models import Role, User
from vgk.models.base import utcnow


def _sign_in(app, token):
    return ApiClient(app).post("auth/google_oauth/", json={"id_token": token})


def test_a_new_google_user_gets_a_client_account_and_tokens(google_app, oidc_fake):
    oidc_fake.rotate_key()  # a key this app has not seen yet: it must fetch it from the provider
    token = oidc_fake.mobile_id_token(sub="g-100", email="Nadia@Example.cm", email_verified=True, name="Nadia E.")
    response = _sign_in(google_app, token)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["user"]["email"] == "nadia@example.cm" and body["user"]["role"] == "CLIENT"
    assert ApiClient(google_app).post("auth/logout/", token=body["tokens"]["access_token"]).status_code == 200
    # The keys really came from the provider.
    assert oidc_fake.requests_to("/jwks")


def test_an_existing_account_with_the_verified_email_is_linked(google_app, oidc_fake):
    user = f.user(Role.CLIENT, email="paul@example.cm", email_verified_at=utcnow())
    token = oidc_fake.mobile_id_token(sub="g-200", email="paul@example.cm", email_verified=True)
    assert _sign_in(google_app, token).get_json()["user"]["id"] == user.public_id
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_tokens_for_the_android_client_id_are_accepted(google_app, oidc_fake):
    google_app.config["GOOGLE_MOBILE_CLIENT_IDS"] = ("android-123.apps.example",)
    try:
        token = oidc_fake.mobile_id_token(audience="android-123.apps.example", sub="g-300",
                                          email="a@example.cm", email_verified=True)
        response = _sign_in(google_app, token)
        assert response.status_code == 200, response.get_json()
    finally:
        google_app.config["GOOGLE_MOBILE_CLIENT_IDS"] = ()


def test_untrustworthy_id_tokens_are_refused_and_create_nobody(google_app, oidc_fake):
    identity = dict(sub="g-400", email="eve@example.cm", email_verified=True)
    for label, token in (
        ("audience", oidc_fake.mobile_id_token(audience="someone-else.apps.example", **identity)),
        ("expired", oidc_fake.mobile_id_token(tamper="expired", **identity)),
        ("signature", oidc_fake.mobile_id_token(tamper="signature", **identity)),
        ("issuer", oidc_fake.mobile_id_token(tamper="issuer", **identity)),
        ("garbage", "abc.def.ghi"),
    ):
        response = _sign_in(google_app, token)
        assert response.status_code == 400, label
        assert response.get_json()["error"]["fields"] == {"id_token": "invalid_token"}, label
    unverified = oidc_fake.mobile_id_token(sub="g-401", email="eve2@example.cm", email_verified=False)
    assert _sign_in(google_app, unverified).status_code == 400
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_without_google_configured_the_endpoint_says_so(api):
    response = api.post("auth/google_oauth/", json={"id_token": "x.y.z"})
    assert response.status_code == 400
    assert response.get_json()["error"]["fields"] == {"id_token": "google_disabled"}


def test_tokens_naming_unknown_keys_do_not_make_the_app_hammer_the_provider(google_app, oidc_fake):
    forged = []
    for n in range(3):
        token = oidc_fake.mobile_id_token(sub=f"g-90{n}", email=f"x{n}@example.cm", email_verified=True)
        header, rest = token.split(".", 1)
        forged.append(_b64url_json({"alg": "RS256", "kid": f"unknown-{n}", "typ": "JWT"}) + "." + rest)
    for token in forged:
        assert _sign_in(google_app, token).status_code == 400
    assert len(oidc_fake.requests_to("/jwks")) <= 1  # one refetch a minute at most, not one per token


def _b64url_json(value):
    import base64
    import json

    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()
