"""“Améliorer l'annonce” on the listing form, new or edited: the seller's title, category, condition and
description (and the listing's first photo) go to vgk.services.selling.proposals, and the proposal comes back
under the description with “Utiliser cette proposition” and “Ignorer”.

With htmx only the proposal block is swapped, and using it fills the form's fields in the page (static/js/
sell.js). Without JavaScript the whole form comes back, as typed, with the proposal; its two buttons post the
form here again: “use” puts the proposal in the title and description, “ignore” drops it. Either way nothing
is saved until the seller submits the form."""
from flask import render_template, request
from flask_babel import get_locale
from flask_login import current_user

from vgk.errors import Invalid, RateLimited
from vgk.security import client_required
from vgk.services.selling import listings, proposals
from vgk.web.htmx import is_htmx
from vgk.web.sell import bp
from vgk.web.sell.forms import ListingForm
from vgk.web.sell.views import _choices, _edit_page


def _form_page(listing, status=200, **extra):
    """The listing form as the seller typed it (no checks: nothing is saved), with `extra` for the proposal."""
    form = _choices(ListingForm())
    if extra.get("proposal_used"):
        form.title.data = request.form.get("proposal_title", "")[:120]
        form.description.data = request.form.get("proposal_description", "")[:5000]
    if listing:
        return _edit_page(listings.get_own(current_user._get_current_object(), listing), form, status, **extra)
    return render_template("sell/form.html", form=form, product=None, **extra), status


@bp.post("/compte/annonces/proposition")
@client_required
def improve_listing():
    listing = request.form.get("listing") or None
    if "use" in request.form or "ignore" in request.form:  # the proposal's buttons, without JavaScript
        return _form_page(listing, proposal_used="use" in request.form)
    upload = next((file.read() for file in request.files.getlist("photos") if file and file.filename), None)
    try:
        proposal = proposals.propose(
            current_user._get_current_object(), request.form.get("title"), request.form.get("category"),
            request.form.get("condition"), request.form.get("description"), str(get_locale() or "fr"),
            listing=listing, upload=upload)
    except (Invalid, RateLimited) as refused:
        proposal, error, status = None, str(refused.message), refused.status_code
    else:
        error, status = None, 200
    if is_htmx():
        return render_template("sell/_proposal.html", proposal=proposal, proposal_error=error), status
    return _form_page(listing, status, proposal=proposal, proposal_error=error)
