"""Text helpers shared by models and services: accent- and case-folding for search."""
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
