"""What a guest (an order without an account) receives besides the order's SMS, in the language of their
checkout: the order confirmation and the payment receipt by email (when they gave an address), and, once
the order is collected or delivered, the link to rate its sellers, by SMS and email. Links come from
PUBLIC_URL only. The confirmation carries the handover code only when the SMS sent with it does."""
from __future__ import annotations

import logging

from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l

from vgk.labels import label
from vgk.models import Fulfilment, Order, Payment
from vgk.services.catalogue import social
from vgk.services.messaging import notifications
from vgk.text import format_when, format_xaf
from vgk.urls import public_url

log = logging.getLogger(__name__)
LANGUAGES = ("fr", "en")


def checkout_language() -> str:
    """The language of the current request (the checkout), kept on a guest's order for its later messages."""
    locale = str(get_locale() or "fr")[:2]
    return locale if locale in LANGUAGES else "fr"


def _language(order: Order) -> str:
    return order.language if order.language in LANGUAGES else "fr"


def _where(order: Order) -> str:
    if order.fulfilment == Fulfilment.PICKUP and order.pickup_point is not None:
        point = order.pickup_point
        return str(_l("Retrait au point relais : %(name)s, %(address)s", name=point.name, address=point.address))
    city = order.delivery_city.name if order.delivery_city is not None else ""
    return str(_l("Livraison à domicile : %(address)s, %(city)s", address=order.delivery_address or "", city=city))


def _confirmation_body(order: Order, link: str, code: str | None) -> str:
    lines = [str(_l("Bonjour %(name)s,", name=order.customer_name)), "",
             str(_l("Merci pour votre commande %(ref)s sur Vidé-Grenier Kamer.", ref=order.reference)), "",
             str(_l("Articles :"))]
    lines += [f"- {item.title} × {item.quantity} : {format_xaf(item.unit_price * item.quantity)}"
              for item in order.items]
    if order.delivery_fee:
        lines.append(str(_l("Frais de livraison : %(fee)s", fee=format_xaf(order.delivery_fee))))
    lines += [str(_l("Total : %(total)s", total=format_xaf(order.total))), "", _where(order),
              str(_l("Paiement : %(method)s", method=label(order.payment_method, "payment_method")))]
    if code:
        lines.append(str(_l("Code de retrait (à donner seulement au retrait) : %(code)s", code=code)))
    lines += ["", str(_l("Suivre votre commande : %(url)s", url=link))]
    return "\n".join(lines)


def send_confirmation(order: Order, access_token: str | None, code: str | None) -> None:
    """Email a guest's new order (when they gave an address): reference, items, total, where, payment,
    and its page's link with the access token. `code`: the handover code when the order's SMS carries it."""
    if order.buyer_id is not None or not order.customer_email:
        return
    with force_locale(_language(order)):
        link = (public_url("shop.order", reference=order.reference, cle=access_token) if access_token
                else public_url("shop.track", ref=order.reference))
        subject = str(_l("Votre commande %(ref)s", ref=order.reference))
        body = _confirmation_body(order, link, code)
    notifications.send_email(order.customer_email, subject, body)
    log.info("order %s: confirmation emailed", order.reference)


def send_receipt(order: Order, payment: Payment) -> None:
    """Email a guest the receipt of their order's payment (when they gave an address)."""
    if order.buyer_id is not None or not order.customer_email:
        return
    with force_locale(_language(order)):
        subject = str(_l("Reçu de paiement — commande %(ref)s", ref=order.reference))
        body = "\n".join([
            str(_l("Bonjour %(name)s,", name=order.customer_name)), "",
            str(_l("Nous avons bien reçu le paiement de votre commande %(ref)s.", ref=order.reference)), "",
            str(_l("Montant payé : %(amount)s", amount=format_xaf(payment.amount))),
            str(_l("Moyen de paiement : %(method)s", method=label(payment.method, "payment_method"))),
            str(_l("Date : %(when)s (heure du Cameroun)", when=format_when(payment.settled_at or order.paid_at))),
            str(_l("Référence du paiement : %(ref)s", ref=payment.reference)), "",
            str(_l("Suivre votre commande : %(url)s", url=public_url("shop.track", ref=order.reference))),
        ])
    notifications.send_email(order.customer_email, subject, body)
    log.info("order %s: receipt emailed", order.reference)


REVIEW_SMS = _l("Vidé-Grenier Kamer : merci pour votre commande %(ref)s ! Notez le vendeur (lien valable "
                "%(days)d jours) : %(url)s")


def send_review_link(order: Order) -> None:
    """Once a guest's order is collected or delivered: the link to rate its sellers, by SMS, and by email
    when they gave an address."""
    if order.buyer_id is not None:
        return
    days = social.GUEST_REVIEW_DAYS
    with force_locale(_language(order)):
        link = public_url("shop.guest_review", token=social.guest_review_token(order))
        sms = str(REVIEW_SMS) % {"ref": order.reference, "days": days, "url": link}
        subject = str(_l("Votre avis sur la commande %(ref)s", ref=order.reference))
        body = "\n".join([
            str(_l("Bonjour %(name)s,", name=order.customer_name)), "",
            str(_l("Vous avez reçu votre commande %(ref)s : comment s'est passé votre achat ?", ref=order.reference)),
            str(_l("Notez le vendeur en une minute (lien valable %(days)d jours, un avis par commande) :", days=days)),
            link,
        ])
    notifications.send_sms(order.customer_phone, sms)
    if order.customer_email:
        notifications.send_email(order.customer_email, subject, body)
    log.info("order %s: review link sent", order.reference)
