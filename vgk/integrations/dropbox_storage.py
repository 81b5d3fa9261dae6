"""Files kept in Dropbox, through the official SDK (`dropbox`): the same interface as the local disk
(vgk.integrations.storage.Storage), plus what serving and offloading need (temporary and shared links,
the content hash Dropbox reports for each upload).

Authentication is the app's refresh token with its key and secret: the SDK exchanges it at
`api.dropbox.com/oauth2/token` for short-lived access tokens and renews them before they expire. Files
above `chunk_bytes` go up in an upload session (start, append, finish) in chunks of that size; smaller
ones in one `files/upload`. Every call is retried on 429 (after the Retry-After it gives, capped) and 5xx
or a broken connection, with exponential backoff, `retries` times. Keys are paths below `root`.

`base_url` (tests and proxies only) sends every request to that address instead of Dropbox's hosts, as
`{base_url}/{original host}{path}`, so a loopback fake can tell the three hosts apart."""
from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import dropbox
import requests
from dropbox import exceptions as dbx_errors
from dropbox import files as dbx_files
from dropbox import sharing as dbx_sharing
from requests.adapters import HTTPAdapter

from vgk.integrations.storage import RemoteFile, StorageError, StoredObject

log = logging.getLogger(__name__)

BLOCK_BYTES = 4 * 1024 * 1024  # Dropbox's content hash works on 4 MiB blocks
DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024
TEMPORARY_LINK_SECONDS = 4 * 3600  # how long Dropbox keeps a temporary link valid
MAX_RETRY_AFTER = 60.0
T = TypeVar("T")


def content_hash(data: bytes) -> str:
    """Dropbox's content hash of `data`: SHA-256 of the concatenated SHA-256 of each 4 MiB block."""
    blocks = b"".join(hashlib.sha256(data[start:start + BLOCK_BYTES]).digest()
                      for start in range(0, len(data), BLOCK_BYTES))
    return hashlib.sha256(blocks).hexdigest()


def file_content_hash(path: str | Path) -> str:
    """The content hash of a file on disk, read block by block."""
    overall = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(BLOCK_BYTES):
            overall.update(hashlib.sha256(block).digest())
    return overall.hexdigest()


