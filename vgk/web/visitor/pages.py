"""The trust pages: how it works, buyer protection, terms of use and contact. Same text for every visitor,
so a browser or a proxy may keep them, asking again each time (a 304 while unchanged, vgk.web.anonymous):
kept for a while, a visitor who signs in would meet the page with its signed-out header. Signed-in pages
stay no-store (vgk.web)."""
from flask import current_app, make_response, render_template

from vgk.security import public
from vgk.services.backoffice import settings
from vgk.web.visitor import bp


def _cacheable(template, **context):
    response = make_response(render_template(template, **context))
    response.cache_control.public = True
    response.cache_control.no_cache = True
    response.vary.add("Accept-Language")  # the language may come from the browser (vgk.select_locale)
    return response


@bp.get("/comment-ca-marche")
@public
def how_it_works():
    return _cacheable("visitor/how_it_works.html")


@bp.get("/protection-acheteur")
@public
def buyer_protection():
    return _cacheable("visitor/buyer_protection.html", hold_hours=settings.cash_hold_hours())


@bp.get("/conditions")
@public
def terms():
    return _cacheable("visitor/terms.html", commission=settings.commission_percent())


@bp.get("/contact")
@public
def contact():
    config = current_app.config
    phone = (config.get("SUPPORT_PHONE") or "").strip()
    return _cacheable("visitor/contact.html", phone=phone, phone_link=phone.replace(" ", ""),
                      email=(config.get("SUPPORT_EMAIL") or "").strip())
