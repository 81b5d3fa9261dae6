"""What a guest (an order without an account) receives besides the order's SMS, in the language of their
checkout: the order confirmation and the payment receipt by email (when they gave an address), and, once
the order is collected or delivered, the link to rate its sellers, by SMS and email. Links come from
PUBLIC_URL only. The confirmation carries the handover code only when the SMS sent with it does. The
messages go through the notification engine: they are written in the caller's session and leave once it
commits."""
from __future__ import annotations

import logging

from flask_babel import force_locale, get_locale

from vgk.labels import label
from vgk.models import Fulfilment, Order, Payment
from vgk.services.catalogue import social
from vgk.services.notifications import Guest, notify
from vgk.text import format_xaf
from vgk.urls import public_url

log = logging.getLogger(__name__)
LANGUAGES = ("fr", "en")


def checkout_language() -> str:
    """The language of the current request (the checkout), kept on a guest's order for its later messages."""
    locale = str(get_locale() or "fr")[:2]
    return locale if locale in LANGUAGES else "fr"


def _language(order: Order) -> str:
    return order.language if order.language in LANGUAGES else "fr"


def _guest(order: Order) -> Guest | None:
    """The guest behind an order without an account, None for an account's order."""
    if order.buyer_id is not None:
        return None
    return Guest(phone=order.customer_phone, email=order.customer_email or None, language=_language(order))


def _items(order: Order) -> str:
    return "\n".join(f"- {item.title} × {item.quantity} : {format_xaf(item.unit_price * item.quantity)}"
                     for item in order.items)


def send_confirmation(order: Order, access_token: str | None, code: str | None) -> None:
    """Email a guest's new order (when they gave an address): reference, items, total, where, payment,
    and its page's link with the access token. `code`: the handover code when the order's SMS carries it.
    The link and the code are kept sealed until the email leaves. No commit: the caller's commit sends it."""
    guest = _guest(order)
    if guest is None or not guest.email:
        return
    link = (public_url("shop.order", reference=order.reference, cle=access_token) if access_token
            else public_url("shop.track", ref=order.reference))
    point = order.pickup_point if order.fulfilment == Fulfilment.PICKUP else None
    with force_locale(guest.language):
        method = str(label(order.payment_method, "payment_method"))
    context: dict[str, object] = {
        "ref": order.reference, "name": order.customer_name, "items": _items(order),
        "fee": format_xaf(order.delivery_fee) if order.delivery_fee else "", "total": format_xaf(order.total),
        "point": point.name if point is not None else "",
        "address": point.address if point is not None else order.delivery_address or "",
        "city": order.delivery_city.name if order.delivery_city is not None else "",
        "method": method, "link": link, **({"code": code} if code else {}),
    }
    notify(guest, "order.confirmation", context, dedup_key=f"order:{order.reference}:order.confirmation")
    log.info("order %s: confirmation emailed", order.reference)


def send_receipt(order: Order, payment: Payment) -> None:
    """Email a guest the receipt of their order's payment (when they gave an address). No commit."""
    guest = _guest(order)
    if guest is None or not guest.email:
        return
    with force_locale(guest.language):
        method = str(label(payment.method, "payment_method"))
    notify(guest, "order.receipt", {
        "ref": order.reference, "name": order.customer_name, "amount": payment.amount, "method": method,
        "when": payment.settled_at or order.paid_at, "payment": payment.reference,
        "link": public_url("shop.track", ref=order.reference),
    }, dedup_key=f"order:{order.reference}:order.receipt")
    log.info("order %s: receipt emailed", order.reference)


def send_review_link(order: Order) -> None:
    """Once a guest's order is collected or delivered: the link to rate its sellers, by SMS, and by email
    when they gave an address. The link is kept sealed until the messages leave. No commit."""
    guest = _guest(order)
    if guest is None:
        return
    context = {"ref": order.reference, "name": order.customer_name, "days": social.GUEST_REVIEW_DAYS,
               "link": public_url("shop.guest_review", token=social.guest_review_token(order))}
    notify(guest, "review.invite", context, dedup_key=f"order:{order.reference}:review.invite")
    if guest.email:
        notify(guest, "review.invite_email", context, dedup_key=f"order:{order.reference}:review.invite_email")
    log.info("order %s: review link sent", order.reference)
