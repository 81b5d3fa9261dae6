"""People and places for administration: the user search, pickup point choices, and the admin's
audited decisions on accounts (new staff accounts, role, suspend, reinstate) with their rules, and the
administrator accounts the operator creates on the server (`flask create-admin`).

Each decision writes its audit entry in the transaction of the change, so the admin pages and the
mobile API record the same thing (the caller passes the request's IP). An administrator never demotes
nor suspends their own account.
"""
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload
from werkzeug.security import generate_password_hash

from vgk.errors import Conflict, Invalid
from vgk.extensions import db
from vgk.models import City, PickupPoint, Role, TwoFactor, User, UserStatus
from vgk.models.base import utcnow
from vgk.services.accounts import people, sessions
from vgk.services.backoffice import audit
from vgk.services.paging import Page, page_number, paginate
from vgk.text import escape_like

MAX_QUERY = 100


@dataclass
class UserFilters:
    q: str = ""
    role: str = ""
    status: str = ""
    page: int = 1

    @classmethod
    def from_params(cls, args: Mapping[str, str], strict: bool = False) -> "UserFilters":
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
    def is_filtered(self) -> bool:
        return bool(self.q or self.role or self.status)

    def as_params(self, **changes: object) -> dict[str, object]:
        """Query-string values for links that keep the current filters (empty ones left out)."""
        values = {"q": self.q, "role": self.role, "status": self.status, "page": self.page, **changes}
        return {key: value for key, value in values.items() if value not in ("", None, 1)}


def search_users(filters: UserFilters, per_page: int = 20) -> Page:
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


def pickup_points() -> Sequence[PickupPoint]:
    """Active pickup points, by city then name, for the staff assignment choices."""
    return db.session.scalars(
        select(PickupPoint)
        .join(City, PickupPoint.city_id == City.id)
        .where(PickupPoint.is_active.is_(True))
        .options(selectinload(PickupPoint.city))
        .order_by(City.name, PickupPoint.name)
    ).all()


# --- the admin's decisions, audited --------------------------------------------------------------

