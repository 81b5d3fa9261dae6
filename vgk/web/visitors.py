"""Who a page's behaviour events belong to: the signed-in client, or a visitor known by a random id kept
in the `vgk_v` cookie (set the first time they do something worth remembering: a product page, a
search). The cookie holding "off" means the visitor asked for no history; Global Privacy Control and
Do Not Track are honoured the same way. Also the visitor's chosen city (`vgk_ville`)."""
from flask import g, request
from flask_login import current_user

from vgk.edge import client_ip
from vgk.services.discovery import events

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
    """The person doing something worth remembering. A new visitor gets an id (sent with the response),
    which counts from their next request on, once their browser has shown it keeps cookies: a robot
    that never sends it back is never a "person" of the trends."""
    person = known_person()
    if person.tracked or _user() is not None or declined() or request.cookies.get(COOKIE) == OFF:
        return person
    g.new_visitor = events.new_visitor_id()
    return events.NOBODY


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


def register(app):
    """App-wide (the API's requests too): every request tells the behaviour events where it comes from and
    whether it asks not to be tracked; a new visitor's id is set on the way out."""
    secure = bool(app.config.get("SESSION_COOKIE_SECURE"))

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
