"""Who a page's behaviour events belong to: the signed-in client, or a visitor known by a random id kept
in the `vgk_v` cookie. Pages never set it (a public page carries no cookie): static/js/app.js asks for one
with a small POST to /visiteur after a page has loaded, when the browser sends no Global Privacy Control or
Do Not Track signal, and the answer sets it only for a visitor who has no id and did not turn their history
off. The cookie holding "off" means the visitor asked for no history; GPC and DNT are honoured the same way.
Also the visitor's chosen city (`vgk_ville`)."""
from flask import Flask, g, request
from flask_login import current_user

from vgk.edge import client_ip
from vgk.security import public
from vgk.services.discovery import events
from vgk.web.forms import same_origin_form

COOKIE = "vgk_v"
CITY_COOKIE = "vgk_ville"
OFF = "off"
YEAR = 365 * 24 * 3600


def declined() -> bool:
    return request.headers.get("Sec-GPC") == "1" or request.headers.get("DNT") == "1"


def _user():
    return current_user if current_user.is_authenticated else None


def known_person() -> events.Person:
    """The person, without giving a new visitor an id (pages that only read)."""
    cookie = request.cookies.get(COOKIE)
    return events.person_of(_user(), None if cookie == OFF else cookie, declined())


def acting_person() -> events.Person:
    """The person doing something worth remembering (a product page, a search, an addition to the cart).
    A new visitor is nobody yet: their id comes from app.js's request and counts from the next request on,
    so a robot that runs no script or never sends the cookie back is never a "person" of the trends."""
    return known_person()


def may_get_an_id() -> bool:
    """A visitor who has no id yet, did not turn their history off, is not signed in and sends no GPC/DNT."""
    return (_user() is None and not declined() and not has_visitor_id()
            and request.cookies.get(COOKIE) != OFF)


@same_origin_form
@public
def give_id():
    """POST /visiteur (app.js, once a page has loaded): a new visitor's id, in the cookie; always 204."""
    if may_get_an_id():
        g.new_visitor = events.new_visitor_id()
    return "", 204, {"Cache-Control": "no-store"}


def cookie_person() -> events.Person:
    """The visitor whose id this browser holds, whatever the browser's signals (to erase their history)."""
    return events.Person(visitor=request.cookies.get(COOKIE)) if has_visitor_id() else events.NOBODY


def has_visitor_id() -> bool:
    return bool(events.VISITOR_ID.match(request.cookies.get(COOKIE) or ""))


def history_off() -> bool:
    """Has this visitor turned their history off?"""
    return request.cookies.get(COOKIE) == OFF


def hand_over_to(user):
    """A visitor signed in: their history becomes the account's, and the browser's visitor id is dropped
    (the next visitor on a shared phone starts afresh)."""
    cookie = request.cookies.get(COOKIE)
    if cookie == OFF and user.uses_history:  # what they chose on this phone holds for the account
        events.set_uses_history(user, False)
    elif cookie and cookie != OFF:
        if not events.adopt(user, cookie) and not user.uses_history:
            events.forget(events.Person(visitor=cookie) if has_visitor_id() else events.NOBODY)
        g.drop_visitor = True


def set_cookie(response, value, secure):
    response.set_cookie(COOKIE, value, max_age=YEAR, httponly=True, samesite="Lax", secure=secure)


def register(app: Flask) -> None:
    """App-wide (the API's requests too): every request tells the behaviour events where it comes from and
    whether it asks not to be tracked; a new visitor's id is set on the way out."""
    secure = bool(app.config.get("SESSION_COOKIE_SECURE"))
    app.add_url_rule("/visiteur", "visitors.give_id", give_id, methods=["POST"])

    @app.before_request
    def behaviour_source():
        g.behaviour_source = events.begin_request(client_ip(), declined())

    @app.teardown_request
    def behaviour_source_done(_error=None):
        token = g.pop("behaviour_source", None)
        if token is not None:
            events.end_request(token)

    @app.after_request
    def give_visitor_id(response):
        new = g.pop("new_visitor", None)
        if new:
            set_cookie(response, new, secure)
        if g.pop("drop_visitor", False):
            response.delete_cookie(COOKIE)
        return response
