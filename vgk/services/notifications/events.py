"""What can happen to a person that the engine tells them about: each event's category, urgency, ordered
fallback channels, in-app text and whether its limits count per topic (a conversation, an order).

In-app is not a fallback channel: a person with an account also gets the in-app notice whenever the event
has an in-app text (`inapp`, a French msgid with %(name)s parameters taken from the context)."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from vgk.services.messaging import inbox

TRANSACTIONAL, SECURITY, CHAT, ALERTS, NEWS = "transactional", "security", "chat", "alerts", "news"
CATEGORIES = (TRANSACTIONAL, SECURITY, CHAT, ALERTS, NEWS)
SMS, WHATSAPP, PUSH, EMAIL, INAPP = "sms", "whatsapp", "push", "email", "inapp"
CHANNELS = (PUSH, WHATSAPP, SMS, EMAIL)  # the channels sent through an adapter
PAID_CHANNELS = (SMS, WHATSAPP)


@dataclass(frozen=True)
class Event:
    name: str
    category: str
    fallback: tuple[str, ...]          # tried in order: the first channel that works carries the message
    inapp: LazyString | None = None    # the in-app notice's French msgid, None for no notice
    inbox_kind: str = inbox.ORDER      # the notice's kind in the in-app list
    per_topic: bool = False            # limits count per context["topic"] (a conversation...) when given
    params: tuple[str, ...] = ()       # the context values its messages show, in order (WhatsApp templates)
    secret: tuple[str, ...] = ()       # context values kept sealed and only until sent (codes): never in-app

    @property
    def urgent(self) -> bool:
        return self.category in (TRANSACTIONAL, SECURITY)


_PHONE_FIRST = (PUSH, WHATSAPP, SMS)

EVENTS: dict[str, Event] = {event.name: event for event in (
    Event("order.paid", TRANSACTIONAL, _PHONE_FIRST,
          _l("Paiement reçu pour la commande %(order)s."), inbox.ORDER, params=("order",)),
    Event("order.ready", TRANSACTIONAL, (SMS,),
          _l("Votre commande %(order)s vous attend au point de retrait %(point)s."), inbox.ORDER,
          params=("order", "point")),
    Event("order.handed_over", TRANSACTIONAL, (PUSH, EMAIL),
          _l("Commande %(order)s remise. Merci pour votre achat !"), inbox.ORDER, params=("order",)),
    Event("order.cancelled", TRANSACTIONAL, _PHONE_FIRST,
          _l("La commande %(order)s a été annulée."), inbox.ORDER, params=("order",)),
    Event("sale.new", TRANSACTIONAL, _PHONE_FIRST,
          _l("Vendu : « %(title)s ». Déposez l'article au point de retrait %(point)s."), inbox.SALE,
          params=("title", "point")),
    Event("sale.reminder", TRANSACTIONAL, (SMS,),
          _l("Rappel : déposez « %(title)s » au point de retrait %(point)s avant %(deadline)s."),
          inbox.SALE_REMINDER, params=("title", "point", "deadline")),
    Event("chat.message", CHAT, _PHONE_FIRST, _l("Nouveau message de %(name)s sur « %(title)s »"), inbox.MESSAGE,
          per_topic=True, params=("name", "title")),
    Event("chat.offer", CHAT, _PHONE_FIRST, None, inbox.MESSAGE, per_topic=True,
          params=("name", "amount", "title")),
    Event("listing.approved", TRANSACTIONAL, (PUSH, SMS, EMAIL),
          _l("Votre annonce « %(title)s » est en ligne."), inbox.LISTING, params=("title",)),
    Event("listing.refused", TRANSACTIONAL, (PUSH, SMS, EMAIL),
          _l("Votre annonce « %(title)s » a été refusée. Motif : %(reason)s"), inbox.LISTING,
          params=("title", "reason")),
    Event("payout.sent", TRANSACTIONAL, (PUSH, SMS),
          _l("Versement de %(amount)s envoyé sur votre Mobile Money."), inbox.PAYOUT, params=("amount",)),
    Event("payout.failed", TRANSACTIONAL, (PUSH, SMS),
          _l("Le versement de %(amount)s a échoué. Vérifiez votre numéro Mobile Money."), inbox.PAYOUT,
          params=("amount",)),
    Event("security.new_signin", SECURITY, (PUSH, EMAIL, SMS), params=("device",)),
    Event("security.password_changed", SECURITY, (EMAIL, SMS)),
    Event("security.code", SECURITY, (SMS, EMAIL), params=("code", "minutes"), secret=("code",)),
    Event("alert.price_drop", ALERTS, _PHONE_FIRST, params=("title", "amount")),
    Event("alert.saved_search", ALERTS, (PUSH, EMAIL), params=("count", "search")),
    Event("news.digest", NEWS, (EMAIL,), params=("summary",)),
    # Accounts: one event per kind of code or link, so each keeps the words people know; sent to the
    # number or address it was asked for (a Guest recipient), sealed in the log until sent.
    Event("security.phone_code", SECURITY, (SMS, EMAIL), params=("code",), secret=("code",)),
    Event("security.signin_code", SECURITY, (SMS, EMAIL), params=("code",), secret=("code",)),
    Event("security.reauth_code", SECURITY, (SMS, EMAIL), params=("code",), secret=("code",)),
    Event("security.reset_code", SECURITY, (SMS, EMAIL), params=("code",), secret=("code",)),
    Event("security.reset_link", SECURITY, (EMAIL,), params=("reset_link",), secret=("reset_link",)),
    Event("security.email_link", SECURITY, (EMAIL,), params=("verify_link",), secret=("verify_link",)),
    Event("listing.taken_down", TRANSACTIONAL, (PUSH, SMS, EMAIL),
          _l("Votre annonce « %(title)s » a été retirée de la vente. Motif : %(reason)s"), inbox.LISTING,
          params=("title", "reason")),
)}


def event(name: str) -> Event:
    """The event called `name`; a ValueError for a name the registry does not know."""
    found = EVENTS.get(name)
    if found is None:
        raise ValueError(f"unknown notification event {name!r}")
    return found
