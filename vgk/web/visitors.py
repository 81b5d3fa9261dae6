"""Who a page's behaviour events belong to: the signed-in client, or a visitor known by a random id kept
in the `vgk_v` cookie (set the first time they do something worth remembering: a product page, a
search). The cookie holding "off" means the visitor asked for no history; Global Privacy Control and
Do Not Track are honoured the same way. Also the visitor's chosen city (`vgk_ville`)."""
from flask import g, request
from flask_login import current_user

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
    """The person doing something worth remembering; a new visitor gets an id (sent with the response)."""
    person = known_person()
    if person.tracked or _user() is not None or declined() or request.cookies.get(COOKIE) == OFF:
        return person
    g.new_visitor = events.new_visitor_id()
    return events.Person(visitor=g.new_visitor)


def history_off() -> bool:
    """Has this visitor turned their history off?"""
    return request.cookies.get(COOKIE) == OFF


def hand_over_to(user):
    """A visitor signed in: their history becomes the account's, and the browser's visitor id is dropped
    (the next visitor on a shared phone starts afresh)."""
    cookie = request.cookies.get(COOKIE)
    if cookie and cookie != OFF:
        events.adopt(user, cookie)
        g.drop_visitor = True


def set_cookie(response, value, secure):
    response.set_cookie(COOKIE, value, max_age=YEAR, httponly=True, samesite="Lax", secure=secure)


def register(app):
    secure = bool(app.config.get("SESSION_COOKIE_SECURE"))

    @app.after_request
    def give_visitor_id(response):
        new = g.pop("new_visitor", None)
        if new:
            set_cookie(response, new, secure)
        if g.pop("drop_visitor", False):
            response.delete_cookie(COOKIE)
        return response
