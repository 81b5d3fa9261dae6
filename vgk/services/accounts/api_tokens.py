"""Tokens of the mobile app: a short-lived access token and a refresh token, both JSON Web Tokens
(HS256, joserfc — the JOSE library of the Authlib project).

A sign-in from the app opens an AuthSession like a browser does (it is listed on the profile and
"sign out everywhere" ends it). Each token names that session (`sid`); an access token is good only
while its session is live. Refresh tokens are single-use: refreshing marks the presented one used and
issues a new pair in the same session. A used refresh token presented again means it was copied, so
the whole family (the session and every token in it) is revoked.
"""
import hashlib
import hmac
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey
from sqlalchemy import select, update

from vgk.database import locked
from vgk.errors import Unauthenticated
from vgk.extensions import db
from vgk.models import AuthSession, RefreshToken, User, UserStatus
from vgk.models.base import utcnow
from vgk.services.accounts import sessions, signin

log = logging.getLogger(__name__)

ALGORITHM = "HS256"
ISSUER = "vgk"
ACCESS = "access"
REFRESH = "refresh"
LEEWAY = 30  # seconds of clock skew accepted


@dataclass
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    refresh_expires_in: int

    def as_dict(self) -> dict[str, str | int]:
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "token_type": "Bearer",
            "expires_in": self.expires_in,
            "refresh_expires_in": self.refresh_expires_in,
        }


def _key() -> OctKey:
    config = current_app.config
    secret = config.get("JWT_SECRET_KEY")
    if not secret:
        # Derived, so a JWT never verifies with the raw key that signs cookies.
        secret = hmac.new(config["SECRET_KEY"].encode(), b"vgk-mobile-jwt", hashlib.sha256).hexdigest()
    return OctKey.import_key(secret)


def _encode(claims: dict[str, Any]) -> str:
    return jwt.encode({"alg": ALGORITHM, "typ": "JWT"}, claims, _key())


def _decode(token: object, kind: str) -> dict[str, Any]:
    """The claims of a genuine, unexpired token of this kind, or raise Unauthenticated."""
    if not isinstance(token, str) or not token or len(token) > 2048:
        raise Unauthenticated(_l("Jeton manquant ou invalide."))
    try:
        claims = jwt.decode(token.strip(), _key(), algorithms=[ALGORITHM]).claims
        jwt.JWTClaimsRegistry(
            leeway=LEEWAY,
            iss={"essential": True, "value": ISSUER},
            typ={"essential": True, "value": kind},
            exp={"essential": True},
            sid={"essential": True},
        ).validate(claims)
    except (JoseError, ValueError, TypeError):
        raise Unauthenticated(_l("Jeton expiré ou invalide."), {"token": "invalid"}) from None
    return claims


def _issue(auth_session: AuthSession) -> TokenPair:
    config = current_app.config
    now = int(time.time())
    access_seconds = int(config["JWT_ACCESS_SECONDS"])
    refresh_seconds = int(config["JWT_REFRESH_SECONDS"])
    user = auth_session.user
    access = _encode({
        "iss": ISSUER, "typ": ACCESS, "sub": user.public_id, "sid": auth_session.public_id,
        "role": user.role, "jti": secrets.token_urlsafe(12), "iat": now, "exp": now + access_seconds,
    })
    jti = secrets.token_urlsafe(32)
    db.session.add(RefreshToken(
        jti=jti, session_id=auth_session.id, expires_at=utcnow() + timedelta(seconds=refresh_seconds),
    ))
    refresh = _encode({
        "iss": ISSUER, "typ": REFRESH, "sub": user.public_id, "sid": auth_session.public_id,
        "jti": jti, "iat": now, "exp": now + refresh_seconds,
    })
    db.session.commit()
    return TokenPair(access, refresh, access_seconds, refresh_seconds)


def sign_in(user: User, *, ip: str = "", user_agent: str = "", method: str = "app") -> TokenPair:
    """Every factor was checked: open an app session for the user and give it its first pair."""
    auth_session = signin.sign_in(user, ip=ip, user_agent=user_agent or "app", method=method)
    return _issue(auth_session)


def user_for_access_token(token: object) -> User:
    """The user behind a live access token (with `auth_session` set), or raise Unauthenticated."""
    claims = _decode(token, ACCESS)
    user = sessions.load(claims["sid"])
    if user is None or user.public_id != claims.get("sub"):
        raise Unauthenticated(_l("Session terminée : reconnectez-vous."), {"token": "revoked"})
    return user


def held_by_inactive_account(token: object) -> bool:
    """A genuine, unexpired access token whose account is no longer active (suspended or deleted): the
    faces that say why they refuse tell it apart from a bad or expired token."""
    try:
        claims = _decode(token, ACCESS)
    except Unauthenticated:
        return False
    status = db.session.scalar(select(User.status).where(User.public_id == str(claims.get("sub") or "")[:64]))
    return status is not None and status != UserStatus.ACTIVE


def _revoke_family(auth_session: AuthSession) -> None:
    now = utcnow()
    db.session.execute(
        update(AuthSession).where(AuthSession.id == auth_session.id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    db.session.execute(
        update(RefreshToken).where(RefreshToken.session_id == auth_session.id, RefreshToken.used_at.is_(None))
        .values(used_at=now)
    )
    db.session.commit()


def refresh(token: object) -> TokenPair:
    """A new pair for a refresh token, which is used up. A second use revokes the family."""
    claims = _decode(token, REFRESH)
    stored = locked(select(RefreshToken).where(RefreshToken.jti == str(claims.get("jti") or "")))
    if stored is None or stored.session.public_id != claims["sid"]:
        raise Unauthenticated(_l("Jeton expiré ou invalide."), {"token": "invalid"})
    auth_session = stored.session
    if stored.used_at is not None:
        if auth_session.revoked_at is None:
            log.warning("refresh token reused for session of %s: family revoked", claims.get("sub"))
        _revoke_family(auth_session)
        raise Unauthenticated(_l("Session terminée : reconnectez-vous."), {"token": "reused"})
    now = utcnow()
    if stored.expires_at <= now:
        raise Unauthenticated(_l("Jeton expiré ou invalide."), {"token": "expired"})
    user = sessions.load(auth_session.public_id)
    if user is None or user.auth_session is None:
        raise Unauthenticated(_l("Session terminée : reconnectez-vous."), {"token": "revoked"})
    stored.used_at = now
    return _issue(user.auth_session)


def sign_out(user: User) -> None:
    """End the session the access token belongs to, with every refresh token in it."""
    if user.auth_session is not None:
        _revoke_family(user.auth_session)
