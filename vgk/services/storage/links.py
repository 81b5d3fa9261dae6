"""Serving a file that was moved to the remote store: a redirect to a link, cached in this process.

A listing photo has a lasting shared link (kept in its record since the move); any other file gets a
temporary link (valid four hours), asked again `REFRESH_MARGIN` before it expires. A cached link costs no
query and no call: the media route answers with the redirect at once. Browsers may keep the redirect for
`max_age` seconds, never past the link's own expiry."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from vgk.integrations import registry
from vgk.integrations.dropbox_storage import TEMPORARY_LINK_SECONDS
from vgk.models.storage import REMOTE
from vgk.services.storage import files

REFRESH_MARGIN = 30 * 60  # a temporary link is replaced when less than this is left of it
SHARED_RECHECK = 3600  # a shared link is looked up again (its record) after this long
MAX_AGE = 3600  # the longest a browser keeps a redirect
MAX_ENTRIES = 50_000


@dataclass(frozen=True)
class Link:
    url: str
    refresh_at: float  # time.monotonic() after which it is asked again
    expires_at: float  # time.monotonic() when the link stops working (inf: lasting)

    def max_age(self, now: float) -> int:
        """Seconds a browser may keep the redirect: an hour at most, and never past the refresh."""
        return max(0, min(MAX_AGE, int(self.refresh_at - now)))


_cache: dict[str, Link] = {}
_lock = threading.Lock()


def cached(key: str, now: float | None = None) -> Link | None:
    """The link kept for `key` while it is fresh, without any query or call."""
    now = time.monotonic() if now is None else now
    link = _cache.get(key)
    return link if link is not None and now < link.refresh_at else None


def forget(key: str) -> None:
    with _lock:
        _cache.pop(key, None)


def clear() -> None:
    with _lock:
        _cache.clear()


def link_for(key: str) -> Link | None:
    """A link to the moved file `key`, cached; None when the record says it is not in the remote store."""
    now = time.monotonic()
    found = cached(key, now)
    if found is not None:
        return found
    row = files.find(key)
    remote = registry.remote_storage()
    if row is None or row.location != REMOTE or remote is None:
        return None
    if row.shared_url:
        link = Link(row.shared_url, now + SHARED_RECHECK, float("inf"))
    else:
        url = remote.temporary_link(key)
        link = Link(url, now + TEMPORARY_LINK_SECONDS - REFRESH_MARGIN, now + TEMPORARY_LINK_SECONDS)
    with _lock:
        if len(_cache) >= MAX_ENTRIES:
            _cache.clear()
        _cache[key] = link
    return link
