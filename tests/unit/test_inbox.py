"""In-app notifications: writing them in the recipient's language, pages, unread counts, marking
read (own rows only), and the services that tell people (orders, sales, moderation, payouts)."""
import pytest

from tests import factories as f
from vgk.errors import Invalid
from vgk.extensions import db
from vgk.models import Notification, ProductStatus, Role, TwoFactor, WalletEntry, WalletEntryKind
from vgk.models.base import utcnow
from vgk.services.commerce import handover, pickup, wallet
from vgk.services.messaging import inbox
from vgk.services.selling import moderation


def notices(user):
    db.session.expire_all()
    return inbox.page_for(user, 1, 100)[0]


def test_notify_stores_the_text_in_the_users_language_without_committing(app):
    from flask_babel import lazy_gettext as _l

    anglophone = f.user(locale="en")
    notice = inbox.notify(anglophone, inbox.ORDER, _l("Commande introuvable."), link="/x")
    assert notice.message in ("Order not found.", "Commande introuvable.")  # as the catalogue translates it
    db.session.rollback()  # not committed: the caller's transaction decides
    assert notices(anglophone) == []
    inbox.notify(f.user(), inbox.ORDER, "Bonjour %(name)s", name="Awa")
    db.session.commit()
    assert db.session.scalar(db.select(Notification.message).order_by(Notification.id.desc())) == "Bonjour Awa"
    assert inbox.notify(None, inbox.ORDER, "personne") is None


def test_pages_are_newest_first_and_count_unread(app):
    user, other = f.user(), f.user()
    for n in range(25):
        inbox.notify(user, inbox.ORDER, f"message {n}")
    inbox.notify(other, inbox.ORDER, "à quelqu'un d'autre")
    db.session.commit()
    first, count = inbox.page_for(user, 1, 20)
    second, _ = inbox.page_for(user, 2, 20)
    assert count == 25 and len(first) == 20 and len(second) == 5
    assert first[0].message == "message 24" and second[-1].message == "message 0"
    assert inbox.unread_count(user) == 25 and inbox.unread_count(other) == 1


def test_mark_read_touches_only_the_users_own_rows(app):
    user, other = f.user(), f.user()
    mine = [inbox.notify(user, inbox.ORDER, f"m{n}") for n in range(3)]
    theirs = inbox.notify(other, inbox.ORDER, "pas à vous")
    db.session.commit()
    assert inbox.mark_read(user, [mine[0].id, theirs.id]) == 1
    assert inbox.unread_count(user) == 2 and inbox.unread_count(other) == 1
    assert inbox.mark_read(user, []) == 0
    assert inbox.mark_read(user) == 2
    assert inbox.unread_count(user) == 0 and inbox.unread_count(other) == 1
    for bad in ("1", [1, "x"], [True], [None], {"a": 1}):
        with pytest.raises(Invalid):
            inbox.mark_read(user, bad)
    # Ids no notice can have are ignored, not sent to the database (where they would overflow).
    assert inbox.mark_read(user, [-5, 0, 2**40, 10**30]) == 0


def test_a_buyer_with_an_account_hears_of_the_order_but_never_sees_the_code(app):
    buyer = f.user()
    order = f.place_order(f.product("Radio"), buyer=buyer)
    code_sms = f.outbox("+237690555111")[0].body
    [notice] = notices(buyer)
    assert notice.kind == inbox.ORDER and order.reference in notice.message
    assert notice.link == f"/commande/{order.reference}"
    code = f.last_code("+237690555111")
    assert code in code_sms and code not in notice.message and code not in (notice.message_params or "")


def test_guest_orders_tell_nobody_in_the_app_but_the_seller(app):
    seller = f.user()
    f.place_order(f.product("Radio", seller=seller))
    assert db.session.scalar(db.select(db.func.count()).select_from(Notification)) == 1  # the seller's
    [sale] = notices(seller)
    assert sale.kind == inbox.SALE and "Radio" in sale.message


def test_sellers_hear_once_that_an_item_sold_and_once_that_it_was_called_off(app):
    point = f.pickup_point(name="Relais Akwa")
    seller = f.user()
    staff = f.user(Role.STAFF, pickup_point=point, two_factor=TwoFactor.SMS, phone_verified_at=utcnow())
    order = f.place_order(f.product("Télé", seller=seller), f.product("Radio", seller=seller), point=point)
    [sale] = notices(seller)
    assert "Relais Akwa" in sale.message and "Télé" in sale.message and "Radio" in sale.message
    handover.resend_code(order)  # the buyer hears again; the seller does not
    assert len(notices(seller)) == 1
    pickup.receive_item(staff, point, order.reference, order.items[0].id, accepted=False, reason="Écran fissuré")
    kinds = [n.kind for n in notices(seller)]
    assert kinds == [inbox.SALE_CANCELLED, inbox.SALE]


