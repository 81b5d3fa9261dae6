"""Shop pages. Views read the request (a form), call one service (cart, checkout, payments, orders)
and render; with htmx they answer with the fragment only (vgk.web.htmx)."""
import logging

from flask import abort, flash, jsonify, make_response, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from vgk.edge import auth_limit, checkout_limit, client_ip, code_limit, webhook_limit
from vgk.errors import Conflict, Invalid, NotFound, RateLimited
from vgk.extensions import csrf, limiter
from vgk.models import Fulfilment, PaymentMethod, PaymentStatus
from vgk.security import public
from vgk.services.accounts import people
from vgk.services.commerce import cart as carts
from vgk.services.commerce import checkout, handover, orders, payment_checks, payments
from vgk.web import visitors
from vgk.web.form_errors import apply_errors
from vgk.web.forms import keeps_typed_form, same_origin_form
from vgk.web.htmx import is_htmx, render
from vgk.web.qr import qr_svg
from vgk.web.shop import bp
from vgk.web.shop.forms import (
    ActionForm,
    AddToCartForm,
    CheckoutForm,
    ConfirmPhoneForm,
    PayForm,
    QuantityForm,
    TrackForm,
)

log = logging.getLogger(__name__)
MY_ORDERS = "my_orders"  # references of the orders this browser placed or tracked
HOLDS_SECRET = "order_secrets"  # ...of those, the ones placed here or opened with their access token
MAX_REMEMBERED = 20
CHECKOUT_ALIASES = {"customer_name": "name", "customer_phone": "phone", "customer_email": "email",
                    "delivery_city": "delivery_city_id"}
CALLBACK_OK = {"processed", "duplicate", "pending"}
CHECK_NOTICES = {
    payment_checks.QUEUED: _l("Vérification demandée à l’opérateur : ce statut se met à jour dans quelques secondes."),
    payment_checks.RECENT: _l("Vérification déjà en cours : ce statut se met à jour seul."),
    payment_checks.NOTHING: _l("Paiement pas encore confirmé : validez la demande sur votre téléphone."),
}
MAX_CALLBACK_BYTES = 64 * 1024  # a provider's callback is a few hundred bytes


