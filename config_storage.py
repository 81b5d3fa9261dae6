"""Storage, offloading and backup settings (mixed into config.Config), all from the environment.

STORAGE_BACKEND: "local" (every file on this disk, backups in BACKUP_DIR) or "dropbox" (heavy files moved
to Dropbox by the offload policy, backups uploaded there), which needs DROPBOX_APP_KEY, DROPBOX_APP_SECRET
and DROPBOX_REFRESH_TOKEN: without them the app refuses to start (`problems`)."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
MIB = 1024 * 1024
_UNREADABLE = []


def _number(name, default):
    raw = (os.environ.get(name) or "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        _UNREADABLE.append(f"{name}={raw!r} is not a whole number")
        return default


def _flag(name, default):
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


class StorageSettings:
    STORAGE_BACKEND = (os.environ.get("STORAGE_BACKEND") or "local").strip().lower()
    # Dropbox: an app's key and secret and a refresh token (offline access), files below DROPBOX_ROOT.
    # DROPBOX_BASE_URL only for a proxy or a test fake; uploads above DROPBOX_CHUNK_BYTES go in chunks.
    DROPBOX_APP_KEY = os.environ.get("DROPBOX_APP_KEY") or None
    DROPBOX_APP_SECRET = os.environ.get("DROPBOX_APP_SECRET") or None
    DROPBOX_REFRESH_TOKEN = os.environ.get("DROPBOX_REFRESH_TOKEN") or None
    DROPBOX_ROOT = os.environ.get("DROPBOX_ROOT", "/vgk")
    DROPBOX_BASE_URL = os.environ.get("DROPBOX_BASE_URL") or None
    DROPBOX_TIMEOUT = _number("DROPBOX_TIMEOUT", 30)
    DROPBOX_CHUNK_BYTES = _number("DROPBOX_CHUNK_BYTES", 8 * MIB)
    DROPBOX_RETRIES = _number("DROPBOX_RETRIES", 5)
    # Offload (Dropbox only), checked every STORAGE_OFFLOAD_EVERY_MINUTES by the worker: files of at least
    # STORAGE_OFFLOAD_MIN_BYTES, files older than STORAGE_OFFLOAD_AFTER_DAYS (0: neither rule), and, once
    # the local files pass STORAGE_LOCAL_THRESHOLD_BYTES or the database STORAGE_DB_THRESHOLD_BYTES, the
    # oldest files until the local ones fit STORAGE_LOCAL_BUDGET_BYTES; STORAGE_OFFLOAD_BATCH files a run.
    # Listing thumbnails (320 px) stay local with STORAGE_KEEP_THUMBNAILS.
    STORAGE_OFFLOAD_MIN_BYTES = _number("STORAGE_OFFLOAD_MIN_BYTES", 2 * MIB)
    STORAGE_OFFLOAD_AFTER_DAYS = _number("STORAGE_OFFLOAD_AFTER_DAYS", 180)
    STORAGE_LOCAL_THRESHOLD_BYTES = _number("STORAGE_LOCAL_THRESHOLD_BYTES", 5 * 1024 * MIB)
    STORAGE_DB_THRESHOLD_BYTES = _number("STORAGE_DB_THRESHOLD_BYTES", 2 * 1024 * MIB)
    STORAGE_LOCAL_BUDGET_BYTES = _number("STORAGE_LOCAL_BUDGET_BYTES", 3 * 1024 * MIB)
    STORAGE_OFFLOAD_BATCH = _number("STORAGE_OFFLOAD_BATCH", 200)
    STORAGE_OFFLOAD_EVERY_MINUTES = _number("STORAGE_OFFLOAD_EVERY_MINUTES", 60)
    STORAGE_KEEP_THUMBNAILS = _flag("STORAGE_KEEP_THUMBNAILS", True)
    # Backups: every day at BACKUP_HOUR (Cameroon time) by the worker, or `flask backup`; the database and
    # (BACKUP_MEDIA) the files still on this disk; BACKUP_KEEP_DAILY daily and BACKUP_KEEP_WEEKLY weekly kept.
    BACKUP_DIR = os.environ.get("BACKUP_DIR") or str(BASE_DIR / "instance" / "backups")
    BACKUP_HOUR = _number("BACKUP_HOUR", 3)
    BACKUP_MEDIA = _flag("BACKUP_MEDIA", True)
    BACKUP_KEEP_DAILY = _number("BACKUP_KEEP_DAILY", 7)
    BACKUP_KEEP_WEEKLY = _number("BACKUP_KEEP_WEEKLY", 4)


def problems(config):
    """What makes the storage settings unusable (the app refuses to start, naming them)."""
    found = list(_UNREADABLE)
    backend = config.get("STORAGE_BACKEND") or "local"
    if backend not in ("local", "dropbox"):
        found.append(f"STORAGE_BACKEND={backend!r} is not one of local, dropbox")
    if backend == "dropbox":
        missing = [name for name in ("DROPBOX_APP_KEY", "DROPBOX_APP_SECRET", "DROPBOX_REFRESH_TOKEN")
                   if not config.get(name)]
        if missing:
            found.append(f"STORAGE_BACKEND=dropbox needs {', '.join(missing)} (a Dropbox app's key and secret "
                         "and a refresh token from its OAuth flow with token_access_type=offline)")
    if not 0 <= int(config.get("BACKUP_HOUR") or 0) <= 23:
        found.append("BACKUP_HOUR must be an hour from 0 to 23")
    return found
