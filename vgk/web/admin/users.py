"""Administration of accounts: the user list and detail, suspend and reinstate, role (and pickup point),
and new staff accounts.

With htmx a change returns the updated row or detail block in place; without JavaScript it redirects back
(or shows the page with the error).
"""
from functools import partial

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from vgk.edge import client_ip
from vgk.errors import DomainError, Invalid
from vgk.services.accounts import people, sessions
from vgk.services.backoffice import directory
from vgk.services.selling import judgements
from vgk.web import htmx
from vgk.web.admin import bp
from vgk.web.admin.common import PER_PAGE, admin_only, back_to, refused
from vgk.web.admin.forms import RoleForm, StaffForm
from vgk.web.form_errors import field_messages


@bp.get("/utilisateurs")
@admin_only
def users():
    filters = directory.UserFilters.from_params(request.args)
    page = directory.search_users(filters, PER_PAGE)
    return htmx.render("admin/users.html", "admin/_users.html", filters=filters, page=page)


def _detail_context(user, **extra):
    return dict(
        user=user,
        points=directory.pickup_points(),
        live_sessions=len(sessions.live_sessions(user)),
        phone=people.format_phone(user.phone),
        is_me=user.id == current_user.id,
        review_feelings=judgements.review_feelings(user.id),
        conversation_feelings=judgements.conversation_feelings(user.id),
        **extra,
    )


@bp.get("/utilisateurs/<public_id>")
@admin_only
def user_detail(public_id):
    user = people.user_by_public_id(public_id)
    return htmx.render("admin/user.html", "admin/_user_detail.html", **_detail_context(user))


def _after_change(user, notice=None, error=None, field_errors=None, chosen=None, status=200):
    """Answer a change: the row or detail block for htmx, else a redirect (or the page with the error).
    `chosen` keeps the values the admin picked in the role form when it is shown again with an error."""
    if htmx.targets(f"row-{user.public_id}"):
        return render_template("admin/_user_row.html", user=user, error=error, notice=notice), status
    if not htmx.is_htmx() and status < 400:
        flash(notice, "ok")
        return redirect(back_to(url_for("admin.user_detail", public_id=user.public_id)))
    field_errors = {name: message for name, message in (field_errors or {}).items()
                    if name != "user"}  # "self": not a field of the form
    if error in field_errors.values():
        error = None  # already shown next to its field
    context = _detail_context(user, error=error, notice=notice, field_errors=field_errors, chosen=chosen or {})
    return htmx.render("admin/user.html", "admin/_user_detail.html", **context), status


def _status_change(public_id, change, done, notice):
    """Suspend or reinstate an account (`change`, audited by its service) and answer the row or page."""
    user = people.user_by_public_id(public_id)
    try:
        change(current_user, user, ip=client_ip())
    except DomainError as error:
        return _after_change(user, error=str(error.message), status=error.status_code)
    current_app.logger.info("admin %s %s account %s", current_user.public_id, done, user.public_id)
    return _after_change(user, notice=notice)


@bp.post("/utilisateurs/<public_id>/suspendre")
@admin_only
def suspend(public_id):
    return _status_change(public_id, directory.suspend, "suspended", _("Compte suspendu : ses sessions sont fermées."))


@bp.post("/utilisateurs/<public_id>/reactiver")
@admin_only
def reinstate(public_id):
    return _status_change(public_id, directory.reinstate, "reinstated", _("Compte réactivé."))


@bp.post("/utilisateurs/<public_id>/role")
@admin_only
def change_role(public_id):
    user = people.user_by_public_id(public_id)
    form = RoleForm()
    try:
        directory.set_role(current_user, user, form.role.data, form.pickup_point.data or None, ip=client_ip())
    except DomainError as error:
        chosen = {"role": form.role.data, "pickup_point": form.pickup_point.data}
        return refused(partial(_after_change, user), error, chosen=chosen)
    current_app.logger.info("admin %s set role %s on account %s", current_user.public_id, user.role, user.public_id)
    return _after_change(user, notice=_("Rôle mis à jour."))


# --- staff accounts ------------------------------------------------------------------------------

@bp.route("/personnel/nouveau", methods=["GET", "POST"])
@admin_only
def new_staff():
    form = StaffForm()
    errors = {}
    if form.validate_on_submit():
        try:
            user = directory.create_staff(
                current_user,
                name=form.name.data,
                phone=form.phone.data,
                email=form.email.data or None,
                password=form.password.data,
                pickup_point_id=form.pickup_point.data,
                ip=client_ip(),
            )
        except Invalid as error:
            errors = field_messages(error)
            if str(error.message) not in errors.values():
                errors["form"] = str(error.message)
        else:
            current_app.logger.info("admin %s created staff account %s", current_user.public_id, user.public_id)
            flash(_("Compte du personnel créé. Communiquez-lui son mot de passe : à sa première connexion, "
                    "un code lui sera envoyé par SMS."), "ok")
            return redirect(url_for("admin.user_detail", public_id=user.public_id))
    status = 400 if errors else 200
    return render_template("admin/new_staff.html", form=form, errors=errors, points=directory.pickup_points()), status