@bp.after_request
def private_pages(response):
    """Carts, checkout, orders, tracking and payments are one person's: never kept by the service
    worker, a proxy or the browser's history cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


# --- who owns the cart ----------------------------------------------------------------------------

def _owner(create=False):
    """The signed-in person's saved cart, else the visitor's (a random key in the session)."""
    if current_user.is_authenticated:
        return {"user": current_user._get_current_object()}
    key = session.get("cart_key")
    if not key and create:
        key = session["cart_key"] = carts.new_session_key()
    return {"session_key": key}


def _buyer():
    return current_user._get_current_object() if current_user.is_authenticated else None


@bp.app_context_processor
def cart_badge():
    def cart_count():
        if current_user.is_authenticated:
            return carts.badge_count(user=current_user)
        return carts.badge_count(session_key=session.get("cart_key"))

    return {"cart_count": cart_count}


# --- cart -----------------------------------------------------------------------------------------

def _cart_page(status=200, error=None):
    view = carts.view(**_owner())
    return render_template("shop/cart.html", view=view, error=error, form=ActionForm(formdata=None)), status


@bp.get("/panier")
@public
def cart():
    return _cart_page()


@bp.post("/panier/ajouter")
@public
@same_origin_form
def add_to_cart():
    form = AddToCartForm()
    error, status = None, 200
    if not form.validate_on_submit():
        error, status = _("Choisissez un article à ajouter."), 400
    else:
        try:
            carts.add(form.product.data, (form.quantity.data or "1").strip() or "1", **_owner(create=True),
                      person=visitors.acting_person())
        except (Invalid, NotFound) as failure:
            error, status = str(failure.message), failure.status_code
    if is_htmx():
        return render_template("shop/_added.html", error=error, count=carts.count(**_owner())), status
    if error:
        return _cart_page(status, error)
    flash(_("Article ajouté au panier."), "ok")
    return redirect(url_for("shop.cart"), 303)


@bp.post("/panier/<public_id>/quantite")
@public
def set_quantity(public_id):
    form = QuantityForm()
    if not form.validate_on_submit():
        return _cart_page(400, _("Indiquez une quantité."))
    try:
        carts.set_quantity(public_id, form.quantity.data, **_owner())
    except Invalid as failure:
        return _cart_page(400, str(failure.message))
    return redirect(url_for("shop.cart"), 303)


@bp.post("/panier/<public_id>/retirer")
@public
def remove_from_cart(public_id):
    ActionForm().validate_on_submit() or abort(400)
    carts.remove(public_id, **_owner())  # NotFound -> 404
    flash(_("Article retiré du panier."), "ok")
    return redirect(url_for("shop.cart"), 303)


# --- checkout -------------------------------------------------------------------------------------

def _checkout_choices(form):
    grouped = {}
    for point in checkout.pickup_points():
        grouped.setdefault(point.city.name, []).append((str(point.id), point.name))
    form.pickup_point_id.choices = grouped
    form.delivery_city_id.choices = [("", _("Choisissez la ville"))] + [
        (str(city.id), f"{city.name} (+ {city.delivery_fee:,} FCFA)".replace(",", " "))
        for city in checkout.delivery_cities()
    ]


def _checkout_page(form, view, status=200, error=None):
    fees = {str(city.id): city.delivery_fee for city in checkout.delivery_cities()}
    fee = fees.get(form.delivery_city_id.data or "", 0) if form.fulfilment.data == Fulfilment.DELIVERY else 0
    return render_template("shop/checkout.html", form=form, view=view, fee=fee, error=error,
                           operators=payments.operator_prefixes()), status


@bp.route("/commande", methods=["GET", "POST"])
@keeps_typed_form
@limiter.limit(checkout_limit, methods=["POST"])
@public
def checkout_page():
    owner = _owner()
    view = carts.view(**owner)
    form = CheckoutForm()
    _checkout_choices(form)
    if request.method == "GET":
        point = checkout.default_pickup_point(view.lines, _buyer())
        form.pickup_point_id.data = form.pickup_point_id.data or (str(point.id) if point else None)
    if request.method == "GET" and current_user.is_authenticated:
        form.name.data = form.name.data or current_user.name
        form.phone.data = form.phone.data or people.format_phone(current_user.phone)
        form.email.data = form.email.data or current_user.email
    if not form.validate_on_submit():
        return _checkout_page(form, view, 400 if form.is_submitted() else 200)
    try:
        order = checkout.place_order(
            cart=view.cart, buyer=_buyer(), name=form.name.data, phone=form.phone.data, email=form.email.data,
            payment_method=form.payment_method.data, fulfilment=form.fulfilment.data,
            pickup_point_id=form.pickup_point_id.data, delivery_city_id=form.delivery_city_id.data,
            delivery_address=form.delivery_address.data, person=visitors.known_person(),
        )
    except Invalid as failure:
        return _checkout_page(form, view, 400, apply_errors(form, failure, CHECKOUT_ALIASES))
    except Conflict as failure:
        return _checkout_page(form, carts.view(**owner), 409, str(failure.message))
    except RateLimited as failure:
        return _checkout_page(form, carts.view(**owner), 429, str(failure.message))
    _remember(order.reference, holds_secret=True)
    if order.payment_method != PaymentMethod.CASH:
        try:
            payment = payments.start(order, order.payment_method, form.phone.data)
        except (Invalid, Conflict) as failure:
            flash(str(failure.message), "error")
        else:
            if payment.method == PaymentMethod.CARD and payment.approve_url:
                return redirect(payment.approve_url, 303)  # the card payment page
    return redirect(url_for("shop.order", reference=order.reference), 303)


# --- the buyer's order ----------------------------------------------------------------------------

def _remember(reference, *, holds_secret=False):
    """Keep the order in this browser's list. `holds_secret`: placed here or opened with its access
    token, which shows its handover code; an order found with reference and phone is tracked only."""
    for key in (MY_ORDERS, HOLDS_SECRET) if holds_secret else (MY_ORDERS,):
        kept = [ref for ref in session.get(key, []) if ref != reference]
        session[key] = (kept + [reference])[-MAX_REMEMBERED:]


def _may_see_code(order):
    """The handover code collects the order: shown to its account, or to the browser that placed it or
    opened it with its access token — never to whoever knows its reference and phone number. (`order`: an
    order or its poll state.)"""
    if order.buyer_id is not None:
        return current_user.is_authenticated and current_user.id == order.buyer_id
    return order.reference in session.get(HOLDS_SECRET, [])


def _my_order(reference, access_token=None):
    """The order if it is the signed-in buyer's, or a guest order this browser placed or found with its
    phone number (kept in the signed session) or whose access token is given; else 404 (the rule is
    orders.for_caller, shared with the API)."""
    reference = str(reference or "").strip().upper()[:16]
    return orders.for_caller(reference, user=_buyer(), access_token=access_token,
                             proven=reference in session.get(MY_ORDERS, []))


def _order_context(order, **extra):
    payment = payments.latest_payment(order)
    submitted = extra.pop("pay_form", None)
    pay_form = submitted or PayForm(formdata=None)
    if submitted is None:  # paying again: the method and number of the last try
        pay_form.phone.data = people.format_phone((payment.phone if payment else "") or order.customer_phone)
        method = payment.method if payment else order.payment_method
        pay_form.payment_method.data = method if method in PaymentMethod.MOBILE else PaymentMethod.MTN_MOMO
    confirm_form = extra.pop("confirm_form", None) or ConfirmPhoneForm(formdata=None)
    code = orders.handover_code(order) if orders.awaits_handover(order) and _may_see_code(order) else None
    qr = qr_svg(orders.handover_qr(order), _("QR code de retrait de la commande %(ref)s", ref=order.reference)) \
        if code else None
    poll_tag = _poll_tag(payment_checks.version_of(order, payment), _may_see_code(order))
    return dict(order=order, payment=payment, pay_form=pay_form, form=ActionForm(formdata=None), poll_tag=poll_tag,
                operators=payments.operator_prefixes(),
                confirm_form=confirm_form, simulated=payments.is_simulated(), handover_code=code, handover_qr=qr,
                can_resend=orders.awaits_handover(order), **extra)


@bp.get("/commande/<reference>")
@public
def order(reference):
    token = request.args.get("cle")
    if token:  # a link with the order's access token: remember the order here, then drop the token from the URL
        found = _my_order(reference, access_token=token[:64])
        _remember(found.reference, holds_secret=True)
        return redirect(url_for("shop.order", reference=found.reference), 303)
    if is_htmx():  # the status poll: 304 while the block it holds (?v= or If-None-Match) is still true
        state = _poll_state(reference)
        tag = _poll_tag(state.version, _may_see_code(state))
        if tag == request.args.get("v", "")[:40] or request.if_none_match.contains(tag):
            return _not_modified(tag)
    context = _order_context(_my_order(reference))
    response = make_response(render("shop/order.html", "shop/_order_status.html", **context))
    if is_htmx():
        response.set_etag(context["poll_tag"])
    return response


def _poll_state(reference):
    reference = str(reference or "").strip().upper()[:16]
    return payment_checks.poll_state(reference, user=_buyer(), proven=reference in session.get(MY_ORDERS, []))


def _poll_tag(version, sees_code):
    """The status block's version as this reader sees it (the handover code or not, the language)."""
    return f"{version}-{get_locale() or 'fr'}{'-c' if sees_code else ''}"


