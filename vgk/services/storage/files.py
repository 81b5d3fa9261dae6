"""The record of where each kept file lives (vgk.models.StoredFile), and the file operations that follow
it. New files are written to the local disk (fast, no network on an upload) and recorded in the caller's
transaction; the offload moves some of them to the remote store later. Reading tries the local disk first
(no query for the usual case), then the record. Files written before the record existed, or made on
demand (the 480/640 px sizes), are recorded by `index`, which the offload job runs first."""
from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy import delete, select

from vgk.extensions import db
from vgk.integrations import registry
from vgk.integrations.dropbox_storage import content_hash
from vgk.models import StoredFile
from vgk.models.storage import LOCAL, REMOTE

log = logging.getLogger(__name__)

KINDS = ("photo", "thumbnail", "chat_photo", "export", "other")
THUMBNAIL_SUFFIX = "-320.webp"


def kind_of(key: str) -> str:
    """What a file is, from its key: a listing photo (its 320 px thumbnail apart), a chat photo, an export."""
    if key.startswith("private/chat/"):
        return "chat_photo"
    if key.startswith("products/"):
        return "thumbnail" if key.endswith(THUMBNAIL_SUFFIX) else "photo"
    if key.startswith("exports/"):
        return "export"
    return "other"


def record(key: str, data: bytes) -> StoredFile:
    """Add the record of a file just written locally to the session (the caller commits)."""
    row = StoredFile(key=key, kind=kind_of(key), location=LOCAL, size=len(data), content_hash=content_hash(data),
                     local_copy=True)
    db.session.add(row)
    return row


def save(key: str, data: bytes, content_type: str = "application/octet-stream") -> str:
    """Write a file to the local disk and record it in the session (the caller commits, or deletes the
    file with `discard` when it does not)."""
    key = registry.storage().save(key, data, content_type)
    record(key, data)
    return key


def find(key: str) -> StoredFile | None:
    with db.session.no_autoflush:
        return db.session.scalar(select(StoredFile).where(StoredFile.key == key))


def read(key: str) -> bytes:
    """The file's bytes, from the local disk or, once moved, from the remote store (FileNotFoundError
    when neither has it)."""
    try:
        return registry.storage().read(key)
    except FileNotFoundError:
        pass
    row = find(key)
    remote = registry.remote_storage()
    if row is None or row.location != REMOTE or remote is None:
        raise FileNotFoundError(key)
    return remote.read(key)


def discard(keys: Iterable[str]) -> None:
    """Delete files wherever they are, and their records (committed). A file the remote store could not
    delete keeps its record, so nothing is lost track of; it is only logged."""
    keys = list(keys)
    local = registry.storage()
    for key in keys:
        try:
            local.delete(key)
        except Exception:
            log.warning("could not delete %s", key)
    with db.session.no_autoflush:
        rows = list(db.session.scalars(select(StoredFile).where(StoredFile.key.in_(keys)))) if keys else []
    if not rows:
        return
    from vgk.services.storage import links

    gone = []
    remote = registry.remote_storage()
    for row in rows:
        links.forget(row.key)
        if row.location == REMOTE and remote is not None:
            try:
                remote.delete(row.key)
            except Exception:
                log.warning("could not delete %s from the remote store", row.key)
                continue
        gone.append(row.id)
    if gone:
        db.session.execute(delete(StoredFile).where(StoredFile.id.in_(gone)))
    db.session.commit()


def index(batch: int = 500) -> int:
    """Record the local files that have no record yet (kept before records existed, or made on demand);
    return how many were added."""
    local = registry.storage()
    known = set(db.session.scalars(select(StoredFile.key)))
    added = 0
    for item in local.listing():
        if item.key in known:
            continue
        try:
            data = local.read(item.key)
        except FileNotFoundError:
            continue
        record(item.key, data)
        added += 1
        if added % batch == 0:
            db.session.commit()
    db.session.commit()
    if added:
        log.info("storage: %d local files recorded", added)
    return added
