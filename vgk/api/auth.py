"""Signing in from the app: password (then a second factor when the account has one), Google,
sign-up with phone verification, token refresh and sign-out. Limits per IP as on the web."""
from flask_babel import lazy_gettext as _l

from vgk.api import bp
from vgk.api.base import api_signed_in, body, current_api_user, ok, public_api, text
from vgk.api.openapi import envelope, nullable, operation, ref, schemas
from vgk.api.schemas import user_json
from vgk.edge import auth_limit, client_ip, code_limit, user_agent
from vgk.errors import Invalid
from vgk.extensions import limiter
from vgk.services.accounts import api_tokens, google, signin, signup

schemas(
    User={
        "type": "object",
        "required": ["id", "name", "role", "phone_verified", "locale"],
        "properties": {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "email": nullable({"type": "string"}),
            "phone": nullable({"type": "string"}),
            "phone_verified": {"type": "boolean"},
            "role": {"enum": ["CLIENT", "STAFF", "ADMIN"]},
            "locale": {"enum": ["fr", "en"]},
            "city": nullable(ref("City")),
            "two_factor": nullable({"enum": ["SMS", "EMAIL", "TOTP"]}),
            "pickup_point": nullable(ref("PickupPoint")),
            "created_at": {"type": "string"},
        },
    },
    City={
        "type": "object",
        "required": ["slug", "name"],
        "properties": {
            "slug": {"type": "string"}, "name": {"type": "string"}, "region": {"type": "string"},
            "delivery_fee": nullable({"type": "integer"}),
        },
    },
    PickupPoint={
        "type": "object",
        "required": ["id", "name", "address", "city"],
        "properties": {
            "id": {"type": "string"}, "name": {"type": "string"}, "address": {"type": "string"},
            "opening_hours": {"type": "string"}, "phone": {"type": "string"}, "city": nullable(ref("City")),
        },
    },
    Tokens={
        "type": "object",
        "required": ["access_token", "refresh_token", "expires_in"],
        "properties": {
            "access_token": {"type": "string"},
            "refresh_token": {"type": "string"},
            "token_type": {"const": "Bearer"},
            "expires_in": {"type": "integer", "description": "seconds"},
            "refresh_expires_in": {"type": "integer", "description": "seconds"},
        },
    },
    SignedIn=envelope({"user": ref("User"), "tokens": ref("Tokens")}),
    LoginAnswer={
        "oneOf": [
            ref("SignedIn"),
            envelope({"requires_2fa": {"const": True}, "method": {"enum": ["SMS", "EMAIL", "TOTP"]},
                      "challenge": {"type": "string", "minLength": 32, "maxLength": 128,
                                    "description": "Secret of this sign-in: send it back to `auth/verify_2fa/` "
                                                   "with the code. Keep it in memory only; it expires with the "
                                                   "sign-in (10 minutes) or after 5 wrong codes."},
                      "message": {"type": "string"}}),
        ]
    },
)

IDENTIFIER = {
    "email": {"type": "string", "maxLength": 255},
    "phone": {"type": "string", "maxLength": 40, "examples": ["+237 6 90 12 34 56"]},
}


def _identifier(data):
    identifier = text(data, "email", max_length=255) or text(data, "phone", max_length=40) \
        or text(data, "identifier", max_length=255)
    if not identifier:
        raise Invalid(_l("Indiquez votre email ou votre numéro de téléphone."), {"email": "required"})
    return identifier


SECOND_FACTOR_MESSAGES = {
    "SMS": _l("Entrez le code reçu par SMS."),
    "EMAIL": _l("Entrez le code reçu par email."),
    "TOTP": _l("Entrez le code de votre application d'authentification."),
}


def _after_first_factor(user, method, first_factor="password"):
    """Tokens, or `requires_2fa` when the accounts service says a second factor is owed (the same
    rule for the password and for Google)."""
    owed = signin.owe_second_factor(user, ip=client_ip(), first_factor=first_factor)
    if owed is not None:
        if owed.send_error is not None:
            raise owed.send_error
        return ok(requires_2fa=True, method=owed.method, challenge=owed.challenge,
                  message=str(SECOND_FACTOR_MESSAGES[owed.method]))
    return _signed_in(user, method=method)


def _signed_in(user, status=200, method="app", **extra):
    tokens = api_tokens.sign_in(user, ip=client_ip(), user_agent=user_agent(), method=method)
    return ok(status, user=user_json(user), tokens=tokens.as_dict(), **extra)


