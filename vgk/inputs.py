"""Reading what people send, once, before any view sees it.

- JSON bodies go through a guard: nesting deeper than MAX_JSON_DEPTH, strings with a NUL character or
  a lone surrogate (which no database or encoder accepts), and numbers that are not finite or beyond
  what JSON can carry exactly (±2^53 − 1, RFC 7493) are a 400 `{"success": false, "error": {...}}`
  for the API (an error page elsewhere), whichever route reads the body. Malformed JSON is left to
  the views, as before.
- A NUL character in the query string or in a submitted form is a 400 too (PostgreSQL text cannot
  hold it; nobody types it).
- Dates typed in query parameters are parsed by `parse_day`: YYYY-MM-DD in ASCII digits, between
  FIRST_DAY and LAST_DAY (dates near year 1 or 9999 overflow as soon as a time zone or a day is added).

`init_app` installs the request class and the check; services use `parse_day`.
"""
import json
import math
import re
from datetime import date

from flask import Request, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest

from vgk.errors import Invalid

MAX_JSON_DEPTH = 32
MAX_JSON_INTEGER = 2**53 - 1
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")


# --- JSON ------------------------------------------------------------------------------------------

class HostileJSON(ValueError):
    """A JSON body refused by the guard (a ValueError, so `get_json(silent=True)` gives None)."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code

    @property
    def message(self):
        return {
            "too_deep": _l("Le corps JSON est trop imbriqué."),
            "invalid_character": _l("Le corps JSON contient un caractère invalide."),
            "number_out_of_range": _l("Le corps JSON contient un nombre hors limites."),
        }[self.code]


def _integer(text):
    number = int(text)
    if abs(number) > MAX_JSON_INTEGER:
        raise HostileJSON("number_out_of_range")
    return number


def _finite(text):
    number = float(text)
    if not math.isfinite(number):
        raise HostileJSON("number_out_of_range")
    return number


def _no_constant(_name):  # NaN, Infinity, -Infinity: not JSON
    raise HostileJSON("number_out_of_range")


def _check_text(text):
    if "\x00" in text:
        raise HostileJSON("invalid_character")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate such as "\ud800"
        raise HostileJSON("invalid_character") from None


def check_json(value):
    """Walk a decoded JSON value (without recursion) and refuse what the guard refuses."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            _check_text(item)
        elif isinstance(item, (dict, list)):
            if depth > MAX_JSON_DEPTH:
                raise HostileJSON("too_deep")
            if isinstance(item, dict):
                for key, child in item.items():
                    _check_text(key)
                    pending.append((child, depth + 1))
            else:
                pending.extend((child, depth + 1) for child in item)
    return value


def loads(data, **kwargs):
    """json.loads with the guard: HostileJSON for what it refuses, ValueError for malformed JSON."""
    try:
        value = json.loads(data, parse_int=_integer, parse_float=_finite, parse_constant=_no_constant, **kwargs)
    except RecursionError:
        raise HostileJSON("too_deep") from None
    return check_json(value)


class GuardedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, reading through the guard (request bodies are read with the app's provider)."""

    def loads(self, s, **kwargs):
        return loads(s, **kwargs)


class GuardedRequest(Request):
    """A hostile body is a clear 400 naming the body; malformed JSON stays Flask's 400."""

    def on_json_loading_failed(self, e):
        if isinstance(e, HostileJSON):
            raise Invalid(e.message, {"body": e.code})
        return super().on_json_loading_failed(e)


def _nul_in(values):
    """The first name whose name or value holds a NUL character, else None."""
    for key, value in values.items(multi=True):
        if any(isinstance(text, str) and "\x00" in text for text in (key, value)):
            return str(key)
    return None


def refuse_hostile_input():
    """Before every view: NUL characters in the query or the form, hostile JSON (parsed here, once)."""
    name = _nul_in(request.args)
    if name is not None:
        raise Invalid(_l("Caractère invalide dans l'adresse."), {name.replace("\x00", "")[:40] or "query": "invalid"})
    if request.mimetype in _FORMS:
        name = _nul_in(request.form)
        if name is not None:
            raise Invalid(_l("Caractère invalide dans le formulaire."), {name.replace("\x00", "")[:40]: "invalid"})
    elif request.is_json and request.get_data(cache=True):
        try:
            request.get_json()  # cached for the view; hostile bodies raise Invalid here
        except BadRequest:
            pass  # malformed JSON: each view answers it as it always has


def init_app(app):
    app.json = GuardedJSONProvider(app)
    app.request_class = GuardedRequest
    app.before_request(refuse_hostile_input)


# --- dates -----------------------------------------------------------------------------------------

def parse_day(value, field, *, strict=True):
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