def _new_account_identity(*, name: str, phone: str | None, email: str | None, password: str,
                          phone_required: bool = True) -> tuple[str, str | None, str | None]:
    """(name, phone, email) of an account an admin or the operator creates, checked like at sign-up and
    free (no other account has the phone or address); Invalid naming every field in error otherwise."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for field, check in (
        ("name", lambda: people.clean_name(name)),
        ("phone", lambda: people.normalize_phone(phone) if phone_required or (phone or "").strip() else None),
        ("email", lambda: people.normalize_email(email)),
        ("password", lambda: people.check_password_strength(password)),
    ):
        try:
            values[field] = check()
        except Invalid as error:
            errors[field] = str(error.message)
    if not errors and not values["phone"] and not values["email"]:
        errors["phone"] = str(_l("Indiquez un numéro de téléphone ou une adresse email."))
    if not errors and values["phone"] and db.session.scalar(select(User.id).where(User.phone == values["phone"])):
        errors["phone"] = str(_l("Ce numéro est déjà utilisé par un compte."))
    if not errors and values["email"] and db.session.scalar(
            select(User.id).where(func.lower(User.email) == values["email"])):
        errors["email"] = str(_l("Cette adresse email est déjà utilisée par un compte."))
    if errors:
        raise Invalid(_l("Vérifiez les champs indiqués."), errors)
    return values["name"], values["phone"], values["email"]


def create_staff(admin: User | None, *, name: str, phone: str, password: str, pickup_point_id: object,
                 email: str | None = None, ip: str = "") -> User:
    """A staff account at a pickup point, phone verified and with SMS codes as second factor; Invalid
    naming the fields otherwise. Audited as staff.create."""
    point = db.session.get(PickupPoint, people.int_or_zero(pickup_point_id))
    if point is None:
        raise Invalid(_l("Point relais inconnu."), {"pickup_point": "unknown"})
    name, checked_phone, email = _new_account_identity(name=name, phone=phone, email=email, password=password)
    user = User(
        name=name, phone=checked_phone, email=email, role=Role.STAFF, pickup_point=point, city_id=point.city_id,
        password_hash=generate_password_hash(password), phone_verified_at=utcnow(), two_factor=TwoFactor.SMS,
    )
    db.session.add(user)
    db.session.flush()
    audit.record(admin, "staff.create", "user", user.public_id, {},
                 {"name": user.name, "role": user.role, "pickup_point_id": user.pickup_point_id}, ip)
    db.session.commit()
    return user


def create_admin(*, name: str, phone: str | None, email: str | None, password: str) -> User:
    """An administrator account created by the operator on the server (`flask create-admin`): a phone
    or an email address (or both), checked and free like at sign-up, and a strong password; Invalid
    naming the fields otherwise. The operator vouches for the contacts typed, so they count as verified:
    the first sign-in already asks for a code sent there. No second factor is chosen for the admin: the
    administration stays closed until they turn one on (see vgk/web/admin/common.py). Audited as
    admin.create, by the system (no actor, origin audit.SYSTEM_CLI)."""
    name, checked_phone, email = _new_account_identity(name=name, phone=phone, email=email, password=password,
                                                       phone_required=False)
    now = utcnow()
    user = User(
        name=name, phone=checked_phone, email=email, role=Role.ADMIN, password_hash=generate_password_hash(password),
        phone_verified_at=now if checked_phone else None, email_verified_at=now if email else None,
    )
    db.session.add(user)
    db.session.flush()
    audit.record(None, "admin.create", "user", user.public_id, {}, {"name": user.name, "role": user.role},
                 audit.SYSTEM_CLI)
    db.session.commit()
    return user


def _role_of(user: User) -> dict[str, object]:
    return {"role": user.role, "pickup_point_id": user.pickup_point_id}


def _check_not_self(admin: User | None, user: User, message: object) -> None:
    """An administrator may not lock themselves out (suspend or demote their own account)."""
    if admin is not None and admin.id == user.id:
        raise Invalid(message, {"user": "self"})


def set_role(admin: User | None, user: User, role: str, pickup_point_id: object = None, ip: str = "") -> User:
    """Give the account a role (STAFF with its pickup point), never one's own; audited as user.role."""
    with audit.recording(admin, "user.role", "user", user.public_id, _role_of(user), lambda: _role_of(user), ip):
        if role not in Role.ALL:
            raise Invalid(_l("Rôle inconnu."), {"role": "unknown"})
        if role != user.role:
            _check_not_self(admin, user, _l("Vous ne pouvez pas changer votre propre rôle."))
        if role == Role.STAFF:
            point = db.session.get(PickupPoint, people.int_or_zero(pickup_point_id))
            if point is None:
                raise Invalid(_l("Choisissez le point relais du membre du personnel."), {"pickup_point": "required"})
            user.pickup_point = point
        else:
            user.pickup_point = None
        user.role = role
        db.session.commit()
    return user


def suspend(admin: User | None, user: User, ip: str = "") -> User:
    """Suspend the account (never one's own) and close its sessions; audited as user.suspend."""
    with audit.recording(admin, "user.suspend", "user", user.public_id, {"status": user.status},
                         lambda: {"status": user.status}, ip):
        _check_not_self(admin, user, _l("Vous ne pouvez pas suspendre votre propre compte."))
        if user.status == UserStatus.DELETED:
            raise Conflict(_l("Ce compte a été supprimé."))
        user.status = UserStatus.SUSPENDED
        db.session.commit()
        sessions.revoke_all(user)
    return user


def reinstate(admin: User | None, user: User, ip: str = "") -> User:
    """Reactivate a suspended account; audited as user.reinstate."""
    with audit.recording(admin, "user.reinstate", "user", user.public_id, {"status": user.status},
                         lambda: {"status": user.status}, ip):
        if user.status != UserStatus.SUSPENDED:
            raise Conflict(_l("Ce compte n'est pas suspendu."))
        user.status = UserStatus.ACTIVE
        db.session.commit()
    return user
