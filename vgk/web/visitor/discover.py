"""A person's suggestions ("Pour vous"): the page, and the block the home page loads with htmx (private:
never stored by a cache or the service worker), and the choice to let them use one's history or not."""
from flask import abort, current_app, flash, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from vgk.security import public
from vgk.services.catalogue import catalog
from vgk.services.discovery import events, suggestions
from vgk.web import visitors
from vgk.web.forms import same_origin_form
from vgk.web.htmx import render
from vgk.web.visitor import bp


@bp.get("/pour-vous")
@public
def for_you():
    person = visitors.known_person()
    user = current_user if current_user.is_authenticated else None
    chosen = catalog.city_by_slug(request.cookies.get(visitors.CITY_COOKIE))
    city = suggestions.city_for(person, chosen, user)
    # The home page showed the trend of `vue`; the visitor's own city (where they browse) replaces it.
    shown = catalog.city_by_slug(request.args.get("vue"))
    local = city if shown is not None and city is not None and city.id != shown.id else None
    # Without a history to use, the page still proposes something: the city's trend.
    picks = suggestions.for_person(person, city, 12, user) if person.tracked else suggestions.trending(city, 12)
    response = make_response(render("visitor/for_you.html", "visitor/_for_you.html", picks=picks, city=city,
                                    tracked=person.tracked, history_off=_history_off(),
                                    declined=visitors.declined(), erasable=visitors.has_visitor_id(),
                                    local=local, local_trending=suggestions.trending(local, 8) if local else (),
                                    cities=catalog.cities() if local else (),
                                    retention_days=current_app.config["DISCOVERY_RETENTION_DAYS"]))
    response.headers["Cache-Control"] = "no-store"
    return response


def _history_off():
    if current_user.is_authenticated:
        return not current_user.uses_history
    return visitors.history_off() or visitors.declined()


@bp.post("/pour-vous/historique")
@public
@same_origin_form
def set_history():
    """Turn the use of one's history on or off (off also erases it, whatever the browser's signals)."""
    if request.form.get("use") not in ("0", "1"):
        abort(400)
    use = request.form.get("use") == "1"
    response = redirect(url_for("visitor.for_you"))
    secure = bool(current_app.config.get("SESSION_COOKIE_SECURE"))
    if current_user.is_authenticated:
        events.set_uses_history(current_user, use)
    else:
        if not use:
            events.forget(visitors.cookie_person())
            visitors.set_cookie(response, visitors.OFF, secure)
        elif visitors.history_off():
            response.delete_cookie(visitors.COOKIE)
    flash(_("Vos suggestions utilisent désormais ce que vous regardez.") if use
          else _("Votre historique est effacé et ne sera plus utilisé."), "ok")
    return response
