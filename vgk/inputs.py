"""Reading what people send, once, before any view sees it.

- JSON bodies go through a guard: nesting deeper than MAX_JSON_DEPTH, strings with a NUL character or
  a lone surrogate (which no database or encoder accepts), and numbers that are not finite or beyond
  what JSON can carry exactly (±2^53 − 1, RFC 7493) are a 400 `{"success": false, "error": {...}}`
  naming the top-level member that holds them (an error page outside the API), whichever route reads
  the body. Malformed JSON is left to the views, as before.
- A NUL character in a submitted form is a 400 naming the field; in the query string it is dropped
  (PostgreSQL text cannot hold it, nobody types it, and bad query values are ignored anyway).
- Dates typed in query parameters are parsed by `parse_day`: YYYY-MM-DD in ASCII digits, between
  FIRST_DAY and LAST_DAY (dates near year 1 or 9999 overflow as soon as a time zone or a day is added).

`init_app` installs the request class and the check; services use `parse_day`.
"""
import json
import math
import re
from datetime import date
from typing import Any

from flask import Flask, Request, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest
from werkzeug.utils import cached_property

from vgk.errors import Invalid

MAX_JSON_DEPTH = 32
MAX_JSON_INTEGER = 2**53 - 1
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")


# --- JSON ------------------------------------------------------------------------------------------

class HostileJSON(ValueError):
    """A JSON body refused by the guard (a ValueError, so `get_json(silent=True)` gives None). `field` is
    the top-level member holding the bad value, when there is one."""

    MESSAGES = {
        "too_deep": _l("Le corps JSON est trop imbriqué."),
        "invalid_character": _l("Le corps JSON contient un caractère invalide."),
        "number_out_of_range": _l("Le corps JSON contient un nombre hors limites."),
    }
    FIELD_CODES = {"invalid_character": "invalid", "number_out_of_range": "out_of_range"}

    def __init__(self, code: str, field: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.field = field

    @property
    def message(self) -> LazyString:
        return self.MESSAGES[self.code]

    @property
    def fields(self) -> dict[str, str]:
        if self.field is None:
            return {"body": self.code}
        return {self.field: self.FIELD_CODES[self.code]}


def _bad_text(text: str) -> bool:
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate such as "\ud800"
        return True
    return False


def _bad_number(number: int | float) -> bool:
    if isinstance(number, bool):
        return False
    if isinstance(number, int):
        return abs(number) > MAX_JSON_INTEGER
    return isinstance(number, float) and not math.isfinite(number)


def check_json(value: Any) -> Any:
    """Walk a decoded JSON value (without recursion) and refuse what the guard refuses."""
    pending = [(value, 1, None)]
    while pending:
        item, depth, field = pending.pop()
        if isinstance(item, str):
            if _bad_text(item):
                raise HostileJSON("invalid_character", field)
        elif isinstance(item, (int, float)):
            if _bad_number(item):
                raise HostileJSON("number_out_of_range", field)
        elif isinstance(item, (dict, list)):
            if depth > MAX_JSON_DEPTH:
                raise HostileJSON("too_deep")
            if isinstance(item, dict):
                for key, child in item.items():
                    if _bad_text(key):
                        raise HostileJSON("invalid_character", field)
                    pending.append((child, depth + 1, key if depth == 1 else field))
            else:
                pending.extend((child, depth + 1, field) for child in item)
    return value


def loads(data: str | bytes, **kwargs: Any) -> Any:
    """json.loads with the guard: HostileJSON for what it refuses, ValueError for malformed JSON
    (NaN and Infinity, which are not JSON, are refused as numbers out of range)."""
    try:
        value = json.loads(data, parse_constant=float, **kwargs)
    except RecursionError:
        raise HostileJSON("too_deep") from None
    return check_json(value)


class GuardedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, reading through the guard (request bodies are read with the app's provider)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return loads(s, **kwargs)


class GuardedRequest(Request):
    """A hostile body is a clear 400 naming the member (or the body); malformed JSON stays Flask's 400.
    NUL characters are dropped from the query string (a value with one is read without it)."""

    @cached_property
    def args(self) -> MultiDict[str, str]:
        raw = super().args
        if not any("\x00" in key or "\x00" in value for key, value in raw.items(multi=True)):
            return raw
        return self.parameter_storage_class(
            (key.replace("\x00", ""), value.replace("\x00", "")) for key, value in raw.items(multi=True))

    def on_json_loading_failed(self, e: ValueError | None) -> Any:
        if isinstance(e, HostileJSON):
            raise Invalid(e.message, e.fields)
        return super().on_json_loading_failed(e)


def _nul_in(values: MultiDict[str, Any]) -> str | None:
    """The first name whose name or value holds a NUL character, else None."""
    for key, value in values.items(multi=True):
        if any(isinstance(text, str) and "\x00" in text for text in (key, value)):
            return str(key)
    return None


def refuse_hostile_input() -> None:
    """Before every view: NUL characters in a form, hostile JSON (parsed here, once)."""
    if request.mimetype in _FORMS:
        name = _nul_in(request.form)
        if name is not None:
            raise Invalid(_l("Caractère invalide dans le formulaire."), {name.replace("\x00", "")[:40]: "invalid"})
    elif request.is_json and request.get_data(cache=True):
        try:
            request.get_json()  # cached for the view; hostile bodies raise Invalid here
        except BadRequest:
            pass  # malformed JSON: each view answers it as it always has


def init_app(app: Flask) -> None:
    app.json = GuardedJSONProvider(app)
    app.request_class = GuardedRequest
    app.before_request(refuse_hostile_input)


# --- dates -----------------------------------------------------------------------------------------

def parse_day(value: object, field: str, *, strict: bool = True) -> date | None:
    """A YYYY-MM-DD day between FIRST_DAY and LAST_DAY; None when empty. Anything else raises Invalid
    naming `field` (strict) or is ignored as None (not strict)."""
    text = str(value or "").strip()
    if not text:
        return None
    try:
        if not _ISO_DAY.fullmatch(text):
            raise ValueError(text)
        day = date.fromisoformat(text)
    except ValueError:
        if not strict:
            return None
        raise Invalid(_l("Date invalide : utilisez le format AAAA-MM-JJ."), {field: "invalid"}) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        if not strict:
            return None
        raise Invalid(_l("Date hors limites : choisissez un jour entre le %(first)s et le %(last)s.",
                         first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat()), {field: "out_of_range"})
    return day
