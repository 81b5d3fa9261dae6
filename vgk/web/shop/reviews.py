"""A guest rates the sellers of their collected order through the signed link sent by SMS and email
(vgk.services.catalogue.social: the same review rules as an account's). No account, no session needed:
the link is the proof; the page is private (no-store, like every shop page) and rate limited."""
from flask import redirect, render_template, url_for

from vgk.edge import checkout_limit
from vgk.errors import Conflict, Invalid, NotFound
from vgk.extensions import limiter
from vgk.security import public
from vgk.services.catalogue import social
from vgk.web.form_errors import apply_errors
from vgk.web.sell.forms import ReviewForm
from vgk.web.shop import bp


def _page(status=200, **context):
    return render_template("shop/guest_review.html", **context), status


@bp.route("/avis/<token>", methods=["GET", "POST"])
@limiter.limit(checkout_limit)
@public
def guest_review(token):
    try:
        order = social.guest_review_order(token)
    except (Invalid, NotFound) as failure:
        return _page(failure.status_code, broken=str(failure.message))
    if social.guest_reviewed(order):  # done (this link's thank-you page), or the link was already used
        return _page(order=order, done=True)
    form = ReviewForm()
    sellers = [item.seller for item in social.guest_review_lines(order)]
    if not form.validate_on_submit():
        return _page(400 if form.is_submitted() else 200, order=order, sellers=sellers, form=form)
    try:
        social.leave_guest_review(token, form.rating.data, form.text.data)
    except (Invalid, Conflict) as failure:
        return _page(failure.status_code, order=order, sellers=sellers, form=form,
                     error=apply_errors(form, failure))
    return redirect(url_for("shop.guest_review", token=token), 303)
