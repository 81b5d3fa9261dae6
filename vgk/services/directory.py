"""Finding people and places for administration screens: the user search and pickup point choices.

They only read; every change goes through vgk.services.accounts.
"""
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from vgk.extensions import db
from vgk.models import City, PickupPoint, Role, User, UserStatus

MAX_QUERY = 100


def _page_number(value, high=10_000):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), high)


@dataclass
class UserFilters:
    q: str = ""
    role: str = ""
    status: str = ""
    page: int = 1

    @classmethod
    def from_params(cls, args):
        role = args.get("role", "")
        status = args.get("status", "")
        return cls(
            q=" ".join(args.get("q", "").split())[:MAX_QUERY],
            role=role if role in Role.ALL else "",
            status=status if status in UserStatus.ALL else "",
            page=_page_number(args.get("page")),
        )

    @property
    def is_filtered(self):
        return bool(self.q or self.role or self.status)

    def as_params(self, **changes):
        """Query-string values for links that keep the current filters (empty ones left out)."""
        values = {"q": self.q, "role": self.role, "status": self.status, "page": self.page, **changes}
        return {key: value for key, value in values.items() if value not in ("", None, 1)}


@dataclass
class UserPage:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def has_prev(self):
        return self.page > 1

    @property
    def has_next(self):
        return self.page * self.per_page < self.total


def _escape_like(text):
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_users(filters, per_page=20):
    """Accounts matching the name, email or phone search and the role/status filters, newest first."""
    conditions = []
    if filters.q:
        pattern = f"%{_escape_like(filters.q)}%"
        matches = [User.name.ilike(pattern, escape="\\"), User.email.ilike(pattern, escape="\\")]
        digits = "".join(ch for ch in filters.q if ch.isdigit())
        if len(digits) >= 3:  # "690 00 00 01" or "+237 690..." match the stored +237690000001
            matches.append(User.phone.like(f"%{digits}%"))
        conditions.append(or_(*matches))
    if filters.role:
        conditions.append(User.role == filters.role)
    if filters.status:
        conditions.append(User.status == filters.status)
    total = db.session.scalar(select(func.count()).select_from(User).where(*conditions))
    items = db.session.scalars(
        select(User)
        .where(*conditions)
        .options(selectinload(User.pickup_point))
        .order_by(User.created_at.desc(), User.id.desc())
        .limit(per_page)
        .offset((filters.page - 1) * per_page)
    ).all()
    return UserPage(items=items, page=filters.page, per_page=per_page, total=total)


def pickup_points():
    """Active pickup points, by city then name, for the staff assignment choices."""
    return db.session.scalars(
        select(PickupPoint)
        .join(City, PickupPoint.city_id == City.id)
        .where(PickupPoint.is_active.is_(True))
        .options(selectinload(PickupPoint.city))
        .order_by(City.name, PickupPoint.name)
    ).all()
