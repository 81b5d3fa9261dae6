"""The words people search with: common synonyms (kept here as data, in one place), singular forms,
and which categories a query names. Pure functions over normalised words (see vgk.text.normalize):
no database here."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from vgk.text import normalize

# Words that mean the same thing to a buyer, accent-free and lower-case (singular or plural alike).
# Searching one of them also searches the others, in listings' text and in category names.
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("telephone", "tel", "portable", "smartphone", "mobile", "phone", "cellulaire", "cellphone"),
    ("tablette", "tablet"),
    ("chaussure", "basket", "sandale", "shoe", "sneaker", "escarpin", "botte", "tong", "mocassin", "godasse"),
    ("ordinateur", "ordi", "laptop", "pc", "computer", "notebook"),
    ("tele", "television", "televiseur", "tv", "telly"),
    ("frigo", "refrigerateur", "fridge", "congelateur", "freezer", "refrigerator"),
    ("moto", "motocyclette", "motorbike", "motorcycle", "scooter", "bendskin"),
    ("voiture", "automobile", "vehicule", "car"),
    ("velo", "bicyclette", "bike", "bicycle", "vtt"),
    ("habit", "vetement", "clothe", "clothing", "fringue"),
    ("pagne", "wax", "tissu", "fabric", "ankara"),
    ("robe", "dress", "kaba"),
    ("sac", "sacoche", "bag", "handbag"),
    ("montre", "watch"),
    ("canape", "sofa", "divan", "fauteuil", "couch", "armchair"),
    ("lit", "bed", "sommier"),
    ("matelas", "mattress"),
    ("laver", "lave", "washing", "washer", "lavage"),
    ("cuisiniere", "gaziniere", "cooker", "stove"),
    ("ventilateur", "ventilo", "brasseur", "fan"),
    ("climatiseur", "clim", "climatisation", "climatiser"),
    ("generateur", "electrogene", "generator"),
    ("livre", "book", "bouquin"),
    ("bebe", "baby"),
    ("jouet", "toy"),
    ("reveil", "alarm"),
)

# Words with another common meaning ("ordinateur portable", "Mobile Money", "car" for a coach, "fan" of a
# club, "tel quel" for as-is): typing one searches its group, but the group's other words do not search for it.
ONE_WAY = frozenset({"portable", "mobile", "tel", "car", "fan", "lave", "tissu"})

# Small words of category names that say nothing about what is sold.
_STOP = frozenset({"et", "and", "de", "des", "du", "la", "le", "les", "en", "pour", "for", "of", "the", "a"})


def meaningful(terms: Sequence[str]) -> list[str]:
    """A query's terms without the small words that say nothing of what is sought ("machine a laver":
    machine, laver), unless nothing else is left."""
    kept = [term for term in terms if term not in _STOP and len(term) > 1]
    return kept or list(terms)


def singular(word: str) -> str:
    """A rough singular of a French or English word, the same on both sides of a comparison:
    'chaussures' -> 'chaussure', 'jeux' -> 'jeu', 'animaux' -> 'animal', 'shoes' -> 'shoe'."""
    if len(word) < 4:
        return word
    if word.endswith("eaux"):
        return word[:-1]
    if word.endswith("aux"):
        return word[:-3] + "al"
    if word.endswith(("eux", "oux")):
        return word[:-1]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _build_index() -> dict[str, tuple[str, ...]]:
    index: dict[str, tuple[str, ...]] = {}
    for group in SYNONYMS:
        for word in group:
            index[singular(word)] = group
    return index


_INDEX = _build_index()


def alternatives(term: str) -> list[str]:
    """The words a search term stands for: itself, its singular and its synonyms, without repeats."""
    found = [term]
    for word in (singular(term), *_INDEX.get(singular(term), ())):
        if word not in found and (word not in ONE_WAY or word == singular(term)):
            found.append(word)
    return found


# Synonyms shorter than this are searched as whole words ("lit" must not find "litres"), longer
# ones as prefixes like the typed words ("chaussure" finds "chaussures").
WHOLE_WORD_BELOW = 5


def text_alternatives(term: str) -> list[tuple[str, bool]]:
    """What to look for in listings' text for a term: (word, as a prefix) pairs. The typed word, and
    its singular or synonyms of 5 letters or more, are prefixes; shorter ones are whole words,
    singular or with an s, the typed word too when it is a synonym ("tv", "lit", "velo")."""
    found: list[tuple[str, bool]] = []
    for word in alternatives(term):
        if len(word) >= WHOLE_WORD_BELOW or (word == term and singular(term) not in _INDEX):
            found.append((word, True))
        else:
            found += [(word, False), (word + "s", False)]
    return found


def _meanings(term: str) -> set[str]:
    return {singular(word) for word in alternatives(term)}


@dataclass(frozen=True)
class CategoryName:
    """What category matching needs of a category: its id, its parent's and its names (FR, EN)."""

    id: int
    parent_id: int | None
    name_fr: str
    name_en: str


def _words(category: CategoryName, by_id: dict[int, CategoryName]) -> set[str]:
    """Singular words naming a category or its parent ('Chaussures' under 'Mode femme': chaussure, mode, femme)."""
    words: set[str] = set()
    current: CategoryName | None = category
    seen: set[int] = set()
    while current is not None and current.id not in seen:
        seen.add(current.id)
        for name in (current.name_fr, current.name_en):
            words.update(singular(w) for w in normalize(name).split() if w not in _STOP and len(w) > 1)
        current = by_id.get(current.parent_id) if current.parent_id is not None else None
    return words


@dataclass
class CategoryMatch:
    """How a query meets the category names: `ids` are the categories (with their subcategories) that
    every category-naming term names, `rest` the terms no category name answers; `named` the
    categories any single term names (suggestions when nothing is found)."""

    ids: list[int]
    rest: list[str]
    named: list[int]


@lru_cache(maxsize=8)
def _category_words(rows: tuple[CategoryName, ...]) -> dict[int, set[str]]:
    """Each category's naming words, worked out once for a given set of categories."""
    by_id = {row.id: row for row in rows}
    return {row.id: _words(row, by_id) for row in rows}


def match_categories(terms: Sequence[str], categories: Iterable[CategoryName]) -> CategoryMatch:
    """Categories named by the query's terms, their synonyms included, accent-free, singular or plural."""
    words = _category_words(tuple(categories))
    naming: dict[str, set[int]] = {}
    for term in terms:
        meanings = _meanings(term)
        ids = {row_id for row_id, names in words.items() if names & meanings}
        if ids:
            naming[term] = ids
    named = sorted(set().union(*naming.values())) if naming else []
    common = set.intersection(*naming.values()) if naming else set()
    if not common:
        return CategoryMatch(ids=[], rest=list(terms), named=named)
    return CategoryMatch(ids=sorted(common), rest=[t for t in terms if t not in naming], named=named)
