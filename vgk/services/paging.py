"""Paging, once, for every list shown a page at a time (admin lists, the API's lists, favourites, my
listings, notifications): reading a page number from what people send, and one page of a query as a
`Page` — one COUNT and one LIMIT/OFFSET query, whatever the length of the list.

Numbers typed by people are read by `parse_int`: ASCII digits only (superscript, fullwidth or
Arabic-Indic digits, "3_0" and floats are not numbers here, as for the dates of vgk.inputs), and it
never raises, whatever it is given. `parse_id` keeps the numbers a database id can be; `page_number`
turns them into a page in [1, high]: leniently (the HTML pages: anything unusable is page 1, too far is
the last allowed page) or strictly (the API: a 400 naming `page`).
"""
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select

from vgk.errors import Invalid
from vgk.extensions import db

# How far a page number may go in the admin lists; the catalogue and the API pass their own (500).
MAX_PAGE = 10_000
_WHOLE = re.compile(r"[+-]?[0-9]+", re.ASCII)


def parse_int(value: object) -> int | None:
    """A whole number: an int (not a bool), or text of ASCII digits with an optional sign and spaces
    around it; None for anything else (and for thousands of digits). Never raises."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not _WHOLE.fullmatch(text):
        return None
    try:
        return int(text)
    except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
        return None


def parse_id(value: object) -> int | None:
    """A database integer id (1 to 2**31 - 1) read by `parse_int`; None for anything else."""
    number = parse_int(value)
    return number if number is not None and 0 < number < 2**31 else None


def page_number(value: object, high: int = MAX_PAGE, *, strict: bool = False) -> int:
    """A page number from 1 to `high`. Leniently, anything unusable is 1 and numbers outside are brought
    back inside; `strict`ly, both are Invalid naming `page` ("invalid", "out_of_range")."""
    number = parse_int(value)
    if strict:
        if number is None:
            raise Invalid(_l("Numéro de page invalide."), {"page": "invalid"})
        if not 1 <= number <= high:
            raise Invalid(_l("Numéro de page invalide."), {"page": "out_of_range"})
        return number
    if number is None:
        return 1
    return min(max(number, 1), high)


@dataclass
class Page:
    """One page of a list: its items, its number, the page size and how many items there are in all."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages the list has (at least 1, even when empty)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page * self.per_page < self.total


def paginate(stmt: Select[Any], page: int, per_page: int, *, high: int = MAX_PAGE,
             total: int | None = None) -> Page:
    """One page of the ORM query `stmt` (already in display order): a COUNT of its rows (unless the
    caller knows the `total`) and the page's rows by LIMIT/OFFSET. `page` is brought into [1, high]."""
    page = min(max(int(page), 1), high)
    per_page = max(1, int(per_page))
    if total is None:
        total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    items = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).all())
    return Page(items=items, page=page, per_page=per_page, total=total)


def link_params(values: Mapping[str, object]) -> dict[str, object]:
    """Query-string values for links that keep a list's current filters: the empty ones and the first
    page left out."""
    return {key: value for key, value in values.items() if value not in ("", None, 1)}