class _Rewrite(HTTPAdapter):
    """Sends https://<host>/<path> to <base>/<host>/<path> (a loopback fake or a proxy)."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url.rstrip("/")

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        url = str(request.url)
        if url.startswith("https://"):
            request.url = f"{self.base_url}/{url.removeprefix('https://')}"
        return super().send(request, *args, **kwargs)


def _session(base_url: str | None) -> requests.Session:
    session = dropbox.create_session()
    if base_url:
        session.mount("https://", _Rewrite(base_url))
    return session


class DropboxStorage:
    """Files below `root` in the Dropbox app folder (or account) the refresh token opens."""

    name = "dropbox"

    def __init__(self, app_key: str, app_secret: str, refresh_token: str, root: str = "/vgk", *,
                 base_url: str | None = None, timeout: float = 30.0, chunk_bytes: int = DEFAULT_CHUNK_BYTES,
                 retries: int = 5, backoff: float = 1.0, sleep: Callable[[float], None] = time.sleep) -> None:
        self.root = "/" + root.strip("/") if root.strip("/") else ""
        self.chunk_bytes = max(BLOCK_BYTES // 16, int(chunk_bytes))
        self.retries = max(0, int(retries))
        self.backoff = max(0.0, float(backoff))
        self.sleep = sleep
        # The SDK's own retries are off: ours back off the same way on every call, uploads included.
        self.client = dropbox.Dropbox(oauth2_refresh_token=refresh_token, app_key=app_key, app_secret=app_secret,
                                      session=_session(base_url), timeout=timeout, max_retries_on_error=0,
                                      max_retries_on_rate_limit=0, user_agent="VGK")

    def within(self, folder: str) -> DropboxStorage:
        """The same account and client, keys below `folder` of this root (e.g. backups)."""
        other = object.__new__(DropboxStorage)
        other.__dict__.update(self.__dict__)
        other.root = f"{self.root}/{folder.strip('/')}"
        return other

    # --- paths and retries ------------------------------------------------------------------------

    def path(self, key: str) -> str:
        parts = [part for part in key.split("/") if part]
        if not parts or any(part in (".", "..") for part in parts):
            raise ValueError("storage key escapes the storage root")
        return f"{self.root}/{'/'.join(parts)}"

    def key_of(self, path: str) -> str:
        return path[len(self.root) + 1:] if path.lower().startswith(self.root.lower() + "/") else path.lstrip("/")

    def _call(self, what: str, call: Callable[[], T]) -> T:
        attempt = 0
        while True:
            try:
                return call()
            except dbx_errors.RateLimitError as error:
                wait = min(MAX_RETRY_AFTER, float(error.backoff)) if error.backoff else self.backoff * 2 ** attempt
            except (dbx_errors.InternalServerError, requests.ConnectionError, requests.Timeout) as error:
                wait = self.backoff * 2 ** attempt
                if attempt >= self.retries:
                    raise StorageError(f"Dropbox {what} failed: {type(error).__name__}") from error
            except dbx_errors.AuthError as error:
                raise StorageError(f"Dropbox refused the credentials ({what})") from error
            except (dbx_errors.BadInputError, dbx_errors.HttpError) as error:
                raise StorageError(f"Dropbox {what} failed: {type(error).__name__}") from error
            if attempt >= self.retries:
                raise StorageError(f"Dropbox {what}: still rate limited after {attempt + 1} tries")
            attempt += 1
            log.info("Dropbox %s: trying again in %.2f s (try %d)", what, wait, attempt + 1)
            self.sleep(wait)

    @staticmethod
    def _not_found(error: dbx_errors.ApiError) -> bool:
        return "not_found" in str(error.error)

    # --- the Storage interface ----------------------------------------------------------------------

    def upload(self, key: str, data: bytes) -> RemoteFile:
        """Write `data` at `key` (replacing what is there) and return what Dropbox stored."""
        path, mode = self.path(key), dbx_files.WriteMode.overwrite
        try:
            if len(data) <= self.chunk_bytes:
                meta = self._call("upload", lambda: self.client.files_upload(data, path, mode=mode, mute=True))
            else:
                meta = self._upload_session(path, mode, [data[at:at + self.chunk_bytes]
                                                         for at in range(0, len(data), self.chunk_bytes)])
        except dbx_errors.ApiError as error:
            raise StorageError(f"Dropbox refused the upload of {key}: {error.error}") from error
        found = RemoteFile(key, int(meta.size), str(meta.content_hash))
        if found.content_hash != content_hash(data):
            raise StorageError(f"Dropbox stored {key} with another content hash")
        return found

    def upload_file(self, key: str, source: str | Path) -> RemoteFile:
        """A file on disk uploaded chunk by chunk (backups): memory stays at one chunk."""
        path, size = self.path(key), Path(source).stat().st_size
        if size <= self.chunk_bytes:
            return self.upload(key, Path(source).read_bytes())

        def chunks() -> Any:
            with open(source, "rb") as handle:
                while chunk := handle.read(self.chunk_bytes):
                    yield chunk

        try:
            meta = self._upload_session(path, dbx_files.WriteMode.overwrite, chunks())
        except dbx_errors.ApiError as error:
            raise StorageError(f"Dropbox refused the upload of {key}: {error.error}") from error
        found = RemoteFile(key, int(meta.size), str(meta.content_hash))
        if found.content_hash != file_content_hash(source):
            raise StorageError(f"Dropbox stored {key} with another content hash")
        return found

    def _upload_session(self, path: str, mode: dbx_files.WriteMode, chunks: Any) -> dbx_files.FileMetadata:
        iterator = iter(chunks)
        first = next(iterator)
        started = self._call("upload session start", lambda: self.client.files_upload_session_start(first))
        cursor = dbx_files.UploadSessionCursor(session_id=started.session_id, offset=len(first))
        for chunk in iterator:
            current = dbx_files.UploadSessionCursor(session_id=cursor.session_id, offset=cursor.offset)
            self._call("upload session append", partial(self.client.files_upload_session_append_v2, chunk, current))
            cursor = dbx_files.UploadSessionCursor(session_id=cursor.session_id, offset=cursor.offset + len(chunk))
        commit = dbx_files.CommitInfo(path=path, mode=mode, mute=True)
        return self._call("upload session finish",
                          lambda: self.client.files_upload_session_finish(b"", cursor, commit))

    def save(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> str:
        self.upload(key, data)
        return key

    def save_file(self, key: str, source: str | Path) -> str:
        self.upload_file(key, source)
        return key

    def read(self, key: str) -> bytes:
        try:
            _meta, response = self._call("download", lambda: self.client.files_download(self.path(key)))
        except dbx_errors.ApiError as error:
            if self._not_found(error):
                raise FileNotFoundError(key) from None
            raise StorageError(f"Dropbox refused the download of {key}") from error
        with response:
            return bytes(response.content)

    def read_to(self, key: str, target: str | Path) -> None:
        """Download to a file on disk, streamed (backups)."""
        try:
            self._call("download", partial(self.client.files_download_to_file, str(target), self.path(key)))
        except dbx_errors.ApiError as error:
            if self._not_found(error):
                raise FileNotFoundError(key) from None
            raise StorageError(f"Dropbox refused the download of {key}") from error

    def delete(self, key: str) -> None:
        try:
            self._call("delete", lambda: self.client.files_delete_v2(self.path(key)))
        except dbx_errors.ApiError as error:
            if not self._not_found(error):
                raise StorageError(f"Dropbox refused to delete {key}") from error

    def url(self, key: str) -> str:
        return self.temporary_link(key)

    def listing(self, prefix: str = "") -> list[StoredObject]:
        """Every file below `prefix` (all pages of files/list_folder)."""
        folder = self.path(prefix) if prefix.strip("/") else self.root
        try:
            page = self._call("list", lambda: self.client.files_list_folder(folder, recursive=True))
        except dbx_errors.ApiError as error:
            if self._not_found(error):
                return []
            raise StorageError("Dropbox refused the listing") from error
        found: list[StoredObject] = []
        while True:
            found += [StoredObject(self.key_of(entry.path_display), int(entry.size)) for entry in page.entries
                      if isinstance(entry, dbx_files.FileMetadata)]
            if not page.has_more:
                return sorted(found, key=lambda item: item.key)
            page = self._call("list", partial(self.client.files_list_folder_continue, page.cursor))

    # --- links ----------------------------------------------------------------------------------------

    def temporary_link(self, key: str) -> str:
        """A link to the file's bytes valid TEMPORARY_LINK_SECONDS (four hours)."""
        try:
            return str(self._call("temporary link", lambda: self.client.files_get_temporary_link(self.path(key))).link)
        except dbx_errors.ApiError as error:
            if self._not_found(error):
                raise FileNotFoundError(key) from None
            raise StorageError(f"Dropbox refused a temporary link to {key}") from error

    def shared_link(self, key: str) -> str:
        """A lasting public link to the file itself (`raw=1`: the bytes, not Dropbox's preview page)."""
        path = self.path(key)
        try:
            link = self._call("shared link", lambda: self.client.sharing_create_shared_link_with_settings(path)).url
        except dbx_errors.ApiError as error:
            if not isinstance(error.error, dbx_sharing.CreateSharedLinkWithSettingsError) or \
                    not error.error.is_shared_link_already_exists():
                raise StorageError(f"Dropbox refused a shared link to {key}") from error
            found = self._call("shared links", lambda: self.client.sharing_list_shared_links(path, direct_only=True))
            if not found.links:
                raise StorageError(f"Dropbox has no shared link to {key}") from error
            link = found.links[0].url
        return raw_link(str(link))


def raw_link(link: str) -> str:
    """The shared link that answers with the file's bytes (`raw=1` instead of `dl=0`)."""
    base, _, query = link.partition("?")
    params = [part for part in query.split("&") if part and not part.startswith(("dl=", "raw="))]
    return f"{base}?{'&'.join(params + ['raw=1'])}"


def dropbox_from_config(config: Mapping[str, Any]) -> DropboxStorage:
    return DropboxStorage(
        config["DROPBOX_APP_KEY"], config["DROPBOX_APP_SECRET"], config["DROPBOX_REFRESH_TOKEN"],
        config.get("DROPBOX_ROOT") or "/vgk", base_url=config.get("DROPBOX_BASE_URL") or None,
        timeout=float(config.get("DROPBOX_TIMEOUT") or 30), chunk_bytes=int(config.get("DROPBOX_CHUNK_BYTES") or
                                                                             DEFAULT_CHUNK_BYTES),
        retries=int(config.get("DROPBOX_RETRIES", 5)), backoff=float(config.get("DROPBOX_BACKOFF_SECONDS", 1.0)))
