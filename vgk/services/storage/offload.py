"""Moving heavy files from the local disk to the remote store (Dropbox), by the rules the configuration
sets (`plan`), in batches (`run`, the worker's job).

One move is copy, verify, switch, delete, each step safe to repeat: the file is uploaded (overwriting a
copy a crashed run left), the content hash Dropbox reports is compared with the local file's, the record
is switched to "remote" by a conditional update (with `local_copy` still true), and only then is the local
copy deleted and `local_copy` cleared. A crash before the switch leaves the record local (the next run
uploads again, to the same path); a crash after it leaves a local copy that `finish_moves` deletes. At no
point is a file only in a place its record does not point to."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from flask import current_app
from sqlalchemy import CursorResult, func, select, update

from vgk.extensions import db
from vgk.integrations import registry
from vgk.integrations.dropbox_storage import content_hash
from vgk.integrations.storage import StorageError
from vgk.models import StoredFile
from vgk.models.base import utcnow
from vgk.models.storage import LOCAL, REMOTE
from vgk.services.storage import files
from vgk.services.storage.dumps import database_bytes

log = logging.getLogger(__name__)

REASONS = ("size", "age", "budget")


@dataclass
class Candidate:
    id: int
    key: str
    kind: str
    size: int
    reason: str  # "size", "age" or "budget"


@dataclass
class Plan:
    """What the next offload would move, and why."""

    candidates: list[Candidate] = field(default_factory=list)
    local_bytes: int = 0
    database_bytes: int = 0
    over_threshold: bool = False

    @property
    def bytes(self) -> int:
        return sum(item.size for item in self.candidates)


@dataclass
class Outcome:
    moved: int = 0
    moved_bytes: int = 0
    finished: int = 0  # local copies left by an earlier run, deleted now
    failed: int = 0
    missing: int = 0  # recorded as local, but not on the disk


def _setting(name: str) -> int:
    return int(current_app.config.get(name) or 0)


def local_bytes() -> int:
    """Bytes of the recorded files that have a copy on this disk."""
    return int(db.session.scalar(select(func.coalesce(func.sum(StoredFile.size), 0))
                                 .where(StoredFile.local_copy.is_(True))) or 0)


def plan(limit: int | None = None, now: datetime | None = None) -> Plan:
    """The files the offload would move now, by rule: at least STORAGE_OFFLOAD_MIN_BYTES, older than
    STORAGE_OFFLOAD_AFTER_DAYS, then, past a threshold, the oldest until the local files fit the budget."""
    now = now or utcnow()
    limit = limit or _setting("STORAGE_OFFLOAD_BATCH") or 200
    result = Plan(local_bytes=local_bytes(), database_bytes=database_bytes())
    movable = select(StoredFile.id, StoredFile.key, StoredFile.kind, StoredFile.size, StoredFile.created_at).where(
        StoredFile.location == LOCAL)
    if current_app.config.get("STORAGE_KEEP_THUMBNAILS", True):
        movable = movable.where(StoredFile.kind != "thumbnail")
    chosen: dict[int, Candidate] = {}

    def take(rows: object, reason: str) -> None:
        for row in rows:  # type: ignore[attr-defined]
            if len(chosen) >= limit:
                return
            chosen.setdefault(row.id, Candidate(row.id, row.key, row.kind, row.size, reason))

    if min_bytes := _setting("STORAGE_OFFLOAD_MIN_BYTES"):
        take(db.session.execute(movable.where(StoredFile.size >= min_bytes).order_by(StoredFile.id)), "size")
    if days := _setting("STORAGE_OFFLOAD_AFTER_DAYS"):
        take(db.session.execute(movable.where(StoredFile.created_at <= now - timedelta(days=days))
                                .order_by(StoredFile.created_at, StoredFile.id)), "age")
    local_over = (threshold := _setting("STORAGE_LOCAL_THRESHOLD_BYTES")) and result.local_bytes > threshold
    database_over = (db_threshold := _setting("STORAGE_DB_THRESHOLD_BYTES")) and result.database_bytes > db_threshold
    result.over_threshold = bool(local_over or database_over)
    if result.over_threshold:
        budget = _setting("STORAGE_LOCAL_BUDGET_BYTES")
        excess = result.local_bytes - sum(item.size for item in chosen.values()) - budget
        for row in db.session.execute(movable.order_by(StoredFile.created_at, StoredFile.id)):
            if excess <= 0 or len(chosen) >= limit:
                break
            if row.id not in chosen:
                chosen[row.id] = Candidate(row.id, row.key, row.kind, row.size, "budget")
                excess -= row.size
    result.candidates = list(chosen.values())
    return result


def _move(candidate: Candidate, outcome: Outcome) -> None:
    remote = registry.remote_storage()
    local = registry.storage()
    assert remote is not None
    try:
        data = local.read(candidate.key)
    except FileNotFoundError:
        log.warning("offload: %s is recorded but not on the disk", candidate.key)
        outcome.missing += 1
        return
    digest = content_hash(data)
    stored = remote.upload(candidate.key, data)  # copy (the adapter checks the hash Dropbox reports)
    if stored.content_hash != digest or stored.size != len(data):
        raise StorageError(f"{candidate.key}: the remote copy differs")
    shared = None
    if candidate.kind in ("photo", "thumbnail"):  # public listing photos: a lasting link
        try:
            shared = remote.shared_link(candidate.key)
        except StorageError:
            log.warning("offload: no shared link for %s (temporary links will do)", candidate.key)
    switched = cast(CursorResult[Any], db.session.execute(
        update(StoredFile).where(StoredFile.id == candidate.id, StoredFile.location == LOCAL)
        .values(location=REMOTE, content_hash=digest, size=len(data), shared_url=shared, local_copy=True,
                moved_at=utcnow()))).rowcount
    db.session.commit()
    if not switched:
        if files.find(candidate.key) is None:  # deleted while it was being copied: drop the copy too
            remote.delete(candidate.key)
        return
    _delete_local(candidate.id, candidate.key)
    outcome.moved += 1
    outcome.moved_bytes += len(data)


def _delete_local(file_id: int, key: str) -> None:
    registry.storage().delete(key)
    db.session.execute(update(StoredFile).where(StoredFile.id == file_id, StoredFile.location == REMOTE)
                       .values(local_copy=False))
    db.session.commit()


def finish_moves() -> int:
    """Delete the local copies of files already switched to the remote store (a run stopped between the
    switch and the delete); return how many."""
    rows = db.session.execute(select(StoredFile.id, StoredFile.key).where(
        StoredFile.location == REMOTE, StoredFile.local_copy.is_(True))).all()
    for row in rows:
        _delete_local(row.id, row.key)
    return len(rows)


def run(limit: int | None = None) -> Outcome:
    """One offload batch: finish interrupted moves, then move what `plan` picks (nothing without a
    remote store). A file that fails stays local and is tried again next time."""
    outcome = Outcome()
    if registry.remote_storage() is None:
        return outcome
    outcome.finished = finish_moves()
    for candidate in plan(limit).candidates:
        try:
            _move(candidate, outcome)
        except (StorageError, OSError) as error:
            db.session.rollback()
            outcome.failed += 1
            log.warning("offload: %s stays local: %s", candidate.key, error)
    if outcome.moved or outcome.finished or outcome.failed:
        log.info("offload: %d files moved (%d bytes), %d finished, %d failed, %d missing", outcome.moved,
                 outcome.moved_bytes, outcome.finished, outcome.failed, outcome.missing)
    return outcome


def offload_job() -> int:
    """Job (the worker, every STORAGE_OFFLOAD_EVERY_MINUTES): record unrecorded files, then one batch."""
    if registry.remote_storage() is None:
        return 0
    files.index()
    return run().moved
