"""Administration of sellers' payout requests: the pending list, approve (the money is sent) and reject
(it goes back to the seller's wallet), each audited by vgk.services.commerce.wallet. With htmx a decision returns
its row in place."""
from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from vgk.edge import client_ip
from vgk.errors import DomainError
from vgk.services.commerce import wallet
from vgk.text import format_xaf
from vgk.web.admin import bp
from vgk.web.admin.common import admin_only, decided


@bp.get("/retraits")
@admin_only
def payouts():
    return render_template("admin/payouts.html", payouts=wallet.pending_payouts())


def _after_payout(public_id, payout=None, notice=None, error=None, status=200):
    """The row in place for htmx; else a redirect back to the list (or the list with the error)."""
    return decided(
        status, notice, url_for("admin.payouts"),
        row=lambda: render_template("admin/_payout_row.html", payout=payout, public_id=public_id, notice=notice,
                                    error=error, done=payout is not None and payout.status != "REQUESTED"),
        page=lambda: render_template("admin/payouts.html", payouts=wallet.pending_payouts(), error=error))


def _pending(public_id):
    return next((p for p in wallet.pending_payouts() if p.public_id == public_id), None)


@bp.post("/retraits/<public_id>/approuver")
@admin_only
def approve_payout(public_id):
    try:
        payout = wallet.approve_payout(current_user, public_id, ip=client_ip())
    except DomainError as error:
        return _after_payout(public_id, _pending(public_id), error=str(error.message), status=error.status_code)
    current_app.logger.info("admin %s approved payout %s", current_user.public_id, payout.public_id)
    return _after_payout(public_id, payout, notice=_("Retrait de %(amount)s envoyé à %(name)s.",
                                                     amount=format_xaf(payout.amount), name=payout.user.name))


@bp.post("/retraits/<public_id>/refuser")
@admin_only
def reject_payout(public_id):
    try:
        payout = wallet.reject_payout(current_user, public_id, request.form.get("reason", ""), ip=client_ip())
    except DomainError as error:
        return _after_payout(public_id, _pending(public_id), error=str(error.message), status=error.status_code)
    current_app.logger.info("admin %s rejected payout %s", current_user.public_id, payout.public_id)
    return _after_payout(public_id, payout, notice=_(
        "Retrait refusé : le montant est revenu dans le portefeuille de %(name)s.", name=payout.user.name))
