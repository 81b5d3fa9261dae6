"""Text helpers shared by models, services and both faces: accent- and case-folding for search,
the one way amounts and times are written, and how long ago something happened."""
import re
import unicodedata
from datetime import date, datetime, timedelta
from typing import TypeAlias

from babel.dates import format_timedelta
from flask_babel import format_date, format_datetime, get_locale
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
    return "" if amount is None else format_number(amount) + " FCFA"


def escape_like(text: str) -> str:
    """The text with LIKE's wildcards escaped by a backslash, for `column.ilike(..., escape="\\\\")`."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# The one way times and days are written, in every language: "2 déc. 2026, 09:00" / "2 Dec 2026, 09:00",
# in Cameroon time (BABEL_DEFAULT_TIMEZONE). Stored times are naive UTC.
WHEN_PATTERN = "d MMM yyyy, HH:mm"
DAY_PATTERN = "d MMM yyyy"


def format_when(value: datetime | None) -> str:
    """A stored (UTC) time as a person in Cameroon reads it; '' when there is none."""
    return format_datetime(value, WHEN_PATTERN) if value else ""


def format_day(value: date | datetime | None) -> str:
    """A day (a stored time is first moved to Cameroon time); '' when there is none."""
    return format_date(value, DAY_PATTERN) if value else ""


# Ages are written for a delta rounded to a step that no reader notices at its size (30 s within the hour,
# 10 min within two days, an hour beyond), and each wording is kept: a page of cards asks for twenty.
_AGE_STEPS = ((3600, 30), (2 * 86400, 600), (None, 3600))
_MAX_AGES = 20_000
_ages: dict[tuple[str, int], str] = {}


def relative_age(moment: datetime, now: datetime) -> str:
    """How long ago `moment` was, in the reader's language: 'il y a 2 h' / '2 hr. ago'. Both are naive
    UTC, as stored; less than a minute, or a moment ahead (clocks apart), reads as a minute ago."""
    seconds = max((now - moment).total_seconds(), 60.0)
    step = next(step for limit, step in _AGE_STEPS if limit is None or seconds < limit)
    locale = str(get_locale() or "fr")
    key = (locale, round(seconds / step) * step)
    age = _ages.get(key)
    if age is None:
        if len(_ages) >= _MAX_AGES:
            _ages.clear()
        age = _ages[key] = format_timedelta(timedelta(seconds=-key[1]), granularity="minute", add_direction=True,
                                            format="short", locale=locale)
    return age
