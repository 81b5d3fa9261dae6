"""Correcting misspelled searches. The vocabulary is the words of the listed products (`search_words`,
kept exact by database triggers, migration 0026), the synonyms and the category names. A query word
that none of them knows is replaced by the nearest known word: candidates sharing trigrams come from
the database (pg_trgm on PostgreSQL, an FTS5 trigram table on SQLite), then edit distance, trigram
similarity and how many listings use the word decide, the same way on both."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import String, bindparam, exists, func, literal, select, text, union_all

from vgk.extensions import db
from vgk.models import SearchWord
from vgk.services.catalogue.vocabulary import SYNONYMS, singular, text_alternatives

# Shorter words, and words with digits ("s21", "128go"), are left as typed.
MIN_LENGTH = 4
# How many candidates the database proposes for a word, best first by its own trigram measure.
CANDIDATES = 60
# A candidate needs at least this trigram similarity (pg_trgm's measure) to be considered.
MIN_SIMILARITY = 0.2
AFTER_Z = "{"  # the character after "z": every word starting with w sorts in [w, w + "{")


def trigrams(word: str) -> set[str]:
    """The word's trigrams as pg_trgm counts them: padded with two spaces before and one after."""
    padded = f"  {word} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    """Shared trigrams over all trigrams of both words (pg_trgm's similarity)."""
    first, second = trigrams(a), trigrams(b)
    return len(first & second) / len(first | second)


def edit_distance(a: str, b: str) -> int:
    """Letters inserted, removed, replaced or swapped with a neighbour to turn a into b."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def sound(word: str) -> str:
    """The word as it sounds, roughly: "ph" is "f", "y" is "i", doubled letters are single
    ("telefonne" and "telephone" both sound "telefone")."""
    word = word.replace("ph", "f").replace("y", "i")
    return "".join(ch for i, ch in enumerate(word) if i == 0 or ch != word[i - 1])


def distance(typed: str, word: str) -> int:
    """Mistakes between a typed word and a known one, spelled as typed or as it sounds."""
    return min(edit_distance(typed, word), edit_distance(sound(typed), sound(word)))


def allowed_distance(word: str) -> int:
    """How many mistakes a word of this length may hold and still be corrected."""
    return 1 if len(word) <= 5 else 2 if len(word) <= 9 else 3


def correctable(term: str) -> bool:
    return len(term) >= MIN_LENGTH and term.isalpha()


def _synonym_words() -> frozenset[str]:
    return frozenset(word for group in SYNONYMS for word in group)


SYNONYM_WORDS = _synonym_words()


def known(words: Sequence[str]) -> set[str]:
    """Which of the words start a word of the listed products (one query)."""
    checks = [
        select(literal(word, String).label("word")).where(
            exists().where(SearchWord.word >= word, SearchWord.word < word + AFTER_Z))
        for word in words
    ]
    if not checks:
        return set()
    return set(db.session.scalars(checks[0] if len(checks) == 1 else union_all(*checks)))


_SQLITE_CANDIDATES = text(
    "SELECT w.word, w.products FROM search_words_trigrams JOIN search_words AS w ON w.id = search_words_trigrams.rowid"
    " WHERE search_words_trigrams MATCH :match ORDER BY search_words_trigrams.rank LIMIT :limit"
)
_POSTGRES_CANDIDATES = (
    select(SearchWord.word, SearchWord.products)
    .where(SearchWord.word.bool_op("%")(bindparam("term", type_=String)))
    .order_by(func.similarity(SearchWord.word, bindparam("term", type_=String)).desc())
    .limit(bindparam("limit"))
)


def candidates(term: str) -> list[tuple[str, int]]:
    """Words of the listed products that share trigrams with the term, and in how many listings each is."""
    if db.engine.dialect.name == "postgresql":
        rows = db.session.execute(_POSTGRES_CANDIDATES, {"term": term, "limit": CANDIDATES})
    else:
        inner = sorted({term[i:i + 3] for i in range(len(term) - 2)})
        rows = db.session.execute(_SQLITE_CANDIDATES, {"match": " OR ".join(f'"{g}"' for g in inner),
                                                       "limit": CANDIDATES})
    return [(row.word, row.products) for row in rows]


def nearest(term: str, extra: Iterable[str] = ()) -> str | None:
    """The known word closest to a misspelled one: fewest mistakes, then most trigrams in common, then
    the most listings; None when nothing is near enough."""
    pool: dict[str, int] = dict.fromkeys(extra, 0)
    pool.update(candidates(term))
    limit = allowed_distance(term)
    best: tuple[int, float, int, str] | None = None
    for word, products in pool.items():
        if word == term or abs(len(word) - len(term)) > limit:
            continue
        shared = similarity(term, word)
        if shared < MIN_SIMILARITY:
            continue
        mistakes = distance(term, word)
        if mistakes > limit:
            continue
        key = (mistakes, -shared, -products, word)
        if best is None or key < best:
            best = key
    return best[3] if best else None


@dataclass
class Correction:
    """A query's terms with the misspelled ones replaced; `changed` when any was."""

    terms: list[str]
    changed: bool


def correct(terms: Sequence[str], category_words: Iterable[str] = ()) -> Correction:
    """Replace each term nothing knows (not a synonym, not a word of a category name, not the start of a
    listed product's word, nor any of its synonyms) by the nearest known word. A search with a term it
    replaces therefore finds nothing as typed: none of the words it looks for is in a listed product."""
    lexicon = SYNONYM_WORDS | {singular(word) for word in category_words}
    doubtful = [t for t in terms if correctable(t) and t not in lexicon and singular(t) not in lexicon]
    if not doubtful:
        return Correction(list(terms), False)
    words = {t: [word for word, _prefix in text_alternatives(t) if len(word) >= 3] for t in doubtful}
    found = known(sorted({word for group in words.values() for word in group}))
    fixed: dict[str, str] = {}
    for term in doubtful:
        if not found.intersection(words[term]):
            replacement = nearest(term, (w for w in lexicon if abs(len(w) - len(term)) <= allowed_distance(term)))
            if replacement is not None:
                fixed[term] = replacement
    return Correction([fixed.get(t, t) for t in terms], bool(fixed))
