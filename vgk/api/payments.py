"""Mobile Money for an order from the app: start a collection (the payer approves on the phone), check
its status, and, while the simulated gateway is configured, play the payer's phone.

The status is read from the database: a check asks for the gateway to be asked in the background
(vgk.services.commerce.payment_checks), never during the request.

An order placed by a signed-in buyer can be paid or checked only with that buyer's token; a guest order
only with the `access_token` answered once when it was placed (the reference alone, which sellers see,
is not enough). Anyone else is told it does not exist (orders.for_caller, as on the web)."""
from flask_babel import lazy_gettext as _l

from vgk.api import bp
from vgk.api.base import body, current_api_user, ok, public_api
from vgk.api.openapi import envelope, nullable, operation, ref, schemas
from vgk.api.schemas import absolute, iso, order_json
from vgk.api.visitor import field
from vgk.edge import checkout_limit
from vgk.errors import NotFound
from vgk.extensions import limiter
from vgk.models import OrderStatus, PaymentMethod, PaymentStatus
from vgk.services.commerce import payment_checks, payments

schemas(
    Payment={"type": "object", "required": ["reference", "method", "status", "amount"], "properties": {
        "reference": {"type": "string", "description": "the gateway's transaction reference"},
        "method": {"enum": list(PaymentMethod.ALL)},
        "status": {"enum": list(PaymentStatus.ALL)},
        "amount": {"type": "integer"},
        "phone": {"type": "string"},
        "ussd_code": {"type": "string", "description": "what the payer may dial to approve"},
        "payment_url": {"type": "string", "description": "card: the payment page to open in a browser"},
        "created_at": {"type": "string"},
        "settled_at": nullable({"type": "string"}),
    }},
)
REFERENCE = {"type": "string", "minLength": 1, "maxLength": 16, "examples": ["VGK-ABC2345"]}
ACCESS_TOKEN = {"type": "string", "maxLength": 64,
                "description": "a guest order's secret, answered once by `visitor/create_order/` (not needed "
                               "for a signed-in buyer's own order)"}
ORDER_AND_PAYMENT = envelope({
    "order_status": {"enum": list(OrderStatus.ALL)}, "payment_status": {"enum": list(PaymentStatus.ALL)},
    "order": ref("Order"), "payment": ref("Payment"),
})
CHECKED = envelope({
    "order_status": {"enum": list(OrderStatus.ALL)}, "payment_status": {"enum": list(PaymentStatus.ALL)},
    "order": ref("Order"), "payment": ref("Payment"),
    "check_queued": {"type": "boolean", "description": "a check with the gateway was asked for now"},
})


def payment_json(payment):
    return {
        "reference": payment.reference,
        "method": payment.method,
        "status": payment.status,
        "amount": payment.amount,
        "phone": payment.phone,
        "ussd_code": payment.ussd_code,
        "payment_url": absolute(payment.approve_url) if payment.method == PaymentMethod.CARD and payment.approve_url
        else "",
        "created_at": iso(payment.created_at),
        "settled_at": iso(payment.settled_at),
    }


def _answer(order, payment, status=200):
    return ok(status, order_status=order.status, payment_status=payment.status, order=order_json(order),
              payment=payment_json(payment))


def _order(data):
    reference = field(data, "order_reference", required=True, max_length=16)
    token = field(data, "access_token", max_length=64)
    return payments.payable_order(reference, current_api_user(optional=True), access_token=token)


@bp.post("/payment/")
@limiter.limit(checkout_limit)
@public_api
@operation(
    "Pay the order: a request to the payer's phone (Mobile Money) or a card payment page", tag="payment",
    status=201, ok=ORDER_AND_PAYMENT,
    errors=(404, 409, 429),
    description="Sends a collection request of the order's total to `phone` (default: the order's phone); the "
                "payer approves it on the phone (or dials `ussd_code`); for `CARD`, open `payment.payment_url`, the "
                "gateway's card payment page. Then check with `PUT payment/`. 400 when "
                "`payment_method` is not the operator of the number (MTN or Orange, by its prefix). 409 when "
                "the order no longer awaits payment, a request is still pending, or the gateway refused.",
    body={"type": "object", "required": ["order_reference", "payment_method"], "properties": {
        "order_reference": REFERENCE, "access_token": ACCESS_TOKEN,
        "payment_method": {"enum": list(PaymentMethod.ONLINE)},
        "phone": {"type": "string", "maxLength": 40, "examples": ["+237 6 90 12 34 56"]},
    }},
)
def start_payment():
    data = body()
    order = _order(data)
    method = field(data, "payment_method", required=True, max_length=20)
    phone = field(data, "phone", max_length=40) or order.customer_phone
    payment = payments.start_again(order, method, phone)
    return _answer(order, payment, 201)


@bp.put("/payment/")
@public_api
@operation(
    "Check the order's payment", tag="payment", ok=CHECKED, errors=(404,), methods=("PUT",),
    description="Answers the order's and the latest payment's status as they stand, and asks for the gateway "
                "to be checked about a pending payment in the background (`check_queued`: true; false when a check "
                "was asked for this order less than 15 s ago, or when there is nothing to check). The gateway's "
                "callback and background checks (10 s after the request, then 20 s, 40 s...) mark the order PAID "
                "once the payer approved: call again a few seconds later to see it. 404 when no payment was ever "
                "asked for.",
    body={"type": "object", "required": ["order_reference"], "properties": {
        "order_reference": REFERENCE, "access_token": ACCESS_TOKEN}},
)
def check_payment():
    order = _order(body())
    payment, asked = payment_checks.ask(order)
    return ok(order_status=order.status, payment_status=payment.status, order=order_json(order),
              payment=payment_json(payment), check_queued=asked == payment_checks.QUEUED)


@bp.post("/payment/simulate/")
@public_api
@operation(
    "Approve or decline on the simulated payer's phone", tag="payment", ok=ORDER_AND_PAYMENT, errors=(404, 409),
    description="Only while the simulated gateway is configured (no Campay account): plays the payer's phone "
                "for the order's latest payment request, then the gateway's signed callback is processed as a "
                "real provider's. 404 otherwise; 409 once the request was settled.",
    body={"type": "object", "required": ["order_reference", "decision"], "properties": {
        "order_reference": REFERENCE, "access_token": ACCESS_TOKEN, "decision": {"enum": list(payments.DECISIONS)},
    }},
)
def simulate_payment():
    if not payments.is_simulated():
        raise NotFound(_l("Introuvable."))
    data = body()
    order = _order(data)
    decision = field(data, "decision", required=True, max_length=10)
    payment = payments.latest_payment(order)
    if payment is None:
        raise NotFound(_l("Aucun paiement en cours pour cette commande."))
    payments.decide_simulated(payment.reference, decision)
    payment = payments.latest_payment(order)
    return _answer(order, payment)
