"""The words of each message, in files: templates/notifications/<event>/<channel>.txt (sms, whatsapp, push,
email; email may add email.html). They are Jinja templates whose text comes from the Babel catalogue
(`_("French msgid", name=value)`), so one file serves French and English.

Convention: the FIRST LINE of push.txt and email.txt is the title / subject; the lines after it are the
body. SMS and WhatsApp files are all body. Blank lines at either end are dropped, and runs of blank lines
become one. The context holds display-ready values (amounts already "25 000 FCFA", times already in
Cameroon time) plus `url`, the absolute link of the message (may be "")."""
from __future__ import annotations

import re
from collections.abc import Mapping

from flask import current_app
from flask_babel import force_locale
from jinja2 import TemplateNotFound

from vgk.services.notifications.events import EMAIL, PUSH, event
from vgk.text import format_xaf

_BLANKS = re.compile(r"\n\s*\n+")


def path(event_name: str, channel: str, suffix: str = "txt") -> str:
    return f"notifications/{event_name}/{channel}.{suffix}"


def _render(name: str, context: Mapping[str, object]) -> str:
    return current_app.jinja_env.get_template(name).render(**context)


def render(event_name: str, channel: str, language: str, context: Mapping[str, object]) -> tuple[str, str, str]:
    """(subject, text, html) of the event's message on the channel, in `language` ("" where none)."""
    event(event_name)  # an unknown event is a ValueError, not a missing file
    with force_locale(language):
        text = _render(path(event_name, channel), context)
        html = ""
        if channel == EMAIL:
            try:
                html = _render(path(event_name, channel, "html"), context).strip()
            except TemplateNotFound:
                html = ""
    text = _BLANKS.sub("\n\n", text.strip())
    subject = ""
    if channel in (PUSH, EMAIL):
        subject, _, text = text.partition("\n")
        subject, text = subject.strip(), text.strip()
    return subject, text, html


_SAMPLES: dict[str, object] = {
    "order": "VGK-2412-0042", "point": "Akwa (Douala)", "title": "Réfrigérateur Samsung 180 L",
    "deadline": "14/12/2026 18:00", "name": "Aïcha", "device": "Chrome, Android",
    "count": 4, "search": "téléphone Tecno", "summary": "12 nouveaux articles près de chez vous",
    "url": "https://vgk.cm/", "code": "482913", "minutes": 10, "reason": "Photo floue",
    "reset_link": "https://vgk.cm/connexion/nouveau-mot-de-passe/…",
    "verify_link": "https://vgk.cm/compte/email/confirmer/…",
}
_SAMPLES["amount"] = format_xaf(25000)


def sample_context(event_name: str) -> dict[str, object]:
    """Believable values for every parameter the event's messages use (admin previews)."""
    event(event_name)
    return dict(_SAMPLES)
