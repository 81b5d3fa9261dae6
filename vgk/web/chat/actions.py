"""What people do in and around a conversation, each a plain form (post, redirect): open one about a
listing or with the support, send a photo, make or answer an offer, report a message, block the other
person (after a confirmation page). Refusals come back on the conversation page, next to their form."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from vgk.errors import DomainError, Invalid
from vgk.security import signed_in
from vgk.services.conversations import offers, safety, threads
from vgk.web.chat import bp
from vgk.web.chat.forms import ActionForm, AmountForm, PhotoForm, ReportForm
from vgk.web.chat.views import me, other_person, render_page
from vgk.web.form_errors import apply_errors


def _to(conversation, anchor="chat-end"):
    return redirect(url_for("chat.conversation", public_id=conversation.public_id) + f"#{anchor}", 303)


def _refused(form, error):
    return apply_errors(form, error) if isinstance(error, Invalid) else str(error.message)


@bp.post("/annonce/<product_id>")
@signed_in
def about_listing(product_id):
    """The buyer's conversation about a listing, opened (or found) and shown; `offre` goes to the offer form."""
    if not ActionForm().validate_on_submit():
        return redirect(url_for("visitor.product", public_id=product_id), 303)
    conversation = threads.open_about_listing(me(), product_id)
    return _to(conversation, "offer-form" if request.form.get("offre") else "chat-end")


@bp.post("/support")
@signed_in
def support():
    if not ActionForm().validate_on_submit():
        return redirect(url_for("account.overview"), 303)
    return _to(threads.open_support(me()))


@bp.post("/<public_id>/photo")
@signed_in
def send_photo(public_id):
    conversation = threads.find(me(), public_id)
    form = PhotoForm()
    if not form.validate_on_submit():
        return render_page(conversation, 400, photo_form=form)
    upload = request.files.get("photo")
    try:
        safety.post_photo(me(), conversation, upload.read() if upload else b"")
    except DomainError as error:
        return render_page(conversation, error.status_code, photo_form=form, photo_error=_refused(form, error))
    return _to(conversation)


@bp.post("/<public_id>/offre")
@signed_in
def make_offer(public_id):
    conversation = threads.find(me(), public_id)
    form = AmountForm()
    if not form.validate_on_submit():
        return render_page(conversation, 400, offer_form=form)
    try:
        offers.make(me(), conversation, form.amount.data)
    except DomainError as error:
        return render_page(conversation, error.status_code, offer_form=form, offer_error=_refused(form, error))
    return _to(conversation)


@bp.post("/<public_id>/offres/<offer_id>")
@signed_in
def answer_offer(public_id, offer_id):
    conversation = threads.find(me(), public_id)
    form = AmountForm()
    if form.validate_on_submit():
        try:
            offers.answer(me(), offer_id, request.form.get("decision"), form.amount.data)
        except DomainError as error:
            flash(str(error.message), "error")
    return _to(conversation)


@bp.post("/<public_id>/signaler/<message_id>")
@signed_in
def report(public_id, message_id):
    conversation = threads.find(me(), public_id)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            safety.report(me(), conversation, message_id, form.reason.data)
        except DomainError as error:
            flash(str(error.message), "error")
        else:
            flash(_("Merci : un administrateur va lire ce message."), "ok")
    return _to(conversation)


@bp.route("/<public_id>/bloquer", methods=["GET", "POST"])
@signed_in
def block(public_id):
    """Confirm, then stop receiving this person's messages and offers."""
    conversation = threads.find(me(), public_id)
    other = other_person(conversation, me())
    if other is None or threads.membership(me(), conversation) is None:
        return redirect(url_for("chat.conversation", public_id=conversation.public_id), 303)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            safety.block(me(), other.public_id)
        except DomainError as error:
            flash(str(error.message), "error")
            return _to(conversation)
        flash(_("%(name)s ne peut plus vous écrire.", name=other.name), "ok")
        return redirect(url_for("chat.inbox"), 303)
    return render_template("chat/block.html", conversation=conversation, other=other, form=form)
