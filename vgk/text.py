"""Text helpers shared by models, services and both faces: accent- and case-folding for search,
and the one way amounts are written."""
import re
import unicodedata

_WORD = re.compile(r"[a-z0-9]+")


def normalize(text):
    """Lower-case, strip accents and collapse to words: 'Télé Samsung' -> 'tele samsung'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_WORD.findall(stripped))


def search_terms(query, max_terms=8, max_length=40):
    """The words of a user's query, normalised, de-duplicated and bounded."""
    terms = []
    for word in normalize(query or "").split():
        word = word[:max_length]
        if word not in terms:
            terms.append(word)
        if len(terms) == max_terms:
            break
    return terms


def format_xaf(amount):
    """25000 -> '25 000 FCFA'. Amounts are whole francs CFA."""
    if amount is None:
        return ""
    amount = int(amount)
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(amount):,}".replace(",", " ") + " FCFA"


def escape_like(text):
    """The text with LIKE's wildcards escaped by a backslash, for `column.ilike(..., escape="\\\\")`."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