@bp.post("/auth/login/")
@limiter.limit(auth_limit)
@public_api
@operation(
    "Sign in with a password", tag="auth", errors=(403, 429), ok=ref("LoginAnswer"),
    description="Answers the tokens, or `requires_2fa` when a second factor is owed (the account has one, "
                "it is staff or admin, or many wrong passwords were tried on it lately) with a `challenge`: "
                "then call `auth/verify_2fa/` with that challenge and the code (sent by SMS or email, or "
                "from the authenticator app). "
                "Wrong passwords never lock the account; a source that sent too many for one account "
                "gets 429 for it for a while.",
    body={"type": "object", "required": ["password"],
          "properties": {**IDENTIFIER, "password": {"type": "string", "maxLength": 200}}},
)
def login():
    data = body()
    identifier = _identifier(data)
    password = text(data, "password", required=True, max_length=200)
    user = signin.authenticate(identifier, password, ip=client_ip())
    return _after_first_factor(user, "app")


@bp.post("/auth/verify_2fa/")
@limiter.limit(auth_limit)
@public_api
@operation(
    "Finish a sign-in with the second factor", tag="auth", errors=(403, 429), ok=ref("SignedIn"),
    description="`challenge` is the one `auth/login/` or `auth/google_oauth/` answered with `requires_2fa`: "
                "only the app that gave the password (or the Google token) can finish that sign-in. Each "
                "challenge takes 5 codes at most; after 5 wrong ones (400 `no_pending_sign_in` from then on) "
                "sign in again with the password. Wrong codes never lock the account. `email`/`phone` are "
                "no longer needed (ignored).",
    body={"type": "object", "required": ["challenge", "code"],
          "properties": {**IDENTIFIER, "challenge": {"type": "string", "maxLength": 128},
                         "code": {"type": "string", "maxLength": 32}}},
)
def verify_2fa():
    data = body()
    challenge = text(data, "challenge", required=True, max_length=128)
    code = text(data, "code", required=True, max_length=32)
    user = signin.verify_owed_second_factor(challenge, code)
    return _signed_in(user, method="app-2fa")


@bp.post("/auth/google_oauth/")
@limiter.limit(auth_limit)
@public_api
@operation(
    "Sign in with a Google ID token", tag="auth", errors=(403, 409, 429), ok=ref("LoginAnswer"),
    description="`id_token` is the ID token the app got from Google Sign-In, issued to one of the "
                "configured client ids. New Google users get a client account. Like the password sign-in, "
                "it answers `requires_2fa` and a `challenge` when the account owes a second factor (then "
                "`auth/verify_2fa/` with that challenge and the code). An existing account with the same "
                "email is linked only if its email was verified (409 otherwise: sign in with the password and "
                "verify it first).",
    body={"type": "object", "required": ["id_token"],
          "properties": {"id_token": {"type": "string", "maxLength": 4096}}},
)
def google_oauth():
    data = body()
    id_token = text(data, "id_token", required=True, max_length=4096)
    claims = google.claims_from_id_token(id_token)
    user = google.sign_in_with_google(claims)
    return _after_first_factor(user, "app-google", first_factor="google")


@bp.post("/auth/register/")
@limiter.limit(auth_limit)
@limiter.limit(code_limit)
@public_api
@operation(
    "Create a client account", tag="auth", status=201, errors=(429,),
    description="A code is sent by SMS to the phone; confirm it with `auth/verify_phone/` to get the tokens.",
    body={"type": "object", "required": ["name", "phone", "password"], "properties": {
        "name": {"type": "string", "maxLength": 120},
        "phone": {"type": "string", "maxLength": 40},
        "password": {"type": "string", "maxLength": 200},
        "email": {"type": "string", "maxLength": 255},
        "city": {"type": "string", "maxLength": 80, "description": "city slug"},
        "locale": {"enum": ["fr", "en"]},
    }},
    ok=envelope({"user": ref("User"), "requires_phone_verification": {"const": True}, "message": {"type": "string"}}),
)
def register():
    data = body()
    user = signup.register(
        name=text(data, "name", max_length=200) or "",
        phone=text(data, "phone", max_length=40) or "",
        password=text(data, "password", max_length=200) or "",
        email=text(data, "email", max_length=255),
        city=text(data, "city", max_length=80),
        locale=text(data, "locale", max_length=5) or "fr",
        ip=client_ip(),
    )
    return ok(201, user=user_json(user), requires_phone_verification=True,
              message=str(_l("Un code vous a été envoyé par SMS.")))


