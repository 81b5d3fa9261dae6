"""The words of each message, in files: templates/notifications/<event>/<channel>.txt (sms, whatsapp, push,
email; email may add email.html). They are Jinja templates whose text comes from the Babel catalogue
(`_("French msgid", name=value)`), so one file serves French and English.

Convention: the FIRST LINE of push.txt and email.txt is the title / subject; the lines after it are the
body. SMS and WhatsApp files are all body. Blank lines at either end are dropped, and runs of blank lines
become one. The context holds display-ready values (amounts already "25 000 FCFA", times already in
Cameroon time) plus `url`, the absolute link of the message (may be "").

Every email has an HTML part: the event's email.html when it has one, else the text laid out by
templates/notifications/_email.html (`html_layout`): subject as heading, the text's blocks as paragraphs with
their links, a button for the message's link and the unsubscribe link in small print; all escaped.

An A/B variant's words are <channel>.<variant>.txt beside them (the plain file when the variant has none).
Digests (several messages in one, vgk.services.notifications.digests) are written by
templates/notifications/digest/<channel>.txt."""
from __future__ import annotations

import re
from collections.abc import Mapping

from flask import current_app
from flask_babel import force_locale
from jinja2 import TemplateNotFound

from vgk.services.notifications.events import EMAIL, PUSH, event
from vgk.text import format_xaf

_BLANKS = re.compile(r"\n\s*\n+")
_URL = re.compile(r"https?://[^\s<>\"']+")
_URL_END = ".,;:!?)»”’"  # punctuation after a link in a sentence is not part of it
DIGEST = "digest"  # not an event: the message carrying several others
LAYOUT = "notifications/_email.html"


def path(event_name: str, channel: str, suffix: str = "txt") -> str:
    return f"notifications/{event_name}/{channel}.{suffix}"


def _render(name: str, context: Mapping[str, object]) -> str:
    return current_app.jinja_env.get_template(name).render(**context)


def render(event_name: str, channel: str, language: str, context: Mapping[str, object],
           variant: str | None = None) -> tuple[str, str, str]:
    """(subject, text, html) of the event's message on the channel, in `language` ("" where none), in the
    words of `variant` when it has its own file."""
    if event_name != DIGEST:
        event(event_name)  # an unknown event is a ValueError, not a missing file
    names = [path(event_name, channel, f"{variant}.txt")] if variant else []
    with force_locale(language):
        text = current_app.jinja_env.select_template([*names, path(event_name, channel)]).render(**context)
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
    if channel == EMAIL and not html:
        html = html_layout(subject, text, language, context)
    return subject, text, html


def _web_link(value: object) -> str:
    """An absolute http(s) address, else "" (a bare path means nothing in a mailbox)."""
    return value if isinstance(value, str) and _URL.fullmatch(value) else ""


def _pieces(line: str) -> list[tuple[str, str]]:
    """A line as ("text", words) and ("link", address) pieces, in order."""
    pieces: list[tuple[str, str]] = []
    at = 0
    for found in _URL.finditer(line):
        address = found.group().rstrip(_URL_END)
        pieces.append(("text", line[at:found.start()]))
        pieces.append(("link", address))
        at = found.start() + len(address)
    pieces.append(("text", line[at:]))
    return [piece for piece in pieces if piece[1]]


def html_layout(subject: str, text: str, language: str, context: Mapping[str, object]) -> str:
    """The email's HTML part written from its text: each blank-line block a paragraph (None where the
    button goes: the block that is just the message's link, else after the text), the block carrying the
    unsubscribe link left to the small print."""
    link, unsubscribe = _web_link(context.get("url")), _web_link(context.get("unsubscribe"))
    blocks: list[list[list[tuple[str, str]]] | None] = []
    for block in text.split("\n\n"):
        if unsubscribe and unsubscribe in block:
            continue
        if link and block.strip() == link and None not in blocks:
            blocks.append(None)
        else:
            blocks.append([_pieces(line) for line in block.splitlines()])
    if link and None not in blocks:
        blocks.append(None)
    with force_locale(language):
        return _render(LAYOUT, {"language": language, "subject": subject, "blocks": blocks, "link": link,
                                "unsubscribe": unsubscribe}).strip()


_SAMPLES: dict[str, object] = {
    "order": "VGK-2412-0042", "point": "Akwa (Douala)", "title": "Réfrigérateur Samsung 180 L",
    "deadline": "14/12/2026 18:00", "name": "Aïcha", "device": "Chrome, Android",
    "count": 4, "search": "téléphone Tecno", "summary": "12 nouveaux articles près de chez vous",
    "url": "https://vgk.cm/", "code": "482913", "minutes": 10,
    "phone": "+237 6 70 00 01 11", "reason": "Photo floue",
    "reset_link": "https://vgk.cm/connexion/nouveau-mot-de-passe/…",
    "verify_link": "https://vgk.cm/compte/email/confirmer/…",
    "ref": "VGK-7KQ2M9X", "titles": "« Réfrigérateur Samsung 180 L »", "address": "Rue Joss", "city": "Douala",
    "days": 30, "items": "- Réfrigérateur Samsung 180 L × 1 : 25 000 FCFA", "fee": "1 500 FCFA",
    "total": "26 500 FCFA", "method": "MTN Mobile Money", "when": "14/12/2026 18:00", "payment": "PAY-3F8K2",
}
_SAMPLES["amount"] = format_xaf(25000)


def sample_context(event_name: str) -> dict[str, object]:
    """Believable values for every parameter the event's messages use (admin previews)."""
    event(event_name)
    return dict(_SAMPLES)
