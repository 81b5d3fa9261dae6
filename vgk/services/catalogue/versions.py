"""Version numbers of what public pages are built from, and the small in-memory caches keyed by them.

Two numbers: REFERENCE (categories, cities, pickup points) and CATALOGUE (products on sale, their photos,
prices and stock, sellers' standing — and the reference lists, whose names the pages show too). Any
commit that changes one of those rows moves its number on, whatever made the change: the ORM's flushes
and bulk statements are watched, so no service has to remember to say so. A cache keyed by a number is
never stale after a commit of this process; with REDIS_URL the numbers live in Redis, so the web
workers and the job worker agree. A cached value is also rebuilt after MAX_AGE seconds, which bounds
what a raw SQL change (or another process without Redis) can leave stale.

The state belongs to the app (`app.extensions["vgk_versions"]`): several apps in one process (tests)
never share a cache."""
from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from vgk.models import Category, City, PickupPoint, Product, ProductImage, User

log = logging.getLogger(__name__)

REFERENCE, CATALOGUE = "reference", "catalogue"
KINDS = (REFERENCE, CATALOGUE)
MAX_AGE = 60.0  # seconds a cached value is trusted without any change seen
REDIS_PREFIX = "vgk:version:"
EXTENSION = "vgk_versions"
_CHANGED = "vgk_changed_kinds"
REDIS_CHECK_SECONDS = 0.5  # another process's change is seen within this (this process's at once)
_REFERENCE_ROWS = (Category, City, PickupPoint)
_QUIET_PRODUCT_FIELDS = {"view_count", "updated_at"}  # counted views do not change a page
KEPT = "vgk_kept"
KEPT_BYTES = 16 * 1024 * 1024  # of text kept by `kept` (a listing's result block is 15-25 kB)
clock: Callable[[], float] = time.time  # the minute a kept value belongs to (tests set it)
T = TypeVar("T")


