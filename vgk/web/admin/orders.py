"""Administration of orders: the filtered list, an order's detail, and the admin's moves on it (cancel,
refund, dispatch, deliver), each audited by vgk.services.backoffice.admin_orders. With htmx a move returns the detail
block."""
from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from vgk.edge import client_ip
from vgk.errors import DomainError
from vgk.services.backoffice import admin_orders
from vgk.web import htmx
from vgk.web.admin import bp
from vgk.web.admin.common import PER_PAGE, admin_only, refused


def _order_page(order, error=None, field_errors=None, status=200):
    """The order detail (its block for htmx), optionally with an error; a non-2xx status when refused."""
    return htmx.render("admin/order.html", "admin/_order_detail.html", order=order, city=admin_orders.city_of(order),
                       error=error, field_errors=field_errors or {}), status


def _after_order_move(reference, notice):
    if htmx.is_htmx():
        return _order_page(admin_orders.detail(reference))[0]
    flash(notice, "ok")
    return redirect(url_for("admin.order_detail", reference=reference))


@bp.get("/commandes")
@admin_only
def orders_list():
    filters = admin_orders.OrderFilters.from_params(request.args)
    page = admin_orders.search(filters, PER_PAGE)
    return htmx.render("admin/orders.html", "admin/_orders.html", filters=filters, page=page,
                  cities=admin_orders.cities(), city_of=admin_orders.city_of)


@bp.get("/commandes/<reference>")
@admin_only
def order_detail(reference):
    return _order_page(admin_orders.detail(reference))[0]


def _order_action(reference, action, run, done_message):
    """Run one admin move on an order (its service audits it) and answer the page or fragment."""
    try:
        order = run()
    except DomainError as error:
        if error.status_code == 404:
            raise
        return refused(_order_page, error, order=admin_orders.detail(reference))
    current_app.logger.info("admin %s: order.%s on %s", current_user.public_id, action, order.reference)
    return _after_order_move(order.reference, done_message)


@bp.post("/commandes/<reference>/annuler")
@admin_only
def cancel_order(reference):
    reason = request.form.get("reason", "")
    return _order_action(reference, "cancel", lambda: admin_orders.cancel(reference, current_user, reason, client_ip()),
                         _("Commande annulée."))


@bp.post("/commandes/<reference>/rembourser")
@admin_only
def refund_order(reference):
    reason = request.form.get("reason", "")
    return _order_action(reference, "refund", lambda: admin_orders.refund(reference, current_user, reason, client_ip()),
                         _("Commande remboursée."))


@bp.post("/commandes/<reference>/expedier")
@admin_only
def dispatch_order(reference):
    return _order_action(reference, "dispatch", lambda: admin_orders.dispatch(reference, current_user, client_ip()),
                         _("Commande confiée au livreur."))


@bp.post("/commandes/<reference>/livrer")
@admin_only
def deliver_order(reference):
    code = request.form.get("code", "")
    return _order_action(reference, "deliver", lambda: admin_orders.deliver(reference, current_user, code, client_ip()),
                         _("Commande livrée."))
