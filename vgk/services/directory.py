"""People and places for administration: the user search, pickup point choices, and the admin's
audited decisions on accounts (suspend, reinstate) and on sellers' payout requests.

The decisions go through vgk.services.accounts and vgk.services.wallet and add the audit entry, so the
admin pages and the mobile API record the same thing (the caller passes the request's IP).
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from vgk.errors import Invalid
from vgk.extensions import db
from vgk.models import City, PickupPoint, PayoutStatus, Role, User, UserStatus
from vgk.services import accounts, audit, wallet
from vgk.services.paging import page_number, paginate
from vgk.text import escape_like

MAX_QUERY = 100


@dataclass
class UserFilters:
    q: str = ""
    role: str = ""
    status: str = ""
    page: int = 1

    @classmethod
    def from_params(cls, args, strict=False):
        """The filters from query parameters; an unknown role or status is ignored, or refused when
        `strict` (Invalid naming the field)."""
        role = args.get("role", "")
        status = args.get("status", "")
        if strict:
            for name, value, allowed in (("role", role, Role.ALL), ("status", status, UserStatus.ALL)):
                if value and value not in allowed:
                    raise Invalid(_l("Valeur invalide."), {name: "invalid"})
        return cls(
            q=" ".join(args.get("q", "").split())[:MAX_QUERY],
            role=role if role in Role.ALL else "",
            status=status if status in UserStatus.ALL else "",
            page=page_number(args.get("page")),
        )

    @property
    def is_filtered(self):
        return bool(self.q or self.role or self.status)

    def as_params(self, **changes):
        """Query-string values for links that keep the current filters (empty ones left out)."""
        values = {"q": self.q, "role": self.role, "status": self.status, "page": self.page, **changes}
        return {key: value for key, value in values.items() if value not in ("", None, 1)}


def search_users(filters, per_page=20):
    """Accounts matching the name, email or phone search and the role/status filters, newest first."""
    conditions = []
    if filters.q:
        pattern = f"%{escape_like(filters.q)}%"
        matches = [User.name.ilike(pattern, escape="\\"), User.email.ilike(pattern, escape="\\")]
        digits = "".join(ch for ch in filters.q if ch.isdigit())
        if len(digits) >= 3:  # "690 00 00 01" or "+237 690..." match the stored +237690000001
            matches.append(User.phone.like(f"%{digits}%"))
        conditions.append(or_(*matches))
    if filters.role:
        conditions.append(User.role == filters.role)
    if filters.status:
        conditions.append(User.status == filters.status)
    return paginate(
        select(User).where(*conditions).options(selectinload(User.pickup_point))
        .order_by(User.created_at.desc(), User.id.desc()),
        filters.page, per_page,
    )


def pickup_points():
    """Active pickup points, by city then name, for the staff assignment choices."""
    return db.session.scalars(
        select(PickupPoint)
        .join(City, PickupPoint.city_id == City.id)
        .where(PickupPoint.is_active.is_(True))
        .options(selectinload(PickupPoint.city))
        .order_by(City.name, PickupPoint.name)
    ).all()


# --- the admin's decisions, audited --------------------------------------------------------------

def suspend(admin, user, ip=""):
    """Suspend the account (never one's own) and close its sessions; audited as user.suspend."""
    before = {"status": user.status}
    accounts.suspend(user, acting_user=admin)
    audit.record_now(admin, "user.suspend", "user", user.public_id, before, {"status": user.status}, ip)
    return user


def reinstate(admin, user, ip=""):
    """Reactivate a suspended account; audited as user.reinstate."""
    before = {"status": user.status}
    accounts.reinstate(user)
    audit.record_now(admin, "user.reinstate", "user", user.public_id, before, {"status": user.status}, ip)
    return user


def approve_payout(admin, public_id, ip=""):
    """Send a requested payout through the gateway (see wallet.approve_payout); audited as payout.approve."""
    payout = wallet.approve_payout(admin, public_id)
    audit.record_now(admin, "payout.approve", "payout", payout.public_id, {"status": PayoutStatus.REQUESTED},
                     {"status": payout.status, "amount": payout.amount}, ip)
    return payout


def reject_payout(admin, public_id, reason, ip=""):
    """Refuse a requested payout with a reason (the amount returns to the wallet); audited as payout.reject."""
    payout = wallet.reject_payout(admin, public_id, reason)
    audit.record_now(admin, "payout.reject", "payout", payout.public_id, {"status": PayoutStatus.REQUESTED},
                     {"status": payout.status, "note": payout.note}, ip)
    return payout
