"""Google accounts: the way to Google's sign-in page and back (OpenID Connect through the oauth
adapter), the ID tokens the mobile app gets from Google Sign-In, and the account for the verified
identity claims. The adapter's failures come out as domain errors, with the message to show."""
import logging
from typing import Any

from authlib.common.errors import AuthlibBaseError
from flask import current_app
from flask_babel import lazy_gettext as _l
from joserfc.errors import JoseError
from requests import RequestException
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from vgk.errors import Conflict, DomainError, Invalid
from vgk.extensions import db
from vgk.integrations.oauth import GoogleTokenError, finish_google_authorization, google_client, verify_google_id_token
from vgk.models import Role, User
from vgk.models.base import utcnow
from vgk.services.accounts.people import clean_name, normalize_email
from vgk.services.accounts.signin import check_can_sign_in
from vgk.services.accounts.signup import release_abandoned_sign_ups

log = logging.getLogger(__name__)


class GoogleUnavailable(DomainError):
    """Google cannot be reached (its discovery document is unreachable or broken)."""

    status_code = 503
    code = "google_unavailable"


def authorization_redirect(redirect_uri: str) -> Response:
    """The redirection that sends the browser to Google, to come back to `redirect_uri` (state,
    nonce and PKCE kept in the sign-in session by Authlib); GoogleUnavailable when Google is out of reach."""
    try:
        return google_client(current_app).authorize_redirect(redirect_uri)
    except (RequestException, ValueError, AuthlibBaseError) as error:
        log.warning("Google sign-in could not start: %s", error.__class__.__name__)
        raise GoogleUnavailable(
            _l("La connexion avec Google est indisponible pour le moment. Réessayez plus tard.")
        ) from None


def claims_from_callback() -> dict[str, Any]:
    """On Google's answer to the browser: the verified identity claims, once Authlib checked the
    state, the code and the ID token (signature, issuer, audience, expiry, nonce). Invalid otherwise
    (a wrong or replayed state, a refused code, an ID token failing its checks, Google unreachable)."""
    failed = _l("La connexion avec Google a échoué. Réessayez.")
    try:
        token = finish_google_authorization(current_app)
    except (AuthlibBaseError, JoseError, RequestException, ValueError, KeyError) as error:
        log.warning("Google sign-in refused: %s", error.__class__.__name__)
        raise Invalid(failed, {"google": "refused"}) from None
    claims = token.get("userinfo")
    if not claims:
        log.warning("Google sign-in answer without an ID token")
        raise Invalid(failed, {"google": "no_id_token"})
    return dict(claims)


def claims_from_id_token(id_token: str) -> dict[str, Any]:
    """The verified claims of an ID token the mobile app got from Google Sign-In; Invalid naming
    the reason (`id_token`: google_disabled, provider_unavailable, invalid_token) otherwise."""
    try:
        return dict(verify_google_id_token(current_app, id_token))
    except GoogleTokenError as error:
        raise Invalid(_l("Connexion Google refusée."), {"id_token": error.reason}) from None


def _google_name(claims: dict[str, Any], email: str) -> str:
    """The name Google gives, else the address's local part; never refused for being short."""
    for candidate in (claims.get("name"), email.split("@")[0]):
        try:
            return clean_name(candidate)
        except Invalid:
            continue
    return str(_l("Client Google"))


def _link_by_email(subject: str, email: str, claims: dict[str, Any]) -> User | None:
    """The account with this (verified) Google address, now linked to the Google id, or None."""
    if not claims.get("email_verified"):
        raise Invalid(_l("Votre adresse Google n'est pas vérifiée."), {"google": "email_unverified"})
    release_abandoned_sign_ups(None, email)  # a sign-up never verified nor used does not hold the address
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    if user is not None:
        if user.email_verified_at is None:
            # Whoever typed this address at sign-up never proved it theirs: linking now would
            # hand the Google user an account someone else may have prepared (pre-hijacking).
            log.warning("Google sign-in for account %s refused: its email is not verified", user.public_id)
            raise Conflict(_l(
                "Un compte existe déjà avec cette adresse email, mais elle n'est pas encore vérifiée. "
                "Connectez-vous avec votre mot de passe et vérifiez votre adresse email : vous pourrez "
                "ensuite utiliser Google."
            ), {"google": "account_email_unverified"})
        user.google_sub = subject
    return user


def sign_in_with_google(claims: dict[str, Any]) -> User:
    """The account for verified Google identity claims: by Google id, else by verified email, else new."""
    subject = str(claims.get("sub") or "")
    email = normalize_email(claims.get("email"))
    if not subject:
        raise Invalid(_l("Réponse de Google incomplète."), {"google": "no_subject"})
    user = db.session.scalar(select(User).where(User.google_sub == subject))
    if user is None and email:
        user = _link_by_email(subject, email, claims)
    if user is None:
        if not email or not claims.get("email_verified"):
            raise Invalid(_l("Votre adresse Google n'est pas vérifiée."), {"google": "email_unverified"})
        user = User(
            name=_google_name(claims, email),
            email=email,
            email_verified_at=utcnow(),
            google_sub=subject,
            role=Role.CLIENT,
            locale="en" if str(claims.get("locale", "")).startswith("en") else "fr",
        )
        db.session.add(user)
    db.session.commit()
    check_can_sign_in(user)
    return user
