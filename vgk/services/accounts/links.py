"""Signed links sent by email (password reset, email verification): their token is signed with
SECRET_KEY under a salt of its own use, and dated, so it expires."""
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from vgk.errors import Invalid


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def sign(salt: str, data: dict[str, Any]) -> str:
    """The token of a link carrying `data`, for the use named by `salt`."""
    return _serializer(salt).dumps(data)


def read(salt: str, token: str, max_age: int) -> Any:
    """What a link's token carries, if it was signed for this use less than `max_age` seconds ago;
    Invalid otherwise (`token`: expired or invalid)."""
    try:
        return _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired:
        raise Invalid(_l("Ce lien a expiré. Demandez-en un nouveau."), {"token": "expired"}) from None
    except BadSignature:
        raise Invalid(_l("Ce lien n'est pas valide."), {"token": "invalid"}) from None
