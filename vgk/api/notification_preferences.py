"""How the signed-in person is told about each kind of message: the channels per category, quiet hours and
the language of their messages. The same rules as the account's "Mes notifications" page, kept by
vgk.services.notifications.preferences (WhatsApp opt-in, security's SMS always on, all or nothing)."""
from vgk.api import bp
from vgk.api.base import api_signed_in, body, current_api_user, ok
from vgk.api.openapi import envelope, operation, ref, schemas
from vgk.services.notifications import preferences
from vgk.services.notifications.events import CATEGORIES, CHANNELS

TAG = "notifications"
CHANNEL_LIST = {"type": "array", "items": {"type": "string", "enum": list(CHANNELS)}, "uniqueItems": True}
TIME = {"type": "string", "pattern": "^([01]?[0-9]|2[0-3]):[0-5][0-9]$", "example": "21:00",
        "description": "HH:MM, Cameroon time"}
LANGUAGE = {"type": "string", "enum": list(preferences.LANGUAGES)}

schemas(NotificationPreferences={
    "type": "object", "required": ["channels", "quiet_start", "quiet_end", "language"],
    "properties": {
        "channels": {"type": "object", "required": list(CATEGORIES),
                     "properties": {category: CHANNEL_LIST for category in CATEGORIES},
                     "description": "the channels of each category, in the order they are tried"},
        "quiet_start": TIME, "quiet_end": TIME, "language": LANGUAGE}},
    NotificationPreferencesChange={
    "type": "object", "description": "every member is optional: what is left out stays as it is",
    "properties": {
        "channels": {"type": "object", "properties": {category: CHANNEL_LIST for category in CATEGORIES},
                     "additionalProperties": False},
        "quiet_start": TIME, "quiet_end": TIME, "language": LANGUAGE}})

ANSWER = envelope({"preferences": ref("NotificationPreferences")})


@bp.get("/client/notification_preferences/")
@api_signed_in
@operation("How I am told about each kind of message", tag=TAG, ok=ANSWER,
           description="Categories: transactional (orders and payments), security, chat (messages), alerts, "
           "news. Channels: push, whatsapp, sms, email. WhatsApp is off until chosen; security always "
           "includes sms. Quiet hours (Cameroon time) hold back alerts and news; `language` is the account's.")
def notification_preferences():
    return ok(preferences=preferences.current(current_api_user()).as_dict())


@bp.put("/client/notification_preferences/")
@api_signed_in
@operation("Change how I am told", tag=TAG, ok=ANSWER, body=ref("NotificationPreferencesChange"), errors=(400,),
           description="Categories left out keep their channels; quiet_start and quiet_end go together. "
           "Anything invalid is a 400 naming the field, and nothing is changed.")
def save_notification_preferences():
    data = body()
    choices = preferences.save(current_api_user(), channels=data.get("channels"), quiet_start=data.get("quiet_start"),
                               quiet_end=data.get("quiet_end"), language=data.get("language"))
    return ok(preferences=choices.as_dict())
