"""What a person did with the account: their orders, their sales, their wallet (and payout requests),
and their in-app notifications."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from vgk.errors import Invalid
from vgk.security import signed_in
from vgk.services import paging
from vgk.services.messaging import inbox
from vgk.web.account import bp
from vgk.web.account.views import _me, _status
from vgk.web.form_errors import apply_errors
from vgk.web.htmx import is_htmx, render

# --- orders, sales and wallet ------------------------------------------------------------------

@bp.get("/commandes")
@signed_in
def my_orders():
    from vgk.services.commerce import orders

    return render_template("account/orders.html", orders=orders.for_buyer(_me()))


@bp.get("/ventes")
@signed_in
def my_sales():
    from vgk.services.commerce import orders

    return render_template("account/sales.html", items=orders.sales_of(_me()))


def _wallet_page(form, status=200, error=None):
    from vgk.services.commerce import wallet

    user = _me()
    return render_template("account/wallet.html", form=form, error=error, balance=wallet.balance(user),
                           pending=wallet.pending(user), entries=wallet.ledger(user),
                           payouts=wallet.payouts_of(user)), status


@bp.route("/portefeuille", methods=["GET", "POST"])
@signed_in
def wallet_page():
    from vgk.services.commerce import wallet
    from vgk.web.shop.forms import PayoutForm

    form = PayoutForm()
    if request.method == "GET" and not form.phone.data:
        form.phone.data = _me().phone
    if not form.validate_on_submit():
        return _wallet_page(form, _status(form))
    try:
        payout = wallet.request_payout(_me(), form.amount.data, form.phone.data)
    except Invalid as error:
        return _wallet_page(form, 400, apply_errors(form, error))
    flash(_("Retrait de %(amount)s demandé : il sera envoyé après validation.",
            amount=f"{payout.amount:,} FCFA".replace(",", " ")), "ok")
    return redirect(url_for("account.wallet_page"), 303)


# --- notifications -----------------------------------------------------------------------------

@bp.app_context_processor
def _unread():
    def unread_notifications():
        return inbox.unread_count(current_user) if current_user.is_authenticated else 0

    return {"unread_notifications": unread_notifications}


def _notifications_page(status=200):
    page = paging.page_number(request.args.get("page"), 500)
    rows, count = inbox.page_for(_me(), page, inbox.PER_PAGE)
    last_page = max(1, -(-count // inbox.PER_PAGE))
    return render("account/notifications.html", "account/_notifications.html", rows=rows, page=page,
                  last_page=last_page, unread=inbox.unread_count(_me())), status


@bp.get("/notifications")
@signed_in
def notifications():
    return _notifications_page()


@bp.post("/notifications/lues")
@signed_in
def read_notifications():
    inbox.mark_read(_me())
    if is_htmx():
        return _notifications_page()
    flash(_("Toutes vos notifications sont marquées comme lues."), "ok")
    return redirect(url_for("account.notifications"), 303)
