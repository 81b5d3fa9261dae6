"""The one page-number parser and the one Page: ASCII digits only, never an exception, pages in bounds."""
import pytest

from vgk.errors import Invalid
from vgk.services.paging import Page, page_number, parse_int

HOSTILE = ["", " ", "abc", "１２", "¹", "²⁰⁰⁰", "٣", "3_0", "1.5", "1e3", "1 0", "\x00", "\ud800", "9" * 5000,
           None, True, 1.5, b"12", [1], {"a": 1}]


@pytest.mark.parametrize("raw, expected", [("12", 12), (" +3 ", 3), ("-4", -4), (7, 7), ("0", 0)])
def test_whole_numbers_in_ascii_digits_are_read(raw, expected):
    assert parse_int(raw) == expected


@pytest.mark.parametrize("raw", HOSTILE)
def test_anything_else_is_not_a_number_and_never_raises(raw):
    assert parse_int(raw) is None
    assert page_number(raw) == 1
    with pytest.raises(Invalid) as caught:
        page_number(raw, 500, strict=True)
    assert caught.value.fields == {"page": "invalid"}


@pytest.mark.parametrize("raw, expected", [("-1", 1), ("0", 1), ("3", 3), ("99999999999999999999", 10_000)])
def test_lenient_pages_are_brought_into_bounds(raw, expected):
    assert page_number(raw) == expected
    assert page_number(raw, 500) == min(expected, 500)


@pytest.mark.parametrize("raw", ["0", "-1", "501", "99999999999999999999"])
def test_strict_pages_outside_bounds_are_refused(raw):
    with pytest.raises(Invalid) as caught:
        page_number(raw, 500, strict=True)
    assert caught.value.fields == {"page": "out_of_range"}


def test_a_page_knows_its_neighbours():
    assert (Page([], 1, 20, 0).pages, Page([], 1, 20, 0).has_next, Page([], 1, 20, 0).has_prev) == (1, False, False)
    middle = Page(list(range(20)), 2, 20, 45)
    assert (middle.pages, middle.has_prev, middle.has_next) == (3, True, True)
    assert not Page(list(range(5)), 3, 20, 45).has_next
