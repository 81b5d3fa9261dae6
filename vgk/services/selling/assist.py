"""Help from the language model, with rules when there is none or it fails: a better title and
description proposed to a seller (a proposal they edit, never published by itself), the feeling of a
review or a reported chat, a risk score for the moderation queue, and a listing translated FR↔EN. Reasons are
keys (FEELING_REASONS, RISK_REASONS) that the pages write out in the reader's language.

Nothing with a phone number or an email address leaves for the model: every text is masked first, with
the moderation rules. Each answer says where it came from (`source`: "gemini" or "rules")."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from vgk.integrations import registry
from vgk.integrations.ai import AiUnavailable
from vgk.services.selling import moderation

TITLE_MAX, DESCRIPTION_MAX = 80, 800
LANGUAGES = {"fr": "French", "en": "English"}


class _Listing(BaseModel):
    title: str = Field(min_length=3, max_length=TITLE_MAX)
    description: str = Field(min_length=10, max_length=DESCRIPTION_MAX)


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
    said = description.rstrip()
    if said and said[-1] not in ".!?…":
        said += "."
    lines = [said[:1].upper() + said[1:]] if said else [f"{title[:1].upper()}{title[1:]}."]
    if condition:
        lines.append(f"{_STATE[locale]} : {condition.lower()}." if locale == "fr"
                     else f"{_STATE[locale]}: {condition.lower()}.")
    if category and category.lower() not in " ".join(lines).lower():
        lines.append(f"Catégorie : {category}." if locale == "fr" else f"Category: {category}.")
    lines.append(_PICKUP[locale])
    return Proposal(name[:TITLE_MAX], " ".join(lines)[:DESCRIPTION_MAX], "rules")


def improve_listing(title: str, category: str, condition: str, description: str = "",
                    locale: str = "fr", photo: bytes | None = None) -> Proposal:
    """A proposed title and description in the seller's language (`locale`), from what they wrote and, for
    the model, the listing's first photo (`photo`: a thumbnail, JPEG or WebP; the rules ignore it)."""
    fields = {"title": _safe(title, 200), "category": _safe(category, 100), "condition": _safe(condition, 60),
              "description": _safe(description), "language": _language(locale)}
    try:
        answer = registry.ai().ask("listing", fields, _Listing, image=photo)
    except AiUnavailable:
        return _rules_listing(fields["title"], fields["category"], fields["condition"], fields["description"],
                              locale)
    return Proposal(_safe(answer.title, TITLE_MAX), _safe(answer.description, DESCRIPTION_MAX),
                    registry.ai().name)


# --- feeling ---------------------------------------------------------------------------------------

# Why a text feels the way it does: keys, stored as they are and written out in the reader's language
# (vgk.labels, "feeling_reason"). The positive ones first, then the negative ones.
POSITIVE_REASONS = ("satisfied", "as_described", "fast", "serious", "friendly", "good_price")
NEGATIVE_REASONS = ("not_as_described", "damaged", "late", "unreachable", "scam", "rude", "off_platform",
                    "disappointed")
FEELING_REASONS = POSITIVE_REASONS + NEGATIVE_REASONS
_BAD_WORDS = {
    "not_as_described": ("pas conforme", "non conforme", "faux", "fake", "not as described"),
    "damaged": ("cassé", "abîmé", "abimé", "défectueux", "broken", "damaged"),
    "late": ("retard", "jamais", "late", "never"),
    "unreachable": ("injoignable", "ne répond", "répond pas", "unreachable", "no answer"),
    "scam": ("arnaque", "escroc", "voleur", "menteur", "scam", "scammer", "liar", "thief"),
    "rude": ("impoli", "insulte", "insultes", "grossier", "rude", "insult", "insults"),
    "disappointed": ("mauvais", "déçu", "déçue", "nul", "bad", "disappointed"),
}
_GOOD_WORDS = {
    "satisfied": ("merci", "parfait", "super", "top", "excellent", "satisfait", "satisfaite", "bien", "recommande",
                  "great", "perfect", "thanks", "recommend", "good", "nice"),
    "as_described": ("conforme", "as described"),
    "fast": ("rapide", "rapidement", "vite", "fast", "quick", "quickly"),
    "serious": ("sérieux", "sérieuse", "honnête", "fiable", "honest", "serious", "reliable"),
    "friendly": ("aimable", "gentil", "gentille", "sympa", "poli", "polie", "friendly", "kind", "polite"),
    "good_price": ("bon prix", "pas cher", "good price", "cheap"),
}


def _known(values: object, allowed: tuple[str, ...], limit: int = 3) -> list[str]:
    """The allowed keys among `values`, once each, at most `limit` (a model's extra words are dropped)."""
    found = [str(value).strip().lower() for value in values] if isinstance(values, list) else []
    return list(dict.fromkeys(value for value in found if value in allowed))[:limit]


