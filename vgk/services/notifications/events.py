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
    # Orders: the buyer hears of each step in the words of the order's SMS, and sellers of what it asks of them.
    # `ref` is the order's reference; a handover `code` is secret: sent by SMS only, never shown in-app.
    Event("order.placed", TRANSACTIONAL, (SMS,), _l(
        "Vidé-Grenier Kamer : commande %(ref)s enregistrée. Code de retrait (après paiement) : %(code)s."),
        inbox.ORDER, params=("ref", "code"), secret=("code",)),
    Event("order.placed_cash", TRANSACTIONAL, (SMS,), _l(
        "Vidé-Grenier Kamer : commande %(ref)s enregistrée. Vous paierez en espèces au retrait. "
        "Code de retrait : %(code)s."), inbox.ORDER, params=("ref", "code"), secret=("code",)),
    Event("order.phone_check", TRANSACTIONAL, (SMS,), params=("ref", "code"), secret=("code",)),
    Event("order.confirmation", TRANSACTIONAL, (EMAIL,), params=(
        "ref", "name", "items", "fee", "total", "point", "address", "city", "method", "code"), secret=("code", "link")),
    Event("order.code_resent", TRANSACTIONAL, (SMS,), _l(
        "Vidé-Grenier Kamer : nouveau code de retrait pour la commande %(ref)s : %(code)s."), inbox.ORDER,
        params=("ref", "code"), secret=("code",)),
    Event("order.paid", TRANSACTIONAL, _PHONE_FIRST, _l(
        "Vidé-Grenier Kamer : paiement reçu pour la commande %(ref)s. "
        "Nous vous prévenons dès que l'article est au point relais."), inbox.ORDER, params=("ref",)),
    Event("order.receipt", TRANSACTIONAL, (EMAIL,), params=("ref", "name", "amount", "method", "when", "payment")),
    Event("order.ready", TRANSACTIONAL, (SMS,), _l(
        "Vidé-Grenier Kamer : votre commande %(ref)s vous attend au %(point)s. Code de retrait : %(code)s."),
        inbox.ORDER, params=("ref", "point", "code"), secret=("code",)),
    Event("order.dispatched", TRANSACTIONAL, _PHONE_FIRST, _l(
        "Vidé-Grenier Kamer : votre commande %(ref)s est en route. Gardez votre code de retrait pour le livreur."),
        inbox.ORDER, params=("ref",)),
    Event("order.handed_over", TRANSACTIONAL, _PHONE_FIRST,
          _l("Vidé-Grenier Kamer : commande %(ref)s remise. Merci et à bientôt !"), inbox.ORDER, params=("ref",)),
    Event("order.delivered", TRANSACTIONAL, _PHONE_FIRST,
          _l("Vidé-Grenier Kamer : commande %(ref)s livrée. Merci et à bientôt !"), inbox.ORDER, params=("ref",)),
    Event("order.cancelled", TRANSACTIONAL, _PHONE_FIRST,
          _l("Vidé-Grenier Kamer : votre commande %(ref)s a été annulée."), inbox.ORDER, params=("ref",)),
    Event("order.refused", TRANSACTIONAL, _PHONE_FIRST, _l(
        "Vidé-Grenier Kamer : l'article de la commande %(ref)s ne correspondait pas à l'annonce ; la commande "
        "est annulée (remboursement si payée)."), inbox.ORDER, params=("ref",)),
    Event("order.refunded", TRANSACTIONAL, _PHONE_FIRST, _l(
        "Vidé-Grenier Kamer : la commande %(ref)s vous a été remboursée sur votre compte Mobile Money."),
        inbox.ORDER, params=("ref",)),
    Event("order.expired", TRANSACTIONAL, _PHONE_FIRST, _l(
        "Vidé-Grenier Kamer : votre commande %(ref)s a expiré faute de paiement. Les articles sont remis en vente."),
        inbox.ORDER, params=("ref",)),
    Event("review.invite", TRANSACTIONAL, (SMS,), params=("ref", "days"), secret=("link",)),
    Event("review.invite_email", TRANSACTIONAL, (EMAIL,), params=("ref", "name", "days"), secret=("link",)),
    Event("sale.new", TRANSACTIONAL, _PHONE_FIRST, _l(
        "Vendu : %(titles)s (commande %(ref)s). Déposez l'article au point relais %(point)s."), inbox.SALE,
        params=("titles", "ref", "point", "address", "deadline")),
    Event("sale.new_delivery", TRANSACTIONAL, _PHONE_FIRST, _l("Vendu : %(titles)s (commande %(ref)s)."),
          inbox.SALE, params=("titles", "ref", "deadline")),
    Event("sale.reminder", TRANSACTIONAL, (SMS,), _l(
        "Vidé-Grenier Kamer : rappel, déposez %(titles)s (commande %(ref)s) au point relais %(point)s, "
        "%(address)s, avant le %(deadline)s."), inbox.SALE_REMINDER, params=("titles", "ref", "point", "address",
                                                                            "deadline")),
    Event("sale.reminder_delivery", TRANSACTIONAL, (SMS,), _l(
        "Vidé-Grenier Kamer : rappel, tenez %(titles)s (commande %(ref)s) prêt avant le %(deadline)s."),
        inbox.SALE_REMINDER, params=("titles", "ref", "deadline")),
    Event("sale.cancelled", TRANSACTIONAL, (PUSH,),
          _l("La commande %(ref)s de %(titles)s est annulée : ne déposez pas l'article."), inbox.SALE_CANCELLED,
          params=("ref", "titles")),
    Event("payout.sent", TRANSACTIONAL, (PUSH, SMS),
          _l("Votre retrait de %(amount)s a été envoyé au %(phone)s."), inbox.PAYOUT, params=("amount", "phone")),
    Event("payout.failed", TRANSACTIONAL, (PUSH, SMS), _l(
        "Le transfert de votre retrait de %(amount)s a échoué : le montant est revenu dans votre portefeuille."),
        inbox.PAYOUT, params=("amount",)),
    Event("payout.rejected", TRANSACTIONAL, (PUSH, SMS), _l(
        "Votre retrait de %(amount)s a été refusé (%(reason)s) : le montant est revenu dans votre portefeuille."),
        inbox.PAYOUT, params=("amount", "reason")),
    Event("chat.message", CHAT, _PHONE_FIRST, _l("Nouveau message de %(name)s sur « %(title)s »"), inbox.MESSAGE,
          per_topic=True, params=("name", "title")),
    Event("chat.offer", CHAT, _PHONE_FIRST, None, inbox.MESSAGE, per_topic=True,
          params=("name", "amount", "title")),
    Event("listing.approved", TRANSACTIONAL, (PUSH, SMS, EMAIL),
          _l("Votre annonce « %(title)s » est en ligne."), inbox.LISTING, params=("title",)),
    Event("listing.refused", TRANSACTIONAL, (PUSH, SMS, EMAIL),
          _l("Votre annonce « %(title)s » a été refusée. Motif : %(reason)s"), inbox.LISTING,
          params=("title", "reason")),
    Event("security.new_signin", SECURITY, (PUSH, EMAIL, SMS), params=("device",)),
    Event("security.password_changed", SECURITY, (EMAIL, SMS)),
    Event("security.code", SECURITY, (SMS, EMAIL), params=("code", "minutes"), secret=("code",)),
    Event("alert.price_drop", ALERTS, (*_PHONE_FIRST, EMAIL), _l("Baisse de prix : « %(title)s » passe à %(amount)s."),
          inbox.ALERT, params=("title", "amount")),
    Event("alert.saved_search", ALERTS, (*_PHONE_FIRST, EMAIL),
          _l("Alerte « %(search)s » : de nouvelles annonces vous attendent."), inbox.ALERT, params=("count", "search")),
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
