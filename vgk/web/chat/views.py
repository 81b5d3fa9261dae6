"""Reading and writing: the inbox, a conversation (its newest page of messages or an older one), writing a
message (post, redirect, see it; with htmx the form is swapped in place and the poller asked to fetch at
once), the fragment htmx polls for what is new (304 when nothing changed) and the photos, shown to the
conversation's readers only."""
from flask import make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from vgk.errors import DomainError, Invalid
from vgk.models import ConversationKind, MessageKind
from vgk.security import signed_in
from vgk.services.conversations import messages, safety, threads
from vgk.services.paging import page_number, parse_id
from vgk.web import htmx
from vgk.web.chat import bp
from vgk.web.chat.forms import ActionForm, AmountForm, MessageForm, PhotoForm, ReportForm
from vgk.web.form_errors import apply_errors

REFRESH = "chat-refresh"


def me():
    return current_user._get_current_object()


def state(reader, conversation):
    """What the poller compares: the newest message and how far the others received and read."""
    delivered, read = messages.receipts(reader, conversation)
    return f"{messages.newest_id(conversation)}-{delivered}-{read}", delivered, read


def other_person(conversation, reader):
    """The person a member of a listing conversation talks to (the one they may block)."""
    if conversation.kind != ConversationKind.LISTING:
        return None
    return next((m.user for m in conversation.members if m.user_id != reader.id), None)


def page_context(conversation, before=None, **forms):
    reader = me()
    member = threads.membership(reader, conversation)
    if member is not None and before is None:
        messages.mark_read(reader, conversation)
    seen, older = messages.page(reader, conversation, before)
    etag, delivered, read = state(reader, conversation)
    product = conversation.product
    buyer = conversation.kind == ConversationKind.LISTING and conversation.created_by_id == reader.id
    return {
        "conversation": conversation, "seen": seen, "older": older, "before": before, "member": member,
        "newest": seen[-1].id if seen else 0,
        "etag": etag, "delivered": delivered, "read": read, "last_mine": _last_mine(reader, conversation, seen),
        "can_write": conversation.closed_at is None and (member is not None
                                                         or threads.answers_support(reader, conversation)),
        "product": product,
        "can_offer": buyer and product is not None and product.negotiable and product.status == "ACTIVE",
        "other": other_person(conversation, reader), "reader": reader,
        "form": forms.get("form") or MessageForm(formdata=None), "photo_form": forms.get("photo_form") or PhotoForm(),
        "offer_form": forms.get("offer_form") or AmountForm(formdata=None), "report_form": ReportForm(formdata=None),
        "action_form": ActionForm(), "form_error": forms.get("form_error"), "photo_error": forms.get("photo_error"),
        "offer_error": forms.get("offer_error"),
    }


def _last_mine(reader, conversation, seen):
    return next((s.id for s in reversed(seen) if s.mine), None)


def render_page(conversation, status=200, **forms):
    return render_template("chat/conversation.html", **page_context(conversation, **forms)), status


@bp.get("")
@signed_in
def inbox():
    reader = me()
    result = threads.inbox(reader, page_number(request.args.get("page"), 500))
    previews = {row.conversation.id: preview(messages.view(row.last, reader, row.conversation))
                for row in result.items if row.last is not None}
    return render_template("chat/inbox.html", page=result, previews=previews)


def preview(seen):
    kind = seen.message.kind
    if kind == MessageKind.PHOTO:
        return _("Photo")
    if kind == MessageKind.OFFER:
        return _("Offre : %(amount)s", amount=seen.text)
    return (_("Vous : %(text)s", text=seen.text) if seen.mine else seen.text)[:120]


@bp.get("/<public_id>")
@signed_in
def conversation(public_id):
    found = threads.find(me(), public_id)
    return render_page(found, before=parse_id(request.args.get("avant")))


@bp.post("/<public_id>")
@signed_in
def write(public_id):
    found = threads.find(me(), public_id)
    form = MessageForm()
    error = None
    if form.validate_on_submit():
        try:
            messages.post_text(me(), found, form.body.data)
        except DomainError as refused:
            error, status = (apply_errors(form, refused) if isinstance(refused, Invalid)
                             else str(refused.message)), refused.status_code
        else:
            if htmx.is_htmx():
                response = make_response(render_template("chat/_form.html", conversation=found,
                                                          form=MessageForm(formdata=None), can_write=True))
                htmx.trigger(response, REFRESH)
                return response
            return redirect(url_for("chat.conversation", public_id=found.public_id) + "#chat-end", 303)
    else:
        status = 400
    if htmx.is_htmx():
        return render_template("chat/_form.html", conversation=found, form=form, can_write=True,
                               form_error=error), status
    return render_page(found, status, form=form, form_error=error)


@bp.get("/<public_id>/nouveaux")
@signed_in
def news(public_id):
    """What came after `apres` (the newest message the page shows), with the receipts: 304 and nothing
    when neither changed (`etat` is the state the page shows)."""
    reader = me()
    found = threads.find(reader, public_id)
    after = parse_id(request.args.get("apres")) or 0
    etag, delivered, read = state(reader, found)
    if request.args.get("etat") == etag or request.if_none_match.contains(etag):
        return make_response("", 304)
    seen = messages.since(reader, found, after)
    if seen and threads.membership(reader, found) is not None:
        messages.mark_read(reader, found, seen[-1].id)
        etag, delivered, read = state(reader, found)
    newest = seen[-1].id if seen else after
    last_mine = next((s.id for s in reversed(seen) if s.mine), None) or _mine_before(reader, found, after)
    response = make_response(render_template(
        "chat/_news.html", conversation=found, seen=seen, newest=newest, etag=etag, delivered=delivered, read=read,
        last_mine=last_mine, reader=reader, report_form=ReportForm(formdata=None), member=True))
    response.set_etag(etag)
    return response


def _mine_before(reader, conversation, after):
    """The reader's own last message among those the page already shows (for its receipt)."""
    seen, _older = messages.page(reader, conversation, after + 1 if after else None, size=messages.PAGE_SIZE)
    return next((s.id for s in reversed(seen) if s.mine), None)


@bp.get("/<public_id>/photos/<message_id>")
@signed_in
def photo(public_id, message_id):
    response = make_response(safety.photo(me(), public_id, message_id))
    response.mimetype = "image/webp"
    return response
