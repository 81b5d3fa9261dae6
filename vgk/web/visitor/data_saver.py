"""The data-saver page: what the mode does, and the choice to turn it on or off (or to follow the
browser's own setting)."""
from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from vgk.edge import local_target
from vgk.security import public
from vgk.services.accounts import personal
from vgk.web import data_saver
from vgk.web.forms import same_origin_form
from vgk.web.htmx import render
from vgk.web.visitor import bp

VALUES = {"on": True, "off": False, "auto": None}


@bp.get("/economie-donnees")
@public
def data_saver_page():
    return render("visitor/data_saver.html", on=data_saver.on(), choice=data_saver.chosen(),
                  browser_asks=data_saver.browser_asks(), back=local_target(request.args.get("next")))


@bp.post("/economie-donnees")
@public
@same_origin_form
def set_data_saver():
    choice = request.form.get("mode")
    if choice not in VALUES:
        abort(400)
    value = VALUES[choice]
    response = redirect(local_target(request.form.get("next")) or url_for("visitor.data_saver_page"))
    if current_user.is_authenticated:
        personal.set_data_saver(current_user, value)
    elif value is None:
        response.delete_cookie(data_saver.COOKIE)
    else:
        response.set_cookie(data_saver.COOKIE, "1" if value else "0", max_age=data_saver.YEAR, httponly=True,
                            samesite="Lax", secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
    flash(_("Économie de données activée : les photos s’affichent quand vous les touchez.") if value
          else _("Les photos s’affichent normalement.") if value is False
          else _("Économie de données : votre navigateur décide."), "ok")
    return response