def _not_modified(tag):
    response = make_response("", 304)
    response.set_etag(tag)
    return response


@bp.post("/commande/<reference>/verifier")
@public
def check_payment(reference):
    """The "check my payment" button: the gateway is asked in the background (payment_checks.ask); with
    htmx the status block says so in place, and its poll shows the answer; without, the order page again."""
    found = _my_order(reference)
    ActionForm().validate_on_submit() or abort(400)
    try:
        payment, asked = payment_checks.ask(found)
        notice = CHECK_NOTICES.get(asked) if payment.status == PaymentStatus.PENDING else None
    except NotFound as failure:
        notice = str(failure.message)
    if is_htmx():
        return render_template("shop/_order_status.html", **_order_context(found, notice=notice))
    if notice:
        flash(notice, "warn")
    return redirect(url_for("shop.order", reference=found.reference), 303)


@bp.get("/commande/<reference>/carte")
@public
def card_return(reference):
    """Back from the card payment page: the gateway is asked in the background, and the order page says
    where the payment stands and updates itself (the visit proves nothing: only the gateway's answer
    marks the order paid)."""
    payment = payment_checks.card_returned(found := _my_order(reference), request.args.get("reference"))
    if payment is not None and payment.status == PaymentStatus.SUCCESSFUL:
        flash(_("Paiement par carte reçu."), "ok")
    elif payment is not None and payment.status == PaymentStatus.FAILED:
        flash(_("Le paiement a échoué ou a été refusé. Vous pouvez payer à nouveau."), "error")
    elif request.args.get("echec"):
        flash(_("Paiement par carte non abouti : vous pouvez réessayer."), "warn")
    else:
        flash(_("Paiement par carte en cours de confirmation : cette page se met à jour seule."), "warn")
    return redirect(url_for("shop.order", reference=found.reference), 303)


@bp.post("/commande/<reference>/confirmer")
@limiter.limit(auth_limit)
@public
def confirm_phone(reference):
    """A guest's cash order: the code sent by SMS to the phone given at checkout confirms it."""
    found = _my_order(reference)
    form = ConfirmPhoneForm()
    if not form.validate_on_submit():
        return render_template("shop/order.html", **_order_context(found, confirm_form=form)), 400
    try:
        checkout.confirm_cash_order(found, form.code.data)
    except (Invalid, Conflict, RateLimited) as failure:
        top = apply_errors(form, failure, {"code": "code"}) if isinstance(failure, Invalid) else str(failure.message)
        return render_template("shop/order.html", **_order_context(_my_order(reference), confirm_form=form,
                                                                   error=top)), failure.status_code
    flash(_("Commande confirmée : votre code de retrait vous a été envoyé par SMS."), "ok")
    return redirect(url_for("shop.order", reference=found.reference), 303)


