"""Conversations for admins: the support queue (cards that fit a phone, "en attente" while the last word
is not an admin's), the reported conversations with their reported messages (hide some, close, or dismiss),
and a new group gathered from a list of phones or emails. The menu counts what waits."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from vgk.edge import client_ip
from vgk.errors import DomainError, Invalid
from vgk.services.conversations import messages, safety, threads
from vgk.services.paging import page_number
from vgk.web.admin import bp
from vgk.web.admin.common import PER_PAGE, admin_only
from vgk.web.admin.forms import GroupForm, SettleForm
from vgk.web.form_errors import field_messages


def _me():
    return current_user._get_current_object()


@bp.context_processor
def conversation_counts():
    """The menu's count of reported messages waiting, read only by the pages that show the menu."""
    return {"open_message_reports": lambda: safety.open_reports(_me())}


@bp.get("/support")
@admin_only
def support_queue():
    result = threads.support_queue(_me(), page_number(request.args.get("page"), 500), PER_PAGE)
    return render_template("admin/support.html", page=result, waiting=threads.awaiting_answer(result.items))


def _reported_page(error=None, status=200):
    admin = _me()
    result = safety.reported(admin, page_number(request.args.get("page"), 500), PER_PAGE)
    reports = safety.open_reports_in(admin, [row.conversation.id for row in result.items])
    by_id = {row.conversation.id: row.conversation for row in result.items}
    seen = {conversation_id: [(entry, messages.view(message, admin, by_id[conversation_id])) for entry, message in rows]
            for conversation_id, rows in reports.items()}
    return render_template("admin/reported_conversations.html", page=result, reports=seen, error=error,
                           form=SettleForm(formdata=None)), status


@bp.get("/conversations-signalees")
@admin_only
def reported_conversations():
    return _reported_page()


@bp.post("/conversations-signalees/<public_id>")
@admin_only
def settle_conversation(public_id):
    form = SettleForm()
    if not form.validate_on_submit():
        return _reported_page(status=400)
    conversation = threads.find(_me(), public_id)
    action = request.form.get("action")
    hide = request.form.getlist("hide") if action != "dismiss" else []
    safety.settle_reports(_me(), conversation, close=action == "close", hide_ids=hide, ip=client_ip())
    flash(_("Signalements traités."), "ok")
    return redirect(url_for("admin.reported_conversations"))


@bp.route("/groupes/nouveau", methods=["GET", "POST"])
@admin_only
def new_group():
    form = GroupForm()
    error, status = None, 200
    if form.validate_on_submit():
        try:
            members = threads.identified_members((form.members.data or "").splitlines())
            group = threads.start_group(_me(), form.title.data, members, ip=client_ip())
        except DomainError as refused:
            error, status = str(refused.message), refused.status_code
            for name, message in (field_messages(refused) if isinstance(refused, Invalid) else {}).items():
                field = getattr(form, name, None)
                if field is not None:
                    field.errors = [*field.errors, message]
        else:
            return redirect(url_for("chat.conversation", public_id=group.public_id))
    elif request.method == "POST":
        status = 400
    return render_template("admin/new_group.html", form=form, error=error), status
