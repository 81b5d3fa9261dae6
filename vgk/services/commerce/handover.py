"""Re-sending an order's handover code to the phone given at checkout, when the buyer lost it or wrong
codes locked it: asked by the buyer (order page, mobile API) or by pickup staff (audited). A re-send
makes a new code (the previous one stops working) and lifts the lock.

Re-sends cost an SMS: at most otp.SEND_LIMIT per order in otp.SEND_WINDOW whoever asks, and, for
buyers, HANDOVER_RESENDS_PER_SOURCE per source IP in HANDOVER_RESEND_SOURCE_WINDOW (counted in the
one-time codes table, like the other messages anyone can trigger; the views add the per-IP rate limit)."""
import logging
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from vgk.database import locked
from vgk.errors import Conflict
from vgk.extensions import db
from vgk.models import CodePurpose, Order, User
from vgk.services.accounts import otp
from vgk.services.backoffice import audit
from vgk.services.commerce import orders

log = logging.getLogger(__name__)
HANDOVER_RESENDS_PER_SOURCE = 10
HANDOVER_RESEND_SOURCE_WINDOW = timedelta(hours=1)


def resend_code(order: Order, *, staff: User | None = None, ip: str = "") -> None:
    """Send the order a new handover code by SMS. Conflict when the order no longer waits for its
    collection; RateLimited past the quotas. When `staff` ask, the re-send is audited (order.code_resent)."""
    # The order's row is locked first (SQLite: the write lock), so two re-sends at once cannot both pass
    # the per-order quota before either is counted.
    current = locked(select(Order).where(Order.id == order.id))
    if current is None or not orders.awaits_handover(current):
        db.session.rollback()
        raise Conflict(_l("Cette commande n'attend pas de retrait."))
    if staff is None:
        otp.check_source_allowed(CodePurpose.HANDOVER, ip, HANDOVER_RESENDS_PER_SOURCE, HANDOVER_RESEND_SOURCE_WINDOW)
    # Counts this SMS against the order's quota (and the source's), committed even if the send fails later.
    otp.note_link_sent(CodePurpose.HANDOVER, f"order:{order.reference}", channel="SMS", ip=ip)
    orders.rotate_handover_code(order)
    if staff is not None:
        audit.record(staff, "order.code_resent", "order", order.reference, None,
                     {"status": order.status}, ip)
    db.session.commit()
    log.info("order %s: handover code re-sent (%s)", order.reference, "staff" if staff is not None else "buyer")
    orders.tell_with_code(order, "order.code_resent", once=False)