@bp.post("/commande/<reference>/payer")
@limiter.limit(checkout_limit)
@public
def pay(reference):
    found = _my_order(reference)
    form = PayForm()
    if not form.validate_on_submit():
        return render_template("shop/order.html", **_order_context(found, pay_form=form)), 400
    try:  # a request still pending on the payer's phone (the gateway is asked) is a 409
        payment = payments.start_again(found, form.payment_method.data, form.phone.data)
    except Invalid as failure:
        top = apply_errors(form, failure, {"payment_method": "payment_method"})
        return render_template("shop/order.html", **_order_context(found, pay_form=form, error=top)), 400
    except Conflict as failure:
        return render_template("shop/order.html", **_order_context(found, pay_form=form,
                                                                   error=str(failure.message))), 409
    if payment.method == PaymentMethod.CARD and payment.approve_url:
        return redirect(payment.approve_url, 303)  # the card payment page
    flash(_("Demande de paiement envoyée : validez-la sur votre téléphone."), "ok")
    return redirect(url_for("shop.order", reference=found.reference), 303)


@bp.post("/commande/<reference>/code")
@limiter.limit(code_limit)
@public
def resend_code(reference):
    """A new handover code by SMS to the order's phone (lost, or locked by wrong codes)."""
    found = _my_order(reference)
    ActionForm().validate_on_submit() or abort(400)
    try:
        handover.resend_code(found, ip=client_ip())
    except (Conflict, RateLimited) as failure:
        return render_template("shop/order.html", **_order_context(found, error=str(failure.message))), \
            failure.status_code
    flash(_("Nouveau code de retrait envoyé par SMS au numéro de la commande : l’ancien ne marche plus."), "ok")
    return redirect(url_for("shop.order", reference=found.reference), 303)


# --- tracking for guests --------------------------------------------------------------------------

@bp.route("/suivi", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
@public
def track():
    form = TrackForm()
    if request.method == "GET" and request.args.get("ref"):  # the link sent by SMS names the order
        form.reference.data = request.args.get("ref", "").strip().upper()[:16]
    if not form.validate_on_submit():
        return render_template("shop/track.html", form=form), 400 if form.is_submitted() else 200
    try:
        found = orders.track(form.reference.data, form.phone.data)
    except NotFound as failure:
        return render_template("shop/track.html", form=form, error=str(failure.message)), 404
    _remember(found.reference)
    return redirect(url_for("shop.order", reference=found.reference), 303)


# --- the simulated payer's phone ------------------------------------------------------------------

def _collection(reference):
    """The simulated collection request, or 404 (no simulated gateway, or not one of its collections)."""
    try:
        return payments.simulated_collection(reference)
    except NotFound:
        abort(404)


@bp.route("/simulateur/<reference>", methods=["GET", "POST"])
@public
def simulator(reference):
    details = _collection(reference)
    if request.method == "GET":
        return render_template("shop/simulator.html", details=details, form=ActionForm(formdata=None))
    decision = request.form.get("decision")
    if not ActionForm().validate_on_submit() or decision not in payments.DECISIONS:
        return render_template("shop/simulator.html", details=details, form=ActionForm(formdata=None),
                               error=_("Choisissez Approuver ou Refuser.")), 400
    try:  # the signed callback goes through the same service as a real provider's webhook
        outcome = payments.decide_simulated(details["reference"], decision)
    except Conflict as failure:
        return render_template("shop/simulator.html", details=_collection(reference), form=ActionForm(formdata=None),
                               error=str(failure.message)), 409
    details = _collection(reference)
    if details["kind"] == "CARD":  # as a card payment page does: back to the shop, which asks the gateway
        back = details["redirect_url"] if decision == "approve" else details["failure_redirect_url"]
        return redirect(back or url_for("visitor.home"), 303)
    return render_template("shop/simulator_done.html", details=details,
                           approved=decision == "approve", outcome=outcome)


# --- the payment provider's webhook ---------------------------------------------------------------

@bp.route("/paiements/campay/webhook", methods=["GET", "POST"])
@csrf.exempt
@limiter.limit(webhook_limit)
@public
def campay_webhook():
    if (request.content_length or 0) > MAX_CALLBACK_BYTES:
        return jsonify({"success": False, "outcome": "too_large"}), 413
    params = request.args.to_dict()
    if request.method == "POST":
        body = request.get_json(silent=True) if request.is_json else None
        params.update(body if isinstance(body, dict) else request.form.to_dict())
    outcome = payments.handle_callback("campay", params)
    ok = outcome in CALLBACK_OK
    return jsonify({"success": ok, "outcome": outcome}), 200 if ok else 400