def test_an_unpaid_mobile_money_order_does_not_send_the_seller_yet(app):
    seller = f.user()
    f.place_order(f.product(seller=seller), payment_method="ORANGE_MONEY")
    assert notices(seller) == []


def test_moderation_decisions_reach_the_seller(app):
    admin = f.user(Role.ADMIN, two_factor=TwoFactor.SMS, phone_verified_at=utcnow())
    seller = f.user()
    kept = f.product("Vélo de course", seller=seller, status=ProductStatus.PENDING, images=1)
    refused = f.product("Montre en or", seller=seller, status=ProductStatus.PENDING, images=1)
    moderation.approve(admin, kept.public_id)
    moderation.reject(admin, refused.public_id, "Photos floues")
    rejected, approved = notices(seller)
    assert approved.kind == inbox.LISTING and "Vélo de course" in approved.message
    assert approved.link == f"/compte/annonces/{kept.public_id}"
    assert "Montre en or" in rejected.message and "Photos floues" in rejected.message


def test_payout_decisions_reach_the_seller(app):
    admin = f.user(Role.ADMIN, two_factor=TwoFactor.SMS, phone_verified_at=utcnow())
    seller = f.user()
    db.session.add(WalletEntry(user_id=seller.id, amount=30_000, kind=WalletEntryKind.SALE, note="vente"))
    db.session.commit()
    sent = wallet.request_payout(f.reauthenticated(seller), 10_000, "670000111")
    refused = wallet.request_payout(f.reauthenticated(seller), 5_000, "670000111")
    wallet.approve_payout(admin, sent.public_id)
    wallet.reject_payout(admin, refused.public_id, "Numéro à vérifier")
    rejected, approved = notices(seller)
    assert approved.kind == inbox.PAYOUT and "10 000" in approved.message
    assert "5 000" in rejected.message and "Numéro à vérifier" in rejected.message
    assert approved.link == "/compte/portefeuille"


# --- shown in the reader's language of the moment -----------------------------------------------

def shown(notice, language):
    from flask_babel import force_locale

    with force_locale(language):
        return inbox.text(notice)


def test_a_notice_written_in_french_reads_in_english_once_the_reader_switches(app):
    seller = f.user(locale="fr")
    order = f.place_order(f.product("Radio", seller=seller), point=f.pickup_point(name="Relais Akwa"))
    [sale] = notices(seller)
    french = f"Vendu : « Radio » (commande {order.reference}). Déposez l'article au point relais Relais Akwa."
    assert shown(sale, "fr") == sale.message == french
    english = f"Sold: « Radio » (order {order.reference}). Drop the item off at the Relais Akwa pickup point."
    assert shown(sale, "en") == english


def test_words_in_the_values_are_translated_too(app):
    from flask_babel import lazy_gettext as _l

    buyer = f.user(locale="fr")
    order = f.place_order(f.product("Radio"), buyer=buyer)
    [placed] = notices(buyer)
    assert "envoyé par SMS" in shown(placed, "fr") and "sent by SMS" in shown(placed, "en")
    moved = inbox.notify(buyer, inbox.ORDER, _l("Impossible de passer la commande %(ref)s de %(a)s à %(b)s."),
                         ref=order.reference, a=inbox.label("order_status", "PAID"),
                         b=inbox.label("order_status", "CANCELLED"))
    db.session.commit()
    assert moved.message == f"Impossible de passer la commande {order.reference} de Payée à Annulée."
    assert "Paid" in shown(moved, "en") and "Cancelled" in shown(moved, "en") and "PAID" not in shown(moved, "en")
    with pytest.raises(ValueError):
        inbox.label("no_such_table", "PAID")


def test_notices_from_before_keys_and_lost_keys_show_their_written_text(app):
    user = f.user(locale="en")
    old = Notification(user_id=user.id, kind=inbox.ORDER, message="Ancienne nouvelle", created_at=utcnow())
    lost = Notification(user_id=user.id, kind=inbox.ORDER, message="Texte écrit à l'époque",
                        message_key="Une phrase retirée du catalogue %(ref)s", message_params='{"ref": "VGK-1"}',
                        created_at=utcnow())
    unfit = Notification(user_id=user.id, kind=inbox.ORDER, message="Vendu, comme écrit",
                         message_key="Vendu : %(titles)s (commande %(ref)s).", message_params='{"ref": "VGK-1"}',
                         created_at=utcnow())
    db.session.add_all([old, lost, unfit])
    db.session.commit()
    assert shown(old, "en") == shown(old, "fr") == "Ancienne nouvelle"
    assert shown(lost, "en") == "Texte écrit à l'époque"
    assert shown(lost, "fr") == "Une phrase retirée du catalogue VGK-1"  # French keys are their own text
    assert shown(unfit, "en") == shown(unfit, "fr") == "Vendu, comme écrit"
    plain = inbox.notify(user, inbox.ORDER, "Bonjour %(name)s", name="Awa")  # not a msgid: kept as written
    assert plain.message_key is None and shown(plain, "fr") == "Bonjour Awa"
