"""The template helpers every page calls dozens of times (the header and footer's words and links), made
cheap: a page's chrome asks for about forty translations and twenty-five links, which through Flask-Babel's
and Flask's general-purpose paths cost more than the rest of a simple page.

- Translations: the catalogue of the locale the request (or a `force_locale` block) has chosen, found once
  per locale and process instead of through Flask-Babel's lookups at each word. Same catalogues, same words.
- Links: `url_for` in templates remembers the links it built for the same endpoint, arguments and
  script root (the URL map does not change while the app runs). Static files keep the hashed name the
  assets module gives them (`vgk.web.assets`), which looks at the file again at most once a second.
"""
from collections.abc import Callable, Hashable
from typing import Any

from flask import Flask, g, has_request_context, request
from flask_babel import get_translations
from flask_babel import support as babel_support

MAX_LINKS = 20_000  # past this many remembered links (a `next=` per page visited...) they are all forgotten

_catalogues: dict[Any, babel_support.NullTranslations] = {}


def _catalogue() -> babel_support.NullTranslations:
    """The current locale's catalogue: Flask-Babel's answer, remembered by locale."""
    state = g.get("_flask_babel")
    locale = getattr(state, "babel_locale", None)
    if locale is None:  # not chosen yet in this context: Flask-Babel chooses (and records) it
        return get_translations()
    catalogue = _catalogues.get(locale)
    if catalogue is None:
        catalogue = _catalogues[locale] = get_translations()
    return catalogue


def _install_translations(app: Flask) -> None:
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: _catalogue().ugettext(s),
        ngettext=lambda s, p, n: _catalogue().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: _catalogue().unpgettext(c, s, p, n),
    )


def _remembering_url_for(app: Flask) -> Callable[..., str]:
    build = app.url_for
    links: dict[Hashable, str] = {}

    def url_for(endpoint: str, **values: Any) -> str:
        if endpoint == "static" or not has_request_context() or any(name[0] == "_" for name in values):
            return build(endpoint, **values)
        try:
            key = (endpoint, request.script_root, request.blueprint if endpoint[0] == "." else None,
                   tuple(values.items()))
            link = links.get(key)
        except TypeError:  # an argument that cannot be a key (a list): built each time
            return build(endpoint, **values)
        if link is None:
            if len(links) >= MAX_LINKS:
                links.clear()
            link = links[key] = build(endpoint, **values)
        return link

    return url_for


def register(app: Flask) -> None:
    """After Flask-Babel's init_app, which installs its own translation callables."""
    _install_translations(app)
    app.jinja_env.globals["url_for"] = _remembering_url_for(app)
