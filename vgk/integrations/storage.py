"""File storage for media. The local default writes below MEDIA_ROOT and is served at MEDIA_URL."""
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol


class Storage(Protocol):
    """Where media files live: saved and read by key, served at `url(key)`."""

    name: str

    def save(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> str: ...

    def read(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...

    def url(self, key: str) -> str: ...


class LocalStorage:
    """Files below `root` on this machine's disk, written atomically, served at `base_url`."""

    name = "local"

    def __init__(self, root: str | os.PathLike[str], base_url: str = "/media/") -> None:
        self.root = Path(root)
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError("storage key escapes the media root")
        return path

    def save(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> str:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".part")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        return key

    def read(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        try:
            self._path(key).unlink()
        except FileNotFoundError:
            pass

    def url(self, key: str) -> str:
        return self.base_url + key


def storage_from_config(config: Mapping[str, Any]) -> Storage:
    return LocalStorage(config["MEDIA_ROOT"], config["MEDIA_URL"])
