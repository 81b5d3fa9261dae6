"""Product cards kept as rendered HTML: a card is the same for everyone who reads the page in the same
language and data-saver mode, so the markup of `macros.product_card` is built once and reused by every page
that shows the product (catalogue, search, home, suggestions), signed-in visitors' pages too, until the
lineup or the reference lists change (vgk.services.catalogue.versions: a price, a photo, a renamed
city...); a product leaving sale or with less stock (whose status and quantity are part of the key) keeps
every other card. Only the card's age ("il y a 2 h") is worked out each time, and is part of the key."""
from flask import current_app, request
from flask_babel import get_locale
from markupsafe import Markup

from vgk.services.catalogue import versions
from vgk.web import data_saver
from vgk.web.visitor import bp

MAX_CARDS = 5_000  # past this many the cards are all dropped and built again (a few hundred kB of HTML)


@bp.app_template_global()
def kept_card(build, product, heading=3, reason=None, eager=False):
    """The card `build` (the card macro) makes for these arguments, from the kept ones when it is there."""
    app = current_app._get_current_object()
    kept = app.extensions.get("vgk_cards")
    lineup = versions.lineup_of(versions.current(app))
    if kept is None or kept[0] != lineup or len(kept[1]) > MAX_CARDS:
        kept = app.extensions["vgk_cards"] = (lineup, {})
    cover = product.cover
    saver = bool(cover) and data_saver.on()  # asked as the macro asks it: the page then varies on Save-Data
    age = app.jinja_env.filters["ago"](product.published_at or product.created_at)
    key = (product.public_id, product.updated_at, product.status, product.quantity, str(get_locale()),
           request.script_root, saver, heading, str(reason) if reason else None, eager, age)
    card = kept[1].get(key)
    if card is None:
        card = kept[1][key] = Markup(build(product, heading, reason, eager))
    return card