@bp.post("/auth/verify_phone/")
@limiter.limit(auth_limit)
@public_api
@operation(
    "Confirm a sign-up's phone with the SMS code", tag="auth", errors=(403, 429), ok=ref("SignedIn"),
    body={"type": "object", "required": ["phone", "code"], "properties": {
        "phone": {"type": "string", "maxLength": 40}, "code": {"type": "string", "maxLength": 12}}},
)
def verify_phone():
    data = body()
    user = signup.verify_phone_number(
        text(data, "phone", required=True, max_length=40), text(data, "code", required=True, max_length=12)
    )
    return _signed_in(user, method="app")


@bp.post("/auth/resend_code/")
@limiter.limit(code_limit)
@public_api
@operation(
    "Send a sign-up's phone verification code again", tag="auth", errors=(429,),
    body={"type": "object", "required": ["phone"], "properties": {"phone": {"type": "string", "maxLength": 40}}},
    ok=envelope({"message": {"type": "string"}}),
)
def resend_code():
    signup.resend_phone_code(text(body(), "phone", required=True, max_length=40), ip=client_ip())
    return ok(message=str(_l("Si ce numéro attend sa vérification, un nouveau code lui a été envoyé.")))


@bp.post("/auth/refresh/")
@limiter.limit(auth_limit)
@public_api
@operation(
    "Trade a refresh token for a new pair", tag="auth", errors=(429,),
    description="Each refresh token works once. Presenting a used one again signs that session out "
                "everywhere (every token issued from the same sign-in stops working).",
    body={"type": "object", "required": ["refresh_token"],
          "properties": {"refresh_token": {"type": "string", "maxLength": 2048}}},
    ok=envelope({"tokens": ref("Tokens")}),
)
def refresh():
    token = text(body(), "refresh_token", required=True, max_length=2048)
    return ok(tokens=api_tokens.refresh(token).as_dict())


@bp.post("/auth/logout/")
@api_signed_in
@operation("Sign this app out (its tokens stop working)", tag="auth")
def logout():
    api_tokens.sign_out(current_api_user())
    return ok()


@bp.post("/auth/reauthenticate/")
@limiter.limit(auth_limit)
@api_signed_in
@operation(
    "Confirm who I am again (password or code) before a sensitive change", tag="auth", errors=(429,),
    description="Sensitive changes answer 403 `reauth_required` when this sign-in did not give the password "
                "or a second factor lately: send `password`, or `code` (authenticator app, recovery code, or "
                "the code sent by `auth/reauthenticate/code/` for an account without a password).",
    body={"type": "object", "properties": {"password": {"type": "string", "maxLength": 200},
                                           "code": {"type": "string", "maxLength": 32}}},
    ok=envelope({"message": {"type": "string"}}),
)
def reauthenticate():
    data = body()
    user = current_api_user()
    password = text(data, "password", max_length=200)
    if password:
        signin.confirm_password(user, password, ip=client_ip())
    else:
        signin.confirm_code(user, text(data, "code", required=True, max_length=32))
    return ok(message=str(_l("Identité confirmée.")))


@bp.post("/auth/reauthenticate/code/")
@limiter.limit(code_limit)
@api_signed_in
@operation(
    "Send a code to confirm who I am (accounts without a password)", tag="auth", errors=(429,),
    ok=envelope({"method": nullable({"enum": ["SMS", "EMAIL"]}), "message": {"type": "string"}}),
)
def reauthenticate_code():
    method = signin.send_reauth_code(current_api_user(), ip=client_ip())
    if method is None:
        return ok(method=None, message=str(_l("Utilisez votre mot de passe ou votre application d'authentification.")))
    return ok(method=method, message=str(SECOND_FACTOR_MESSAGES[method]))


@bp.post("/auth/resend_email/")
@limiter.limit(code_limit)
@api_signed_in
@operation(
    "Send the email address verification link again", tag="auth", errors=(429,),
    ok=envelope({"message": {"type": "string"}}),
)
def resend_email():
    sent = signup.send_email_verification(current_api_user(), ip=client_ip())
    message = _l("Un lien de vérification a été envoyé à votre adresse email.") if sent else \
        _l("Aucune adresse email à vérifier.")
    return ok(message=str(message))
