"""Text helpers shared by models, services and both faces: accent- and case-folding for search,
and the one way amounts are written."""
import re
import unicodedata
from typing import TypeAlias

from flask_babel.speaklater import LazyString

# A message for people: French text, or a lazy msgid translated when it is written out.
Message: TypeAlias = str | LazyString

_WORD = re.compile(r"[a-z0-9]+")


def normalize(text: str) -> str:
    """Lower-case, strip accents and collapse to words: 'Télé Samsung' -> 'tele samsung'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_WORD.findall(stripped))


def search_terms(query: str | None, max_terms: int = 8, max_length: int = 40) -> list[str]:
    """The words of a user's query, normalised, de-duplicated and bounded."""
    terms: list[str] = []
    for word in normalize(query or "").split():
        word = word[:max_length]
        if word not in terms:
            terms.append(word)
        if len(terms) == max_terms:
            break
    return terms


def format_number(number: int | str) -> str:
    """12000 -> '12 000': thousands apart by a space, the way numbers are written in Cameroon."""
    whole = int(number)
    sign = "-" if whole < 0 else ""
    return f"{sign}{abs(whole):,}".replace(",", " ")


def format_xaf(amount: int | str | None) -> str:
    """25000 -> '25 000 FCFA'. Amounts are whole francs CFA."""
    if amount is None:
        return ""
    return format_number(amount) + " FCFA"


def escape_like(text: str) -> str:
    """The text with LIKE's wildcards escaped by a backslash, for `column.ilike(..., escape="\\\\")`."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