class _Feeling(BaseModel):
    label: Literal["positive", "neutral", "negative"]
    reasons: list[Literal[FEELING_REASONS]] = Field(default_factory=list)  # type: ignore[valid-type]

    @field_validator("reasons", mode="before")
    @classmethod
    def _only_known(cls, value: object) -> list[str]:
        return _known(value, FEELING_REASONS)


def _found(text: str, table: dict[str, tuple[str, ...]]) -> tuple[list[str], str]:
    """The keys whose words are in `text`, and the text with those words blanked out."""
    keys = []
    for key, words in table.items():
        for word in words:
            pattern = rf"(?<!\w){re.escape(word)}(?!\w)"
            if re.search(pattern, text):
                keys.append(key)
                text = re.sub(pattern, " ", text)
    return list(dict.fromkeys(keys)), text


def _rules_feeling(raw: str, safe: str) -> Feeling:
    bad, rest = _found(safe.lower(), _BAD_WORDS)  # "pas conforme" is not "conforme"
    good, _ = _found(rest, _GOOD_WORDS)
    if moderation.text_flags(raw):  # a phone number, an email, a payment outside: read before masking
        bad.append("off_platform")
    label = "negative" if len(bad) > len(good) else "positive" if len(good) > len(bad) else "neutral"
    chosen = bad if label == "negative" else good if label == "positive" else []
    return Feeling(label, tuple(key for key in FEELING_REASONS if key in chosen)[:3], "rules")


def feeling(text: str) -> Feeling:
    """Positive, neutral or negative, with up to three reasons (keys of FEELING_REASONS)."""
    safe = _safe(text)
    try:
        answer = registry.ai().ask("sentiment", {"text": safe, "reasons": ", ".join(FEELING_REASONS)}, _Feeling)
    except AiUnavailable:
        return _rules_feeling(str(text or ""), safe)
    return Feeling(answer.label, tuple(answer.reasons), registry.ai().name)


# --- risk for the moderators ------------------------------------------------------------------------

# Why a listing may be refused: the moderation flags, then what only a reader sees. Keys, written out in
# the reader's language (vgk.labels, "risk_reason").
RISK_REASONS = ("contact", "payment", "banned_word", "price_outlier", "duplicate_photo", "scam", "counterfeit",
                "stolen", "vague")
_FLAG_RISK = {"contact": 30, "payment": 40, "banned_word": 60, "price_outlier": 25, "duplicate_photo": 35}


class _Risk(BaseModel):
    score: int = Field(ge=0, le=100)
    reasons: list[Literal[RISK_REASONS]] = Field(default_factory=list)  # type: ignore[valid-type]

    @field_validator("reasons", mode="before")
    @classmethod
    def _only_known(cls, value: object) -> list[str]:
        return _known(value, RISK_REASONS)


def _rules_risk(title: str, description: str, flags: Sequence[str]) -> Risk:
    found = [flag for flag in _FLAG_RISK if flag in set(moderation.text_flags(f"{title}\n{description}")) | set(flags)]
    return Risk(min(100, sum(_FLAG_RISK[flag] for flag in found)), tuple(found), "rules")


def risk(title: str, category: str, price: int, description: str, flags: Sequence[str] = ()) -> Risk:
    """0 (harmless) to 100 (surely to refuse), with reasons (keys of RISK_REASONS). `flags`: the moderation
    flags already found. The rules read the text before it is masked (a phone number in it is itself a
    reason); the model never sees it, so its answer never scores lower than the rules, nor drops their reasons."""
    rules = _rules_risk(title, description, flags)
    fields = {"title": _safe(title, 200), "category": _safe(category, 100), "price": str(int(price)),
              "description": _safe(description), "flags": ", ".join(rules.reasons) or "-",
              "reasons": ", ".join(RISK_REASONS)}
    try:
        answer = registry.ai().ask("risk", fields, _Risk)
    except AiUnavailable:
        return rules
    reasons = tuple(dict.fromkeys(rules.reasons + tuple(answer.reasons)))
    return Risk(max(answer.score, rules.score), reasons[:4], registry.ai().name)


# --- translation ------------------------------------------------------------------------------------

TRANSLATED_TITLE_MAX, TRANSLATED_DESCRIPTION_MAX = 120, 5000


class _Translation(BaseModel):
    title: str = Field(min_length=1, max_length=TRANSLATED_TITLE_MAX)
    description: str = Field(default="", max_length=TRANSLATED_DESCRIPTION_MAX)


def translate(title: str, description: str, target: str) -> Proposal | None:
    """The listing in `target` ("fr" or "en"), or None when no model is there to translate it."""
    fields = {"title": _safe(title, 200), "description": _safe(description, TRANSLATED_DESCRIPTION_MAX),
              "language": _language(target)}
    try:
        answer = registry.ai().ask("translate", fields, _Translation)
    except AiUnavailable:
        return None
    return Proposal(_safe(answer.title, TRANSLATED_TITLE_MAX),
                    _safe(answer.description, TRANSLATED_DESCRIPTION_MAX), registry.ai().name)
