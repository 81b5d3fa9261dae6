"""The buyer's path from the app, with or without an account: the cart (a guest's by a session key the
API hands out, a signed-in caller's own saved cart), placing the order, and tracking a guest order."""
import re

from flask import request
from flask_babel import lazy_gettext as _l

from vgk.api import bp
from vgk.api.base import api_person, body, current_api_user, integer, ok, public_api, text
from vgk.api.openapi import envelope, nullable, operation, query, ref
from vgk.api.products import cleaned
from vgk.api.schemas import cart_json, order_json
from vgk.edge import auth_limit, checkout_limit, client_ip, code_limit, report_limit
from vgk.errors import Invalid
from vgk.extensions import limiter
from vgk.models import Fulfilment, PaymentMethod, ReportReason
from vgk.services.catalogue import catalog
from vgk.services.commerce import cart as carts
from vgk.services.commerce import checkout, handover, orders
from vgk.services.selling import reports

SESSION_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")
SESSION_KEY_SCHEMA = {"type": "string", "pattern": "^[A-Za-z0-9_-]{16,64}$",
                      "description": "the guest cart's key, as answered by `visitor/add_to_cart/`; "
                                     "ignored when a bearer token is sent (the account's own cart is used)"}
ID = {"type": "string", "minLength": 1, "maxLength": 16, "description": "a product's id"}
QUANTITY = {"type": "integer", "minimum": 1, "maximum": carts.MAX_QUANTITY}
CART = envelope({"cart": ref("Cart")})
REFERENCE = {"type": "string", "minLength": 1, "maxLength": 16, "examples": ["VGK-ABC2345"]}


def field(data, name, **kwargs):
    """A text field of the body (base.text) without NUL characters, which no stored text holds."""
    value = text(data, name, **kwargs)
    if value is not None and "\x00" in value:
        raise Invalid(_l("Valeur invalide."), {name: "invalid"})
    return value


def session_key(value):
    if value is None:
        return None
    if not isinstance(value, str) or not SESSION_KEY.fullmatch(value):
        raise Invalid(_l("Valeur invalide."), {"session_key": "invalid"})
    return value


def cart_owner(data, create=False):
    """The signed-in caller's cart, else the guest's by `session_key`: without one, no cart (an empty
    one to show), or a new key when `create`."""
    user = current_api_user(optional=True)
    if user is not None:
        return {"user": user}
    key = session_key(data.get("session_key"))
    return {"session_key": key or (carts.new_session_key() if create else None)}


def _cart_answer(owner, status=200):
    view = carts.view(**owner)
    suggested = checkout.default_pickup_point(view.lines, owner.get("user"))
    return ok(status, cart=cart_json(view, owner.get("session_key"), suggested))


@bp.post("/visitor/add_to_cart/")
@public_api
@operation(
    "Put a product in the cart", tag="cart", ok=CART, errors=(409,),
    description="Without `session_key` (and without a token) a new guest cart is made: keep the answered "
                "`cart.session_key` for the next calls. The quantity adds to what the cart already holds. "
                "409 when the product sold out meanwhile.",
    body={"type": "object", "required": ["product_id"], "properties": {
        "product_id": ID, "quantity": QUANTITY, "session_key": SESSION_KEY_SCHEMA,
    }},
)
def add_to_cart():
    data = body()
    product_id = field(data, "product_id", required=True, max_length=16)
    quantity = integer(data, "quantity", default=1, low=1, high=carts.MAX_QUANTITY)
    owner = cart_owner(data, create=True)
    carts.add_listed(product_id, quantity, **owner, person=api_person())
    return _cart_answer(owner)


@bp.get("/visitor/cart/")
@public_api
@operation(
    "The cart", tag="cart", ok=CART,
    description="Lines are read against the live products: one sold or withdrawn meanwhile has "
                "`available: false` and a `problem`. `suggested_pickup_point` is the one to preselect for ordering. "
                "An unknown key (or none, without a token) is an empty cart.",
    params=[query("session_key", SESSION_KEY_SCHEMA, "the guest cart's key (not needed with a token)")],
)
def cart():
    return _cart_answer(cart_owner(cleaned(request.args)))


