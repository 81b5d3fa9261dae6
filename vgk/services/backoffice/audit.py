"""The audit log: who (admin or staff) changed what, when, from where, with the values before and after.

Every audited change is recorded by the service that makes it, in the same transaction as the change, so
the admin pages and the mobile API write the same entry and neither can skip it. `record` adds the entry
for the caller's next commit; `recording` is for a service that calls another one which makes the
change and commits it itself.
"""
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, event, select
from sqlalchemy.orm import Session, selectinload

from vgk.extensions import db
from vgk.models import User
from vgk.models.audit import AuditEntry
from vgk.services.paging import Page, paginate

PER_PAGE = 30
# The origin of changes made on the server by the operator (flask commands): no actor, no IP address.
SYSTEM_CLI = "system/cli"


def _json(values: Mapping[str, Any] | None) -> str:
    return json.dumps(values or {}, ensure_ascii=False, sort_keys=True, default=str)


def record(actor: User | None, action: str, obj_type: str, obj_id: object, before: dict | None = None,
           after: dict | None = None, ip: str = "") -> AuditEntry:
    """Add an audit entry to the current transaction (the caller commits)."""
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        action=str(action)[:64],
        object_type=str(obj_type)[:32],
        object_id=str(obj_id or "")[:64],
        before=_json(before),
        after=_json(after),
        ip=(ip or "")[:45],
    )
    db.session.add(entry)
    return entry


@contextmanager
def recording(actor: User | None, action: str, obj_type: str, obj_id: object, before: dict | None,
              after: Callable[[], dict[str, Any] | None], ip: str = "") -> Iterator[None]:
    """Record the entry in the transaction that the block's code commits (a service calling another
    service that makes the change and commits it).

    Just before each commit of the block, once the session is flushed, `after()` answers the values
    after the change, or None while the change is not made (a commit that only counted a wrong code,
    say); the first answer that is not None is recorded with that commit, and only once. A block that
    raises before the change is committed records nothing."""
    session = db.session()
    recorded = False

    def add_entry(committing: Session) -> None:
        nonlocal recorded
        if recorded:
            return
        committing.flush()
        values = after()
        if values is not None:
            record(actor, action, obj_type, obj_id, before, values, ip)
            recorded = True

    event.listen(session, "before_commit", add_entry)
    try:
        yield
    finally:
        event.remove(session, "before_commit", add_entry)


def decode(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


@dataclass
class AuditFilters:
    actor: str = ""  # an actor's public id
    action: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> "AuditFilters":
        return cls(actor=(params.get("actor") or "").strip()[:16],
                   action=(params.get("action") or "").strip()[:64])

    def as_params(self, **overrides: object) -> dict[str, object]:
        values: dict[str, object] = {"actor": self.actor or None, "action": self.action or None}
        values.update(overrides)
        return {k: v for k, v in values.items() if v not in (None, "")}


def entries(filters: AuditFilters | None = None, page: int | None = 1, per_page: int = PER_PAGE) -> Page:
    """Entries newest first, optionally for one actor (public id) and/or one action."""
    filters = filters or AuditFilters()
    conditions: list[ColumnElement[bool]] = []
    if filters.actor:
        conditions.append(AuditEntry.actor_id.in_(select(User.id).where(User.public_id == filters.actor)))
    if filters.action:
        conditions.append(AuditEntry.action == filters.action)
    return paginate(
        select(AuditEntry).where(*conditions).options(selectinload(AuditEntry.actor))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()),
        page or 1, per_page,
    )


def actions() -> Sequence[str]:
    """The actions present in the log (for the filter)."""
    return db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)).all()


def actors() -> Sequence[User]:
    """The people who appear in the log (for the filter)."""
    return db.session.scalars(
        select(User).where(User.id.in_(select(AuditEntry.actor_id))).order_by(User.name)
    ).all()
