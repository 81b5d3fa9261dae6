"""Help from the language model, with rules when there is none or it fails: a better title and
description proposed to a seller (a proposal they edit, never published by itself), the feeling of a
review or a reported chat, a risk score for the moderation queue, and a listing translated FR↔EN.

Nothing with a phone number or an email address leaves for the model: every text is masked first, with
the moderation rules. Each answer says where it came from (`source`: "gemini" or "rules")."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field

from vgk.integrations import registry
from vgk.integrations.ai import AiUnavailable
from vgk.services.selling import moderation

TITLE_MAX, DESCRIPTION_MAX = 80, 800
LANGUAGES = {"fr": "French", "en": "English"}


class _Listing(BaseModel):
    title: str = Field(min_length=3, max_length=TITLE_MAX)
    description: str = Field(min_length=10, max_length=DESCRIPTION_MAX)


class _Feeling(BaseModel):
    label: Literal["positive", "neutral", "negative"]
    reasons: list[str] = Field(default_factory=list, max_length=3)


class _Risk(BaseModel):
    score: int = Field(ge=0, le=100)
    reasons: list[str] = Field(default_factory=list, max_length=3)


@dataclass(frozen=True)
class Proposal:
    title: str
    description: str
    source: str


@dataclass(frozen=True)
class Feeling:
    label: str
    reasons: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Risk:
    score: int
    reasons: tuple[str, ...]
    source: str


def _safe(text: object, limit: int = 2000) -> str:
    """The text as it may leave for the model: contacts masked, spaces tidied, cut."""
    return moderation.mask_contacts(re.sub(r"\s+", " ", str(text or "")).strip())[:limit]


def _language(locale: str) -> str:
    return LANGUAGES.get(locale, LANGUAGES["fr"])


# --- a seller's listing --------------------------------------------------------------------------

_PICKUP = {
    "fr": "À retirer dans un point relais Vidé-Grenier Kamer ; paiement par Mobile Money, carte ou en espèces.",
    "en": "Collect it at a Vidé-Grenier Kamer pickup point; pay by Mobile Money, card or cash.",
}
_STATE = {"fr": "État", "en": "Condition"}


def _rules_listing(title: str, category: str, condition: str, description: str, locale: str) -> Proposal:
    """A tidy title (capital, condition added) and a description that says what, in what state, where."""
    locale = locale if locale in _PICKUP else "fr"
    name = title[:1].upper() + title[1:]
    if condition and condition.lower() not in name.lower() and len(name) + len(condition) + 3 <= TITLE_MAX:
        name = f"{name} – {condition.lower()}"
    lines = [description[:1].upper() + description[1:]] if description else [f"{title[:1].upper()}{title[1:]}."]
    if condition:
        lines.append(f"{_STATE[locale]} : {condition.lower()}." if locale == "fr"
                     else f"{_STATE[locale]}: {condition.lower()}.")
    if category and category.lower() not in " ".join(lines).lower():
        lines.append(f"Catégorie : {category}." if locale == "fr" else f"Category: {category}.")
    lines.append(_PICKUP[locale])
    return Proposal(name[:TITLE_MAX], " ".join(lines)[:DESCRIPTION_MAX], "rules")


def improve_listing(title: str, category: str, condition: str, description: str = "",
                    locale: str = "fr") -> Proposal:
    """A proposed title and description in the seller's language (`locale`), from what they wrote."""
    fields = {"title": _safe(title, 200), "category": _safe(category, 100), "condition": _safe(condition, 60),
              "description": _safe(description), "language": _language(locale)}
    try:
        answer = registry.ai().ask("listing", fields, _Listing)
    except AiUnavailable:
        return _rules_listing(fields["title"], fields["category"], fields["condition"], fields["description"],
                              locale)
    return Proposal(_safe(answer.title, TITLE_MAX), _safe(answer.description, DESCRIPTION_MAX),
                    registry.ai().name)


# --- feeling ---------------------------------------------------------------------------------------

_GOOD = ("merci", "parfait", "super", "top", "excellent", "rapide", "conforme", "honnête", "sérieux", "recommande",
         "satisfait", "bien", "great", "perfect", "fast", "thanks", "recommend", "good", "honest", "nice")
_BAD = ("arnaque", "escroc", "voleur", "faux", "cassé", "abîmé", "retard", "jamais", "mauvais", "déçu",
        "menteur", "pas conforme", "scam", "fake", "broken", "late", "never", "bad", "liar", "disappointed")


def _words(text: str, words: tuple[str, ...]) -> list[str]:
    lowered = text.lower()
    return [word for word in words if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", lowered)]


def _rules_feeling(text: str) -> Feeling:
    good, bad = _words(text, _GOOD), _words(text, _BAD)
    if "pas conforme" in bad and "conforme" in good:
        good.remove("conforme")
    label = "negative" if len(bad) > len(good) else "positive" if len(good) > len(bad) else "neutral"
    return Feeling(label, tuple((bad if label == "negative" else good)[:3]), "rules")


def feeling(text: str, locale: str = "fr") -> Feeling:
    """Positive, neutral or negative, with up to three reasons (in `locale`)."""
    safe = _safe(text)
    try:
        answer = registry.ai().ask("sentiment", {"text": safe, "language": _language(locale)}, _Feeling)
    except AiUnavailable:
        return _rules_feeling(safe)
    return Feeling(answer.label, tuple(_safe(reason, 120) for reason in answer.reasons), registry.ai().name)


# --- risk for the moderators ------------------------------------------------------------------------

_FLAG_RISK = {"contact": (30, "Coordonnées dans le texte"), "payment": (40, "Paiement hors de la plateforme"),
              "banned_word": (60, "Mot d'un article interdit")}


def _rules_risk(title: str, description: str) -> Risk:
    flags = moderation.text_flags(f"{title}\n{description}")
    score = min(100, sum(_FLAG_RISK[flag][0] for flag in flags))
    return Risk(score, tuple(_FLAG_RISK[flag][1] for flag in flags), "rules")


def risk(title: str, category: str, price: int, description: str) -> Risk:
    """0 (harmless) to 100 (surely to refuse), with reasons in French. The rules read the text before it
    is masked (a phone number in it is itself a reason); the model never sees it."""
    fields = {"title": _safe(title, 200), "category": _safe(category, 100), "price": str(int(price)),
              "description": _safe(description)}
    try:
        answer = registry.ai().ask("risk", fields, _Risk)
    except AiUnavailable:
        return _rules_risk(title, description)
    return Risk(answer.score, tuple(_safe(reason, 120) for reason in answer.reasons), registry.ai().name)


# --- translation ------------------------------------------------------------------------------------

def translate(title: str, description: str, target: str) -> Proposal | None:
    """The listing in `target` ("fr" or "en"), or None when no model is there to translate it."""
    fields = {"title": _safe(title, 200), "description": _safe(description), "language": _language(target)}
    try:
        answer = registry.ai().ask("translate", fields, _Listing)
    except AiUnavailable:
        return None
    return Proposal(_safe(answer.title, TITLE_MAX), _safe(answer.description, DESCRIPTION_MAX), registry.ai().name)
