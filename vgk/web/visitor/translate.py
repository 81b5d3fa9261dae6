"""A listing's title and description translated FR↔EN when a reader asks (vgk.services.catalogue.translations):
the product page offers it near the description only when a model is configured; with htmx the translation
is swapped in under the description, without JavaScript it is a small page of its own. Visitors who are not
signed in are rate limited per address (each new translation costs a model call)."""
from flask import request
from flask_login import current_user

from vgk.edge import translate_limit
from vgk.extensions import limiter
from vgk.security import public
from vgk.services.catalogue import translations
from vgk.web import htmx
from vgk.web.visitor import bp


@bp.app_context_processor
def _translation_offer():
    def translation_target(product):
        """The language a listing's translation is offered in, or None (no model configured)."""
        return translations.target_for(product) if translations.offered() else None

    return {"translation_target": translation_target}


def _signed_in():
    return current_user.is_authenticated


@bp.get("/p/<public_id>/traduction")
@public
@limiter.limit(translate_limit, exempt_when=_signed_in)
def translate_listing(public_id):
    language = request.args.get("vers", "")
    product, found = translations.translation(public_id, language)
    offered = translations.offered()
    status = 503 if offered and found is None else 200  # the model did not answer: try again later
    return htmx.render("visitor/translation.html", "visitor/_translation.html", product=product,
                       translation=found, language=language, offered=offered), status
