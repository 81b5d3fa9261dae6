"""The pickup point's work from the app, for its staff: items expected from sellers, orders ready for
their buyers, the stock held, receiving an item, handing an order over, and the day's report.

Same rules as the staff portal (vgk.web.staff): STAFF only, with a second factor on the account and a
pickup point; staff only ever see and act on their own point (another point's order is a 404). There
is no tablet here, hence no PIN. Receiving and handing over are audited by vgk.services.commerce.pickup.
"""
from functools import wraps

from flask import request
from flask_babel import lazy_gettext as _l

from vgk.api import bp
from vgk.api.base import api_roles, body, boolean, current_api_user, integer, ok, text
from vgk.api.openapi import envelope, nullable, operation, query, ref, schemas
from vgk.api.schemas import image_json, iso, order_item_json, order_json, pickup_point_json
from vgk.edge import client_ip
from vgk.errors import Forbidden
from vgk.inputs import parse_day
from vgk.models import Role
from vgk.services.commerce import pickup
from vgk.text import format_xaf

TAG = "staff"


# --- who may call ----------------------------------------------------------------------------------

def staff_desk(view):
    """STAFF with a second factor on the account and a pickup point (as the portal's staff_required,
    without the tablet's PIN and idle lock). `.access` stays "STAFF", as api_roles sets it."""

    @wraps(view)
    def desk_checks(*args, **kwargs):
        user = current_api_user()
        if user.two_factor is None:
            raise Forbidden(_l("Activez d'abord la double authentification pour accéder à l'espace du personnel."))
        if user.pickup_point is None:
            raise Forbidden(_l("Réservé au personnel d'un point relais."))
        return view(*args, **kwargs)

    return api_roles(Role.STAFF)(desk_checks)


def _point():
    return current_api_user().pickup_point


# --- shapes ----------------------------------------------------------------------------------------

def staff_line_json(item):
    """An order line with its listing's photos (absolute URLs), to compare with the item brought."""
    product = item.product
    return {**order_item_json(item), "photos": [image_json(image) for image in product.images] if product else []}


def staff_order_json(order):
    """An order at the point, each line with its listing's photos."""
    return {**order_json(order), "items": [staff_line_json(item) for item in order.items]}


def staff_item_json(item):
    """An order line at the point, with what staff need of its order (reference, status, cash)."""
    order = item.order
    return {
        "reference": order.reference,
        "order_status": order.status,
        "payment_method": order.payment_method,
        "cash_to_collect": order.total if order.is_cash and order.paid_at is None else 0,
        "customer_name": order.customer_name,
        "ordered_at": iso(order.created_at),
        "received_at": iso(item.received_at),
        "item": staff_line_json(item),
    }


def day_report_json(report):
    return {
        "day": report.day.isoformat(),
        "received": report.received,
        "handed_over": report.handed_over,
        "cash_total": report.cash_total,
        "cash_total_display": format_xaf(report.cash_total),
        "cash_count": report.cash_count,
        "waiting_dropoff": report.waiting_dropoff,
        "waiting_pickup": report.waiting_pickup,
    }


_int0 = {"type": "integer", "minimum": 0}
schemas(
    StaffOrderItem={"allOf": [ref("OrderItem"), {
        "type": "object", "required": ["photos"],
        "properties": {"photos": {"type": "array", "items": ref("Image"),
                                  "description": "the listing's photos, in order, to compare with the item brought"}},
    }]},
    StaffOrder={"allOf": [ref("Order"), {
        "type": "object", "properties": {"items": {"type": "array", "items": ref("StaffOrderItem")}},
    }]},
    StaffItem={
        "type": "object",
        "required": ["reference", "order_status", "payment_method", "cash_to_collect", "item"],
        "properties": {
            "reference": {"type": "string"},
            "order_status": {"type": "string"},
            "payment_method": {"enum": ["MTN_MOMO", "ORANGE_MONEY", "CARD", "CASH"]},
            "cash_to_collect": {**_int0, "description": "XAF to take from the buyer at handover (cash orders)"},
            "customer_name": {"type": "string"},
            "ordered_at": {"type": "string"},
            "received_at": nullable({"type": "string"}),
            "item": ref("StaffOrderItem"),
        },
    },
    StaffDayReport={
        "type": "object",
        "required": ["day", "received", "handed_over", "cash_total", "cash_count", "waiting_dropoff",
                     "waiting_pickup"],
        "properties": {
            "day": {"type": "string", "format": "date"},
            "received": _int0, "handed_over": _int0, "cash_total": _int0, "cash_total_display": {"type": "string"},
            "cash_count": _int0, "waiting_dropoff": _int0, "waiting_pickup": _int0,
        },
    },
    StaffOrderAnswer=envelope({"order": ref("StaffOrder"), "message": {"type": "string"}}),
)


