""""Mes notifications": how a person wants to be told, per category of message (the channels as
checkboxes), their quiet hours and the language of their messages. A plain form: POST, redirect, flash.
The rules (WhatsApp opt-in, security's SMS always on, valid hours) are vgk.services.notifications.preferences'."""
from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import refresh

from vgk.errors import Invalid
from vgk.security import signed_in
from vgk.services.notifications import preferences
from vgk.web.account import bp
from vgk.web.account.views import _me

CATEGORIES = (
    ("transactional", _l("Commandes et paiements")), ("security", _l("Sécurité du compte")),
    ("chat", _l("Messages")), ("alerts", _l("Alertes")), ("news", _l("Nouveautés")),
)
CHANNELS = (
    ("push", _l("Notification sur ce téléphone")), ("whatsapp", _l("WhatsApp")), ("sms", _l("SMS")),
    ("email", _l("Email")),
)
ALWAYS_ON = {("security", "sms")}  # shown checked and disabled: a warning about the account must reach them


def _page(choices, error=None, status=200):
    return render_template("account/notification_preferences.html", choices=choices, error=error,
                           categories=CATEGORIES, channels=CHANNELS, always_on=ALWAYS_ON), status


@bp.get("/notifications/preferences")
@signed_in
def notification_preferences():
    return _page(preferences.current(_me()))


@bp.post("/notifications/preferences")
@signed_in
def save_notification_preferences():
    user = _me()
    form = request.form
    chosen = {category: form.getlist(category) for category, _label in CATEGORIES}
    try:
        choices = preferences.save(user, channels=chosen, quiet_start=form.get("quiet_start", ""),
                                   quiet_end=form.get("quiet_end", ""), language=form.get("language", ""))
    except Invalid as error:
        return _page(preferences.current(user), error=str(error.message), status=400)
    session["lang"] = choices.language
    refresh()  # the confirmation already speaks the chosen language
    flash(_("Vos choix de notifications sont enregistrés."), "ok")
    return redirect(url_for("account.notification_preferences"))
