"""The person's own account: the profile they keep up to date, the data-saver choice, and deleting the
account."""
import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from vgk.extensions import db
from vgk.models import BehaviourEvent, OneTimeCode, Product, ProductStatus, RecoveryCode, User, UserStatus
from vgk.models.base import utcnow
from vgk.services.accounts import sessions
from vgk.services.accounts.people import clean_name, find_city
from vgk.services.discovery import events

log = logging.getLogger(__name__)


def update_profile(user: User, *, name: str | None, city: object = None, locale: str | None = None) -> User:
    """The name, city and language the person chose."""
    user.name = clean_name(name)
    user.city = find_city(city)
    if locale in ("fr", "en"):
        user.locale = locale
    db.session.commit()
    return user


def set_data_saver(user: User, on: bool | None) -> User:
    """Photos only when tapped (True), always shown (False), or as the browser asks (None)."""
    user.data_saver = on
    db.session.commit()
    return user


def delete_account(user: User) -> User:
    """Erase personal data; the row stays so that orders keep an (anonymous) party."""
    from vgk.services.conversations import offers  # (conversations → accounts)

    sessions.revoke_all(user)
    closed = []
    for product in db.session.scalars(select(Product).where(Product.seller_id == user.id)):
        if product.status not in (ProductStatus.SOLD,):
            product.status = ProductStatus.ARCHIVED
            closed += offers.close_for(product, sold=False)  # its offers close with a line
    db.session.query(RecoveryCode).filter(RecoveryCode.user_id == user.id).delete()
    events.flush()  # what this process still holds of them goes first, then their whole history
    db.session.query(BehaviourEvent).filter(BehaviourEvent.user_id == user.id).delete()
    # The codes sent to this person name their phone or email (destination): erase those too.
    db.session.query(OneTimeCode).filter(OneTimeCode.user_id == user.id).delete()
    user.name = str(_l("Compte supprimé"))
    user.email = None
    user.phone = None
    user.password_hash = None
    user.google_sub = None
    user.totp_secret = None
    user.pin_hash = None
    user.two_factor = None
    user.city = None
    user.status = UserStatus.DELETED
    user.deleted_at = utcnow()
    db.session.commit()
    offers.announce_lines(closed)
    log.info("account %s deleted and anonymised", user.public_id)
    return user
