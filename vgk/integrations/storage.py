"""Where the app's files live. The interface (`Storage`) is the same for the local disk and for Dropbox
(vgk.integrations.dropbox_storage): save, read, delete, list by key. The local default writes below
MEDIA_ROOT, served at MEDIA_URL; STORAGE_BACKEND=dropbox adds Dropbox as the remote store that heavy files
are moved to (`remote_from_config`) and that backups go to (`backups_from_config`: else BACKUP_DIR)."""
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

BACKENDS = ("local", "dropbox")


class StorageError(OSError):
    """A store refused or failed an operation (after its retries)."""


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int


@dataclass(frozen=True)
class RemoteFile:
    """A file as the remote store keeps it, with the content hash it computed (Dropbox's)."""

    key: str
    size: int
    content_hash: str


class Storage(Protocol):
    """Where files live: saved and read by key, served at `url(key)`, listed by prefix."""

    name: str

    def save(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> str: ...

    def save_file(self, key: str, source: str | Path) -> str: ...

    def read(self, key: str) -> bytes: ...

    def read_to(self, key: str, target: str | Path) -> None: ...

    def delete(self, key: str) -> None: ...

    def url(self, key: str) -> str: ...

    def listing(self, prefix: str = "") -> list[StoredObject]: ...


class RemoteStorage(Storage, Protocol):
    """A store elsewhere (Dropbox) that files are moved to: uploads report the stored content hash, and
    files are reached by links."""

    def upload(self, key: str, data: bytes) -> RemoteFile: ...

    def temporary_link(self, key: str) -> str: ...

    def shared_link(self, key: str) -> str: ...

    def within(self, folder: str) -> "RemoteStorage": ...


class LocalStorage:
    """Files below `root` on this machine's disk, written atomically, served at `base_url`."""

    name = "local"

    def __init__(self, root: str | os.PathLike[str], base_url: str = "/media/") -> None:
        self.root = Path(root)
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"

    def path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError("storage key escapes the media root")
        return path

    def save(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> str:
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".part")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        return key

    def save_file(self, key: str, source: str | Path) -> str:
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".part")
        shutil.copyfile(source, tmp)
        os.replace(tmp, path)
        return key

    def read(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def read_to(self, key: str, target: str | Path) -> None:
        shutil.copyfile(self.path(key), target)

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        try:
            self.path(key).unlink()
        except FileNotFoundError:
            pass

    def url(self, key: str) -> str:
        return self.base_url + key

    def listing(self, prefix: str = "") -> list[StoredObject]:
        """Every complete file below `prefix` (files being written, "*.part", are left out)."""
        found = []
        for directory, _dirs, names in os.walk(self.root):
            for name in names:
                if name.endswith(".part"):
                    continue
                full = Path(directory) / name
                key = full.relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    try:
                        found.append(StoredObject(key, full.stat().st_size))
                    except FileNotFoundError:  # deleted meanwhile
                        pass
        return sorted(found, key=lambda item: item.key)


def storage_from_config(config: Mapping[str, Any]) -> LocalStorage:
    """The local disk below MEDIA_ROOT: where every file is written first."""
    return LocalStorage(config["MEDIA_ROOT"], config["MEDIA_URL"])


def remote_from_config(config: Mapping[str, Any]) -> RemoteStorage | None:
    """Dropbox when STORAGE_BACKEND=dropbox (the configuration checked its credentials), else None."""
    if config.get("STORAGE_BACKEND", "local") != "dropbox":
        return None
    from vgk.integrations.dropbox_storage import dropbox_from_config

    return dropbox_from_config(config)


def backups_from_config(config: Mapping[str, Any], remote: RemoteStorage | None = None) -> Storage:
    """Where backups go: the remote store's "backups" folder, else BACKUP_DIR on this disk."""
    if remote is not None:
        return remote.within("backups")
    return LocalStorage(config.get("BACKUP_DIR") or Path(config["MEDIA_ROOT"]).parent / "backups", "/")
