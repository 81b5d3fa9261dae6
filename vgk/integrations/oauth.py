"""Google sign-in: the Authlib OpenID Connect client, registered from configuration.

Only built when GOOGLE_CLIENT_ID is set (the `google` blueprint is registered under the same
condition). The discovery document (GOOGLE_DISCOVERY_URL) is fetched on first use, not at start-up;
Authlib then checks the ID token's signature against the provider's JWKS, its expiry, nonce and
at_hash, and (through `id_token_claims_options`) its issuer and audience: Authlib's default
leaves `aud` unchecked. A fake provider on 127.0.0.1 stands in for Google in the tests.
"""
import logging
import time
from typing import Any

from authlib.integrations.flask_client import OAuth
from flask import Flask

from vgk.integrations import registry

log = logging.getLogger(__name__)

SCOPE = "openid email profile"
HTTP_TIMEOUT = 10  # seconds, for the discovery document, the JWKS and the token exchange
GOOGLE_ISSUER = "https://accounts.google.com"


def oauth_from_config(app: Flask) -> OAuth | None:
    """An Authlib registry bound to the app with the "google" client, or None when not configured."""
    config = app.config
    if not config.get("GOOGLE_CLIENT_ID"):
        return None
    if not config.get("GOOGLE_CLIENT_SECRET"):
        log.warning("GOOGLE_CLIENT_ID is set without GOOGLE_CLIENT_SECRET: Google will refuse the sign-ins")
    oauth = OAuth(app)
    oauth.register(
        "google",
        client_id=config["GOOGLE_CLIENT_ID"],
        client_secret=config.get("GOOGLE_CLIENT_SECRET"),
        server_metadata_url=config["GOOGLE_DISCOVERY_URL"],
        client_kwargs={
            "scope": SCOPE,
            "code_challenge_method": "S256",  # PKCE on top of the client secret
            "default_timeout": HTTP_TIMEOUT,
        },
    )
    return oauth


def google_client(app: Flask) -> Any:
    """The registered Google client of this app (None when Google sign-in is not configured)."""
    oauth = registry.adapters_of(app).oauth
    return oauth.create_client("google") if oauth is not None else None


def id_token_claims_options(client: Any) -> dict[str, dict[str, Any]]:
    """What the ID token must say: issued by the discovered issuer, to this client."""
    issuer = client.load_server_metadata().get("issuer")
    if not issuer:
        raise ValueError("the discovery document names no issuer")
    issuers = [issuer] + (["accounts.google.com"] if issuer == GOOGLE_ISSUER else [])  # Google uses both
    return {
        "iss": {"essential": True, "values": issuers},
        "aud": {"essential": True, "values": [client.client_id]},
    }


def finish_google_authorization(app: Flask) -> Any:
    """On the callback request: check state, exchange the code, verify the ID token; returns the token
    (its "userinfo" holds the verified claims). Raises Authlib/joserfc/requests errors on any failure."""
    client = google_client(app)
    return client.authorize_access_token(claims_options=id_token_claims_options(client))


class GoogleTokenError(Exception):
    """An ID token from the app that cannot be trusted; `reason` is a short code for the client."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


KEY_REFETCH_SECONDS = 60
_last_refetch: dict[int, float] = {}


def _names_unknown_key(id_token: object, key_set: Any) -> bool:
    """True when the token's header names a key id the cached key set does not have."""
    from joserfc.jws import extract_compact

    try:
        kid = extract_compact(str(id_token).encode()).headers().get("kid")
    except Exception:  # noqa: BLE001  (not a JWS at all: decoding will refuse it)
        return False
    return bool(kid) and all(key.kid != kid for key in key_set.keys)


def _may_refetch_keys(client: object) -> bool:
    """Unknown key ids may come from forged tokens too: refetch at most once a minute per client."""
    now = time.monotonic()
    if now - _last_refetch.get(id(client), -KEY_REFETCH_SECONDS) < KEY_REFETCH_SECONDS:
        return False
    _last_refetch[id(client)] = now
    return True


def verify_google_id_token(app: Flask, id_token: str) -> dict[str, Any]:
    """Claims of an ID token the mobile app got from Google Sign-In: signed by a key of the provider's
    JWKS (RS256), issued by the provider, to this app's client id or one of GOOGLE_MOBILE_CLIENT_IDS,
    and not expired. Raises GoogleTokenError otherwise (or when Google sign-in is not configured)."""
    from joserfc import jwt
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet

    client = google_client(app)
    if client is None:
        raise GoogleTokenError("google_disabled")
    audiences = [client.client_id, *app.config.get("GOOGLE_MOBILE_CLIENT_IDS", ())]
    try:
        options = id_token_claims_options(client)
        key_set = KeySet.import_key_set(client.fetch_jwk_set())
        if _names_unknown_key(id_token, key_set) and _may_refetch_keys(client):
            # The provider rotated its keys since they were cached: fetch them again (at most once a minute).
            key_set = KeySet.import_key_set(client.fetch_jwk_set(force=True))
    except Exception as error:  # the provider is unreachable or answers nonsense
        log.warning("Google keys unavailable: %s", error.__class__.__name__)
        raise GoogleTokenError("provider_unavailable") from None
    try:
        token = jwt.decode(id_token, key_set, algorithms=["RS256"])
        jwt.JWTClaimsRegistry(
            leeway=60,
            iss={"essential": True, "values": options["iss"]["values"]},
            aud={"essential": True, "values": audiences},
            sub={"essential": True},
            exp={"essential": True},
        ).validate(token.claims)
    except (JoseError, ValueError, TypeError) as error:
        log.info("Google ID token refused: %s", error.__class__.__name__)
        raise GoogleTokenError("invalid_token") from None
    return token.claims
