"""Backups: one archive `vgk-<UTC time>.tar.gz` holding the database dump (vgk.services.storage.dumps),
the files still on the local disk (offloaded ones live in the remote store already) and a manifest (rows
per table, SHA-256 of each file), uploaded to the backup store (Dropbox's backups folder, or BACKUP_DIR).

Retention keeps the newest backup of each of the last BACKUP_KEEP_DAILY days and of each of the last
BACKUP_KEEP_WEEKLY weeks (Cameroon dates); the others are deleted after each new backup. `restore` reads an
archive back: database first, then files, then checks the rows and hashes against the manifest."""
from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app

from vgk.integrations import registry
from vgk.services.storage import dumps

log = logging.getLogger(__name__)

NAME = re.compile(r"vgk-(\d{8}T\d{6}Z)\.tar\.gz")
LOCAL_TIME = ZoneInfo("Africa/Douala")
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"


class BackupError(RuntimeError):
    """A backup that cannot be made or restored (the message says why)."""


@dataclass(frozen=True)
class Backup:
    name: str
    size: int
    taken_at: datetime  # UTC, aware

    @property
    def local_date(self) -> str:
        return self.taken_at.astimezone(LOCAL_TIME).date().isoformat()


@dataclass(frozen=True)
class Restored:
    name: str
    tables: dict[str, int]
    files: int


def taken_at(name: str) -> datetime | None:
    match = NAME.fullmatch(name)
    return datetime.strptime(match[1], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC) if match else None


def listing() -> list[Backup]:
    """The backups in the store, newest first."""
    found = []
    for item in registry.backup_storage().listing():
        when = taken_at(item.key)
        if when is not None:
            found.append(Backup(item.key, item.size, when))
    return sorted(found, key=lambda backup: backup.taken_at, reverse=True)


def to_keep(backups: list[Backup], daily: int, weekly: int) -> set[str]:
    """Names kept: the newest of each of the `daily` most recent days, and of each of the `weekly` most
    recent ISO weeks (local dates)."""
    newest_per_day: dict[object, Backup] = {}
    newest_per_week: dict[object, Backup] = {}
    for backup in sorted(backups, key=lambda b: b.taken_at, reverse=True):
        day = backup.taken_at.astimezone(LOCAL_TIME).date()
        newest_per_day.setdefault(day, backup)
        newest_per_week.setdefault(day.isocalendar()[:2], backup)
    days = sorted(newest_per_day, reverse=True)[:max(0, daily)]  # type: ignore[type-var]
    weeks = sorted(newest_per_week, reverse=True)[:max(0, weekly)]  # type: ignore[type-var]
    return {newest_per_day[d].name for d in days} | {newest_per_week[w].name for w in weeks}


def prune() -> list[str]:
    """Delete the backups retention does not keep; return their names."""
    config = current_app.config
    backups = listing()
    keep = to_keep(backups, int(config.get("BACKUP_KEEP_DAILY", 7)), int(config.get("BACKUP_KEEP_WEEKLY", 4)))
    gone = [backup.name for backup in backups if backup.name not in keep]
    store = registry.backup_storage()
    for name in gone:
        store.delete(name)
    if gone:
        log.info("backups: %d old backups deleted", len(gone))
    return gone


def _add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o644
    archive.addfile(info, io.BytesIO(data))


def create(now: datetime | None = None) -> Backup:
    """Make a backup now, upload it, then apply the retention."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    name = f"vgk-{now:%Y%m%dT%H%M%SZ}.tar.gz"
    local = registry.storage()
    with tempfile.TemporaryDirectory(prefix="vgk-backup-") as work:
        dump_path = Path(work) / dumps.dump_name()
        dumps.dump(dump_path)
        media = local.listing() if current_app.config.get("BACKUP_MEDIA", True) else []
        hashes: dict[str, str] = {}
        tables = dumps.row_counts()
        archive_path = Path(work) / name
        with tarfile.open(archive_path, "w:gz") as archive:
            archive.add(dump_path, arcname=dumps.dump_name())
            for item in media:
                try:
                    data = local.read(item.key)
                except FileNotFoundError:  # deleted meanwhile (moved, or its photo removed)
                    continue
                hashes[item.key] = hashlib.sha256(data).hexdigest()
                _add(archive, MEDIA_PREFIX + item.key, data)
            manifest = {"name": name, "dialect": dumps.dialect(), "database": dumps.dump_name(), "tables": tables,
                        "files": hashes}
            _add(archive, MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())
        size = archive_path.stat().st_size
        registry.backup_storage().save_file(name, archive_path)
    log.info("backup %s: %d bytes, %d tables, %d files", name, size, len(tables), len(hashes))
    prune()
    return Backup(name, size, now)


def due(now: datetime | None = None) -> bool:
    """Whether today's backup is due: past BACKUP_HOUR (Cameroon time) and none taken today yet."""
    now = (now or datetime.now(UTC)).astimezone(LOCAL_TIME)
    if now.hour < int(current_app.config.get("BACKUP_HOUR", 3)):
        return False
    return not any(backup.local_date == now.date().isoformat() for backup in listing())


def backup_job() -> str | None:
    """Job (the worker, every quarter of an hour): today's backup once it is due; its name, or None."""
    return create().name if due() else None


def _safe_member(member: tarfile.TarInfo) -> bool:
    parts = Path(member.name).parts
    return member.isfile() and not Path(member.name).is_absolute() and ".." not in parts


def restore(name: str) -> Restored:
    """Put back the database and the local files of backup `name`, then check them against its manifest."""
    if taken_at(name) is None:
        raise BackupError(f"{name!r} is not the name of a backup (vgk-YYYYMMDDTHHMMSSZ.tar.gz)")
    local = registry.storage()
    with tempfile.TemporaryDirectory(prefix="vgk-restore-") as work:
        archive_path = Path(work) / name
        try:
            registry.backup_storage().read_to(name, archive_path)
        except FileNotFoundError:
            raise BackupError(f"there is no backup {name}") from None
        with tarfile.open(archive_path, "r:gz") as archive:
            members = {member.name: member for member in archive.getmembers() if _safe_member(member)}
            if MANIFEST not in members:
                raise BackupError(f"{name} has no manifest")
            manifest = json.loads(archive.extractfile(members[MANIFEST]).read())  # type: ignore[union-attr]
            if manifest["dialect"] != dumps.dialect():
                raise BackupError(f"{name} is a {manifest['dialect']} backup; this database is {dumps.dialect()}")
            dump_path = Path(work) / manifest["database"]
            dump_path.write_bytes(archive.extractfile(members[manifest["database"]]).read())  # type: ignore[union-attr]
            dumps.load(dump_path)
            restored = 0
            for key, expected in manifest["files"].items():
                member = members.get(MEDIA_PREFIX + key)
                if member is None:
                    raise BackupError(f"{name} lacks the file {key}")
                data = archive.extractfile(member).read()  # type: ignore[union-attr]
                if hashlib.sha256(data).hexdigest() != expected:
                    raise BackupError(f"{key} in {name} does not match its hash")
                local.save(key, data)
                restored += 1
    tables = dumps.row_counts()
    if any(tables.get(table) != count for table, count in manifest["tables"].items()):
        raise BackupError(f"the restored database does not have the rows {name} recorded")
    log.info("restored %s: %d tables, %d files", name, len(tables), restored)
    return Restored(name, tables, restored)