def _items(items):
    return ok(pickup_point=pickup_point_json(_point()), count=len(items), results=[staff_item_json(i) for i in items])


ITEMS = envelope({"pickup_point": ref("PickupPoint"), "count": _int0,
                  "results": {"type": "array", "items": ref("StaffItem")}})


# --- lists -----------------------------------------------------------------------------------------

@bp.get("/staff/dropoffs/")
@staff_desk
@operation("Items sellers must bring to my pickup point", tag=TAG, ok=ITEMS,
           description="Lines of paid orders (and of cash orders) whose item has not been received yet, each "
                       "with its listing's photos (`item.photos`) to compare with the item the seller brings.")
def staff_dropoffs():
    return _items(pickup.expected_dropoffs(_point()))


@bp.get("/staff/pickups/")
@staff_desk
@operation("Orders ready for their buyers at my pickup point", tag=TAG,
           ok=envelope({"pickup_point": ref("PickupPoint"), "count": _int0,
                        "results": {"type": "array", "items": ref("StaffOrder")}}),
           description="Each line carries its listing's photos.")
def staff_pickups():
    orders = pickup.expected_pickups(_point())
    return ok(pickup_point=pickup_point_json(_point()), count=len(orders),
              results=[staff_order_json(o) for o in orders])


@bp.get("/staff/held/")
@staff_desk
@operation("Items received and kept at my pickup point until collected", tag=TAG, ok=ITEMS)
def staff_held():
    return _items(pickup.held_items(_point()))


# --- actions ---------------------------------------------------------------------------------------

@bp.post("/staff/receive/")
@staff_desk
@operation(
    "Receive (or refuse) an item a seller brought", tag=TAG, errors=(404, 409), ok=ref("StaffOrderAnswer"),
    description="Accepting the last item of an order makes it READY and texts the buyer their handover code. "
                "Refusing (with a reason) cancels the order, refunded when paid. An order of another pickup "
                "point, or an unknown or already received item, is a 404; an order that expects no drop-off, a 409.",
    body={"type": "object", "required": ["reference", "item_id"], "properties": {
        "reference": {"type": "string", "maxLength": 16},
        "item_id": {"type": "integer", "minimum": 1},
        "accepted": {"type": "boolean", "default": True},
        "reason": {"type": "string", "maxLength": 255, "description": "required when refusing"},
    }},
)
def staff_receive():
    data = body()
    reference = text(data, "reference", required=True, max_length=16)
    item_id = integer(data, "item_id", required=True, low=1, high=2**31 - 1)
    accepted = boolean(data, "accepted", default=True)
    reason = text(data, "reason", max_length=255) or ""
    order = pickup.receive_item(current_api_user(), _point(), reference, item_id, accepted=accepted, reason=reason,
                                ip=client_ip())
    return ok(order=staff_order_json(order), message=pickup.receipt_notice(order, accepted))


@bp.post("/staff/handover/")
@staff_desk
@operation(
    "Hand an order over to its buyer against their code", tag=TAG, errors=(404, 409, 429), ok=ref("StaffOrderAnswer"),
    description="A wrong code is a 400 (`fields.code`); after too many wrong codes, 429. A cash order needs "
                "`cash_received: true` (else 400 with `fields.cash`). The sellers are credited. An order of "
                "another pickup point is a 404; an order that is not READY, a 409.",
    body={"type": "object", "required": ["reference", "code"], "properties": {
        "reference": {"type": "string", "maxLength": 16},
        "code": {"type": "string", "maxLength": 12},
        "cash_received": {"type": "boolean", "default": False},
    }},
)
def staff_handover():
    data = body()
    reference = text(data, "reference", required=True, max_length=16)
    code = text(data, "code", required=True, max_length=12)
    cash = boolean(data, "cash_received")
    order = pickup.hand_over(current_api_user(), _point(), reference, code, cash_received=cash, ip=client_ip())
    return ok(order=staff_order_json(order),
              message=str(_l("Commande %(ref)s remise à l’acheteur.", ref=order.reference)))


# --- report ----------------------------------------------------------------------------------------

@bp.get("/staff/report/")
@staff_desk
@operation("My pickup point's numbers for one day", tag=TAG, ok=envelope({"report": ref("StaffDayReport")}),
           params=[query("day", {"type": "string", "format": "date"}, "YYYY-MM-DD, Cameroon time; today by default")])
def staff_report():
    day = parse_day(request.args.get("day"), "day")  # a 400 when malformed or out of range
    return ok(report=day_report_json(pickup.day_report(_point(), day)))
