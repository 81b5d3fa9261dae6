"""The settings admins change (commission, hold times, banned words) from the app: read them, change
some of them. Same rules and audit as the admin page (vgk.services.backoffice.settings): ADMIN with a
second factor, every value checked, nothing saved when one is wrong."""
from flask_babel import lazy_gettext as _l

from vgk.api import bp
from vgk.api.admin import TAG, admin_with_second_factor
from vgk.api.base import body, current_api_user, ok
from vgk.api.openapi import envelope, operation, ref, schemas
from vgk.edge import client_ip
from vgk.services.backoffice import settings

_words = {"type": "array", "maxItems": settings.MAX_WORDS,
          "items": {"type": "string", "maxLength": settings.MAX_WORD_LENGTH}}


def _number(key, unit):
    rule = settings.NUMBERS[key]
    return {"type": "integer", "minimum": rule.low, "maximum": rule.high, "description": unit}


_PROPERTIES = {
    settings.COMMISSION: _number(settings.COMMISSION, "percent of the items' price taken on each sale"),
    settings.RESERVATION: _number(settings.RESERVATION, "minutes an unpaid Mobile Money order holds its items"),
    settings.CASH_HOLD: _number(settings.CASH_HOLD, "hours a cash order waits for the seller's drop-off"),
    settings.REMINDER: _number(settings.REMINDER, "hours before that deadline the seller is reminded "
                                                  "(less than cash_hold_hours)"),
    settings.BANNED_WORDS: {**_words, "description": "words or phrases that flag a listing for moderation "
                                                     "(stored lower-cased, accent-free, without duplicates)"},
}
schemas(AdminSettings={"type": "object", "required": list(settings.KEYS), "properties": _PROPERTIES})
SETTINGS_ANSWER = envelope({"settings": ref("AdminSettings")})


@bp.get("/admin/settings/")
@admin_with_second_factor
@operation("The settings in force", tag=TAG, ok=SETTINGS_ANSWER,
           description="The values saved by an admin, else the server's defaults.")
def admin_settings():
    return ok(settings=settings.effective())


@bp.post("/admin/settings/")
@admin_with_second_factor
@operation("Change some settings", tag=TAG, ok=SETTINGS_ANSWER,
           body={"type": "object", "properties": _PROPERTIES},
           description="Only the settings given change; a wrong value is a 400 naming its field "
                       "(`fields.commission_percent`…) and nothing is saved. Audited as on the admin page.")
def admin_change_settings():
    values = {key: value for key, value in body().items() if key in settings.KEYS}
    return ok(settings=settings.update(current_api_user(), values, ip=client_ip()),
              message=str(_l("Réglages enregistrés.")))