@bp.post("/visitor/update_cart/")
@public_api
@operation(
    "Change a line's quantity (0 removes it)", tag="cart", ok=CART, errors=(404,),
    description="404 when the product is not in the cart.",
    body={"type": "object", "required": ["product_id", "quantity"], "properties": {
        "product_id": ID,
        "quantity": {"type": "integer", "minimum": 0, "maximum": carts.MAX_QUANTITY},
        "session_key": SESSION_KEY_SCHEMA,
    }},
)
def update_cart():
    data = body()
    product_id = field(data, "product_id", required=True, max_length=16)
    quantity = integer(data, "quantity", required=True, low=0, high=carts.MAX_QUANTITY)
    owner = cart_owner(data)
    carts.set_quantity(product_id, quantity, **owner)
    return _cart_answer(owner)


@bp.post("/visitor/create_order/")
@limiter.limit(checkout_limit)
@public_api
@operation(
    "Order the cart", tag="orders", status=201, errors=(409, 429),
    ok=envelope({"order": ref("Order"), "access_token": nullable({
        "type": "string", "description": "a guest order's secret, answered only here: send it to pay, check "
                                         "or confirm the order (null for a signed-in buyer's order)"})}),
    description="Prices, fees and totals come from the server only (any sent are ignored); the stock is held "
                "for the order until it is paid (30 minutes for Mobile Money, 72 hours for cash). Collect at a "
                "pickup point (`pickup_point_id`) or, where offered, have it delivered (`delivery_address` and "
                "`delivery_city`, not with cash). With a token, the caller's cart is ordered and the order is "
                "theirs. A guest keeps the answered `access_token`: without it (or the phone number, "
                "with `visitor/track_order/`) nobody can see or pay the order. A guest's cash order is only "
                "taken once the code sent by SMS to `customer_phone` is confirmed with `visitor/confirm_order/` "
                "(until then the stock is held as for Mobile Money and the sellers are not told). Then pay "
                "with `payment/`. 400 also when a Mobile Money `payment_method` is not the operator of "
                "`customer_phone` (MTN or Orange, by its prefix). 409 when an item sold out meanwhile; 429 when "
                "the phone number or the account already has too many unpaid orders, or too many orders came "
                "from this address.",
    body={"type": "object", "required": ["customer_name", "customer_phone", "payment_method"], "properties": {
        "session_key": SESSION_KEY_SCHEMA,
        "customer_name": {"type": "string", "minLength": 1, "maxLength": 120},
        "customer_phone": {"type": "string", "minLength": 1, "maxLength": 40, "examples": ["+237 6 90 12 34 56"]},
        "customer_email": nullable({"type": "string", "maxLength": 255,
                                    "description": "optional; a guest gets the order confirmation, the payment "
                                                   "receipt and the link to rate the seller there"}),
        "fulfilment": {"enum": list(Fulfilment.ALL),
                       "description": "default: DELIVERY when only a delivery address is given, else PICKUP"},
        "pickup_point_id": {"type": "string", "maxLength": 16, "description": "a pickup point's id"},
        "delivery_address": {"type": "string", "maxLength": 255},
        "delivery_city": {"type": "string", "maxLength": 60, "description": "city slug"},
        "payment_method": {"enum": list(PaymentMethod.ALL)},
    }},
)
def create_order():
    data = body()
    owner = cart_owner(data)
    name = field(data, "customer_name", max_length=120)
    phone = field(data, "customer_phone", max_length=40)
    email = field(data, "customer_email", max_length=255)
    method = field(data, "payment_method", max_length=20)
    point_id = field(data, "pickup_point_id", max_length=16)
    address = field(data, "delivery_address", max_length=255)
    city_slug = field(data, "delivery_city", max_length=60)
    fulfilment = field(data, "fulfilment", max_length=10) \
        or (Fulfilment.DELIVERY if address and not point_id else Fulfilment.PICKUP)
    point = catalog.pickup_point_by_public_id(point_id) if point_id else None
    city = catalog.city_by_slug(city_slug) if city_slug else None
    order = checkout.place_order(
        cart=carts.view(**owner).cart, buyer=owner.get("user"), name=name, phone=phone, email=email,
        payment_method=method, fulfilment=fulfilment, pickup_point_id=point.id if point else None,
        delivery_city_id=city.id if city else None, delivery_address=address, person=api_person(),
    )
    return ok(201, order=order_json(order), access_token=getattr(order, "access_token", None))


