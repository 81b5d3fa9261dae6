"""The administrators' storage figures: bytes and counts by kind and location, what is on this disk, the
weekly growth, the database's size, the thresholds, what the next offload would move, and the backups."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from vgk.extensions import db
from vgk.integrations import registry
from vgk.integrations.storage import StorageError
from vgk.models import StoredFile
from vgk.models.base import utcnow
from vgk.models.storage import LOCAL, REMOTE
from vgk.services.storage import backups, files, offload
from vgk.services.storage.dumps import database_bytes

WEEKS = 8


@dataclass(frozen=True)
class Tally:
    count: int = 0
    bytes: int = 0


@dataclass(frozen=True)
class Week:
    starts: datetime  # Monday 00:00 UTC
    added: Tally


@dataclass
class Figures:
    backend: str
    by_kind: dict[str, dict[str, Tally]]  # kind → {"local": Tally, "remote": Tally}
    local_disk: Tally  # every file under MEDIA_ROOT, recorded or not
    local: Tally  # recorded files with a copy here
    remote: Tally  # recorded files in the remote store
    unrecorded: int
    database_bytes: int
    weeks: list[Week]
    thresholds: dict[str, int]
    plan: offload.Plan
    backups: list[backups.Backup] = field(default_factory=list)
    backups_error: bool = False


def _by_kind() -> dict[str, dict[str, Tally]]:
    table = {kind: {LOCAL: Tally(), REMOTE: Tally()} for kind in files.KINDS}
    rows = db.session.execute(select(StoredFile.kind, StoredFile.location, func.count(StoredFile.id),
                                     func.coalesce(func.sum(StoredFile.size), 0))
                              .group_by(StoredFile.kind, StoredFile.location))
    for kind, location, count, size in rows:
        table.setdefault(kind, {LOCAL: Tally(), REMOTE: Tally()})[location] = Tally(int(count), int(size))
    return table


def _weeks(now: datetime) -> list[Week]:
    monday = (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    starts = [monday - timedelta(weeks=back) for back in range(WEEKS - 1, -1, -1)]
    counts = {start: [0, 0] for start in starts}
    for created_at, size in db.session.execute(select(StoredFile.created_at, StoredFile.size)
                                               .where(StoredFile.created_at >= starts[0])):
        start = max(s for s in starts if s <= created_at)
        counts[start][0] += 1
        counts[start][1] += int(size)
    return [Week(start, Tally(*counts[start])) for start in starts]


def _tally(location_filter: object) -> Tally:
    count, size = db.session.execute(select(func.count(StoredFile.id), func.coalesce(func.sum(StoredFile.size), 0))
                                     .where(location_filter)).one()  # type: ignore[arg-type]
    return Tally(int(count), int(size))


def figures(now: datetime | None = None) -> Figures:
    now = now or utcnow()
    config = current_app.config
    on_disk = registry.storage().listing()
    known = set(db.session.scalars(select(StoredFile.key)))
    try:
        kept = backups.listing()
        failed = False
    except (StorageError, OSError):
        kept, failed = [], True
    return Figures(
        backend=str(config.get("STORAGE_BACKEND") or "local"),
        by_kind=_by_kind(),
        local_disk=Tally(len(on_disk), sum(item.size for item in on_disk)),
        local=_tally(StoredFile.local_copy.is_(True)),
        remote=_tally(StoredFile.location == REMOTE),
        unrecorded=sum(1 for item in on_disk if item.key not in known),
        database_bytes=database_bytes(),
        weeks=_weeks(now),
        thresholds={name: int(config.get(name) or 0) for name in (
            "STORAGE_OFFLOAD_MIN_BYTES", "STORAGE_OFFLOAD_AFTER_DAYS", "STORAGE_LOCAL_THRESHOLD_BYTES",
            "STORAGE_DB_THRESHOLD_BYTES", "STORAGE_LOCAL_BUDGET_BYTES")},
        plan=offload.plan() if registry.remote_storage() is not None else offload.Plan(),
        backups=kept,
        backups_error=failed,
    )