class _State:
    """One app's numbers (in memory, or in Redis) and its cached values."""

    def __init__(self, redis_url: str | None) -> None:
        self.redis: Any = None
        if redis_url:
            from redis import Redis

            self.redis = Redis.from_url(redis_url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.local = dict.fromkeys(KINDS, 0)
        self.lock = threading.Lock()
        self.values: dict[str, tuple[Any, float, Any]] = {}
        self.seen: tuple[float, tuple[Any, ...]] = (0.0, ())
        self.failed_at: float | None = None  # when Redis last failed, while it does

    def read(self) -> tuple[Any, ...]:
        if self.redis is None:
            return tuple(self.local[kind] for kind in KINDS)
        at, numbers = self.seen
        if numbers and time.monotonic() - at < REDIS_CHECK_SECONDS:
            return numbers
        if self.failed_at is not None and time.monotonic() - self.failed_at < REDIS_CHECK_SECONDS:
            return tuple(object() for _kind in KINDS)  # Redis failed just now: not asked again yet
        try:
            numbers = tuple(self.redis.mget([REDIS_PREFIX + kind for kind in KINDS]))
        except Exception as error:  # Redis away: nothing cached is trusted (a fresh number each time)
            if self.failed_at is None:
                log.warning("versions: Redis unreachable (%s), caches bypassed until it answers",
                            error.__class__.__name__)
            self.failed_at = time.monotonic()
            return tuple(object() for _kind in KINDS)
        if self.failed_at is not None:
            log.info("versions: Redis answers again")
            self.failed_at = None
        self.seen = (time.monotonic(), numbers)
        return numbers

    def bump(self, kinds: Iterable[str]) -> None:
        kinds = sorted(set(kinds))
        with self.lock:
            for kind in kinds:
                self.local[kind] += 1
            self.seen = (0.0, ())
        if self.redis is not None:
            try:
                with self.redis.pipeline() as pipe:
                    for kind in kinds:
                        pipe.incr(REDIS_PREFIX + kind)
                    pipe.execute()
            except Exception as error:
                log.warning("versions: Redis unreachable (%s), other processes keep their caches a while",
                            error.__class__.__name__)


def _state(app: Flask | None = None) -> _State:
    app = app or current_app
    state = app.extensions.get(EXTENSION)
    if state is None:
        state = app.extensions.setdefault(EXTENSION, _State(app.config.get("REDIS_URL")))
    return state


def current(app: Flask | None = None) -> tuple[Any, ...]:
    """Both numbers now (with Redis, read again at most every REDIS_CHECK_SECONDS)."""
    return _state(app).read()


def cached(name: str, build: Callable[[], T], kind: str = REFERENCE) -> T:
    """The value `build()` made under the current number of `kind`, built again after a change of it (or
    after MAX_AGE)."""
    state = _state()
    numbers = current()[KINDS.index(kind)]
    kept = state.values.get(name)
    if kept is not None and kept[0] == numbers and time.monotonic() - kept[1] < MAX_AGE:
        return kept[2]
    value = build()  # the numbers were read first: a change committed meanwhile rebuilds next time
    state.values[name] = (numbers, time.monotonic(), value)
    return value


class Kept:
    """Values built from the catalogue (parts of public pages, API lists), least recently used first,
    bounded by the size of their text."""

    def __init__(self, max_bytes: int = KEPT_BYTES) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.values: OrderedDict[Hashable, tuple[int, Any]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        with self.lock:
            found = self.values.get(key)
            if found is None:
                return None
            self.values.move_to_end(key)
            return found[1]

    def put(self, key: Hashable, value: Any) -> None:
        size = _size(value)
        with self.lock:
            old = self.values.pop(key, None)
            self.size += size - (old[0] if old is not None else 0)
            self.values[key] = (size, value)
            while self.size > self.max_bytes and self.values:
                self.size -= self.values.popitem(last=False)[1][0]


def _size(value: Any) -> int:
    if isinstance(value, str):
        return 50 + len(value)
    if isinstance(value, (tuple, list)):
        return 50 + sum(_size(item) for item in value)
    if isinstance(value, dict):
        return 50 + sum(_size(key) + _size(item) for key, item in value.items())
    if hasattr(value, "__dict__"):
        return 50 + sum(_size(item) for item in vars(value).values())
    return 50


def kept(name: str, parts: tuple[Hashable, ...], build: Callable[[], T]) -> T:
    """What `build()` gives from the catalogue for `name` and `parts` (everything the value depends on
    besides the catalogue: the language, the filters...), built again once the catalogue's numbers move on
    and at least once a minute: nothing kept outlives the minute it was built in ("il y a 3 min", trends
    that move with the views). KEPT_VALUES=False in the configuration builds everything each time."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not app.config.get("KEPT_VALUES", True):
        return build()
    store = app.extensions.get(KEPT)
    if store is None:
        store = app.extensions.setdefault(KEPT, Kept())
    key = (name, parts, current(app), int(clock() // 60))
    try:
        value = store.get(key)
    except TypeError:  # a part that cannot be a key: built each time
        return build()
    if value is None:
        value = build()  # the numbers were read first: a change committed meanwhile rebuilds next time
        store.put(key, value)
    return value


def changed(*kinds: str) -> None:
    """Say that something changed outside the ORM's sight (raw SQL): the caches rebuild."""
    _state().bump(kinds or KINDS)


# --- what a commit changed --------------------------------------------------------------------------

def _kinds(obj: object, modified_fields: Iterable[str] | None) -> set[str]:
    if isinstance(obj, _REFERENCE_ROWS):
        return {REFERENCE, CATALOGUE}
    if isinstance(obj, ProductImage):
        return {CATALOGUE}
    if isinstance(obj, Product):
        if modified_fields is not None and set(modified_fields) <= _QUIET_PRODUCT_FIELDS:
            return set()
        return {CATALOGUE}
    if isinstance(obj, User) and modified_fields is not None and "status" in modified_fields:
        return {CATALOGUE}  # a suspended seller's listings leave the pages
    return set()


def _modified(session: Session, obj: object) -> list[str]:
    from sqlalchemy import inspect

    state = inspect(obj)
    return [attr.key for attr in state.attrs if attr.history.has_changes()]


def _note(session: Session, kinds: set[str]) -> None:
    if kinds:
        session.info.setdefault(_CHANGED, set()).update(kinds)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: UOWTransaction) -> None:
    kinds: set[str] = set()
    for obj in (*session.new, *session.deleted):
        kinds |= _kinds(obj, None) if not isinstance(obj, User) else set()  # no page shows a new account yet
    for obj in session.dirty:
        if isinstance(obj, (*_REFERENCE_ROWS, Product, ProductImage, User)) and session.is_modified(obj):
            kinds |= _kinds(obj, _modified(session, obj))
    _note(session, kinds)


@event.listens_for(Session, "do_orm_execute")
def _bulk(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    mapper = state.bind_mapper
    if mapper is None:
        return
    if issubclass(mapper.class_, _REFERENCE_ROWS):
        _note(state.session, {REFERENCE, CATALOGUE})
    elif issubclass(mapper.class_, (Product, ProductImage, User)):
        _note(state.session, {CATALOGUE})


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    kinds = session.info.pop(_CHANGED, None)
    if kinds and has_app_context():
        changed(*kinds)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_CHANGED, None)