@bp.post("/visitor/confirm_order/")
@limiter.limit(code_limit)
@public_api
@operation(
    "Confirm a guest's cash order with the code sent by SMS", tag="orders", errors=(404, 409, 429),
    ok=envelope({"order": ref("Order")}),
    description="The code sent to the order's phone when a guest ordered to pay cash: once confirmed, the "
                "stock is held until the drop-off, the handover code is sent by SMS and the sellers are "
                "told. 404 without the order's `access_token`; 409 when the order does not wait for a code; "
                "400 for a wrong code; 429 after too many wrong codes.",
    body={"type": "object", "required": ["order_reference", "access_token", "code"], "properties": {
        "order_reference": REFERENCE,
        "access_token": {"type": "string", "maxLength": 64, "description": "as answered by `visitor/create_order/`"},
        "code": {"type": "string", "maxLength": 20, "examples": ["123456"]},
    }},
)
def confirm_order():
    data = body()
    reference = field(data, "order_reference", required=True, max_length=16)
    token = field(data, "access_token", required=True, max_length=64)
    code = field(data, "code", required=True, max_length=20)
    order = orders.for_caller(reference, user=current_api_user(optional=True), access_token=token)
    return ok(order=order_json(checkout.confirm_cash_order(order, code)))


@bp.post("/visitor/resend_handover_code/")
@limiter.limit(code_limit)
@public_api
@operation(
    "Send a new handover code to the order's phone (lost, or locked by wrong codes)", tag="orders",
    errors=(404, 409, 429), ok=envelope({"order": ref("Order")}),
    description="The same action as the order page's button: a new 6-digit code goes by SMS to the phone given "
                "at checkout and the previous code stops working. A guest's order needs its `access_token`; an "
                "account's order needs that account's bearer token. 404 for anybody else; 409 when the order no "
                "longer waits for its collection; 429 past 3 re-sends per order in 15 minutes, or too many "
                "from one address.",
    body={"type": "object", "required": ["order_reference"], "properties": {
        "order_reference": REFERENCE,
        "access_token": {"type": "string", "maxLength": 64, "description": "a guest's, as answered by "
                                                                          "`visitor/create_order/`"},
    }},
)
def resend_handover_code():
    data = body()
    reference = field(data, "order_reference", required=True, max_length=16)
    token = field(data, "access_token", max_length=64)
    order = orders.for_caller(reference, user=current_api_user(optional=True), access_token=token)
    handover.resend_code(order, ip=client_ip())
    return ok(order=order_json(order))


@bp.get("/visitor/track_order/")
@limiter.limit(auth_limit)
@public_api
@operation(
    "Find an order by its reference and the phone given at checkout", tag="orders", errors=(404, 429),
    ok=envelope({"order": ref("Order")}),
    description="Answers the order with its history (`events`). 404 when the reference and the phone do not "
                "belong together. Limited per IP like the web's tracking form.",
    params=[
        query("reference", {"type": "string", "minLength": 1, "maxLength": 16, "examples": ["VGK-ABC2345"]},
              "order reference", required=True),
        query("phone", {"type": "string", "minLength": 1, "maxLength": 40}, "the phone number given at checkout",
              required=True),
    ],
)
def track_order():
    args = cleaned(request.args)
    reference = field(args, "reference", required=True, max_length=16)
    phone = field(args, "phone", required=True, max_length=40)
    return ok(order=order_json(orders.track(reference, phone), with_events=True))


@bp.post("/visitor/<public_id>/report_product/")
@limiter.limit(report_limit)
@public_api
@operation(
    "Report a listing (scam, prohibited item, misleading photo or text, already sold, other)", tag="products",
    errors=(429,), ok=envelope({"reported": {"type": "boolean"}, "message": {"type": "string"}}),
    description="Anyone may report, with or without a token. `reported` is false when this caller (the "
                "account, or for a guest the address) already has an open report of the listing: nothing new "
                "is stored. 404 for a listing not on sale; 429 past the per-address limit or the hourly quota "
                "per reporter.",
    body={"type": "object", "required": ["reason"], "properties": {
        "reason": {"type": "string", "enum": list(ReportReason.ALL)},
        "comment": {"type": "string", "maxLength": reports.MAX_COMMENT},
    }},
)
def report_product(public_id):
    data = body()
    reason = field(data, "reason", required=True, max_length=16)
    comment = field(data, "comment", max_length=reports.MAX_COMMENT)
    _, new = reports.report(public_id, reason, comment, user=current_api_user(optional=True), ip=client_ip())
    return ok(reported=new, message=str(reports.THANKS if new else reports.ALREADY))
