"""Parts of public pages kept as built: the home page's sections, a listing's result block and filters, a
product page's lists of other items.

They are the same for every reader of the page in one language and data-saver mode, signed in or not, so a
signed-in visitor's page (which the page cache, vgk.page_cache, never serves) builds only its own parts
(header, buttons, alert form) and takes the rest from here, with none of the queries behind them. They are
kept by vgk.services.catalogue.versions.kept: built again as soon as a committed change of the catalogue
moves its numbers on, and at least once a minute.
"""
from collections.abc import Callable, Collection, Hashable
from typing import TypeVar

from flask import request
from flask_babel import get_locale

from vgk.services.catalogue import versions
from vgk.web import data_saver

T = TypeVar("T")


def kept(name: str, parts: tuple[Hashable, ...], build: Callable[[], T],
         shows: Callable[[T], Collection[int]] | None = None) -> T:
    """What `build()` gives for this part of a public page, in the reader's language and data-saver mode
    (`shows`: the products it shows, see versions.kept)."""
    saver = data_saver.on()  # asked each time, as the page's own photos would: the answer varies on Save-Data
    return versions.kept(name, (parts, str(get_locale()), request.script_root, saver), build, shows)
