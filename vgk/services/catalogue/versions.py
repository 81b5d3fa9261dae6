"""Version numbers of what public pages are built from, and the small in-memory caches keyed by them.

Three numbers: REFERENCE (categories, cities, pickup points), CATALOGUE (products on sale, their photos,
prices and stock, sellers' standing and reviews — and the reference lists, whose names the pages show
too) and LINEUP, which moves with CATALOGUE except for one kind of change: products leaving sale or their
stock going down (a reservation, a sale: the statement says which products with the execution option
`FEWER`). Such a change cannot bring any other product into a page, so a value that says which products
it shows (`stamp`, `fresh`: a product page and its lists of other items) stays good unless it shows one
of them, while a listing (whose counts and pages move) follows CATALOGUE.

Any commit that changes one of those rows moves its numbers on, whatever made the change: the ORM's
flushes and bulk statements are watched, so no service has to remember to say so. A cache keyed by a
number is never stale after a commit of this process; with REDIS_URL the numbers live in Redis, with a
stream of the products that had fewer (read with the numbers), so the web workers and the job worker
agree. A cached value is also rebuilt after MAX_AGE seconds, which bounds what a raw SQL change (or
another process without Redis) can leave stale.

The state belongs to the app (`app.extensions["vgk_versions"]`): several apps in one process (tests)
never share a cache."""
from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Collection, Hashable, Iterable
from typing import Any, NamedTuple, TypeVar

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from vgk.models import Category, City, PickupPoint, Product, ProductImage, Review, User

log = logging.getLogger(__name__)

REFERENCE, CATALOGUE, LINEUP = "reference", "catalogue", "lineup"
KINDS = (REFERENCE, CATALOGUE, LINEUP)
FEWER = "vgk_fewer"  # execution option of an UPDATE of products: their ids, each leaving sale or with less stock
MAX_AGE = 60.0  # seconds a cached value is trusted without any change seen
REDIS_PREFIX = "vgk:version:"
EXTENSION = "vgk_versions"
_CHANGED = "vgk_changed_kinds"
_CHANGED_FEWER = "vgk_changed_fewer"
STREAM = "vgk:version:fewer"  # Redis stream of the products that had fewer, one entry per commit
STREAM_LENGTH = 10_000  # entries kept (about: trimmed as Redis finds cheap); read 1 000 at a time
REDIS_CHECK_SECONDS = 0.5  # another process's change is seen within this (this process's at once)
_REFERENCE_ROWS = (Category, City, PickupPoint)
_QUIET_PRODUCT_FIELDS = {"view_count", "updated_at"}  # counted views do not change a page
KEPT = "vgk_kept"
KEPT_BYTES = 16 * 1024 * 1024  # of text kept by `kept` (a listing's result block is 15-25 kB)
clock: Callable[[], float] = time.time  # the minute a kept value belongs to (tests set it)
T = TypeVar("T")


class Stamp(NamedTuple):
    """When a value was built: the numbers, and how many changes of single products this process knew of."""

    numbers: tuple[Any, ...]
    seq: int


def lineup_of(numbers: tuple[Any, ...]) -> tuple[Any, Any]:
    """The numbers a value that says which products it shows depends on: the reference lists and the lineup."""
    return numbers[KINDS.index(REFERENCE)], numbers[KINDS.index(LINEUP)]


def _widened(kinds: Iterable[str]) -> set[str]:
    """What moves when these kinds change: the lineup too, with any change of the catalogue."""
    kinds = set(kinds)
    return kinds | {LINEUP} if CATALOGUE in kinds else kinds


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
        self.seq = 0  # changes of single products learnt by this process
        self.fewer: dict[int, int] = {}  # product id → the seq at which it last had fewer
        self.all_from = 0  # values stamped before this seq are not trusted (part of the stream was missed)
        self.stream_id: str | None = None  # the last entry of STREAM read
        self.token = uuid.uuid4().hex  # this process's entries in STREAM (already learnt when written)

    def read(self) -> tuple[Any, ...]:
        if self.redis is None:
            return tuple(self.local[kind] for kind in KINDS)
        at, numbers = self.seen
        if numbers and time.monotonic() - at < REDIS_CHECK_SECONDS:
            return numbers
        if self.failed_at is not None and time.monotonic() - self.failed_at < REDIS_CHECK_SECONDS:
            return tuple(object() for _kind in KINDS)  # Redis failed just now: not asked again yet
        try:
            with self.redis.pipeline(transaction=False) as pipe:
                pipe.mget([REDIS_PREFIX + kind for kind in KINDS])
                if self.stream_id is None:
                    pipe.xrevrange(STREAM, count=1)
                else:
                    pipe.xrange(STREAM, min="(" + self.stream_id, count=1000)
                found, entries = pipe.execute()
            numbers = tuple(found)
            self._learn(entries)
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

    def _learn(self, entries: list[tuple[Any, dict[bytes, bytes]]]) -> None:
        """Products other processes said had fewer, from STREAM's entries after the last one read."""
        first = self.stream_id is None
        with self.lock:
            for entry_id, fields in entries:
                self.stream_id = entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)
                if first or fields.get(b"by", b"").decode() == self.token:
                    continue
                self.seq += 1
                for product_id in fields.get(b"ids", b"").split(b","):
                    if product_id.isdigit():
                        self.fewer[int(product_id)] = self.seq
            if first and self.stream_id is None:
                self.stream_id = "0-0"
            if len(entries) >= 1000:  # more are waiting: trust nothing built until now
                self.seq += 1
                self.all_from = self.seq

    def stamp(self) -> Stamp:
        numbers = self.read()
        return Stamp(numbers, self.seq)

    def fresh(self, stamp: Stamp, products: Collection[int]) -> bool:
        if lineup_of(self.read()) != lineup_of(stamp.numbers) or stamp.seq < self.all_from:
            return False
        fewer = self.fewer
        return all(fewer.get(product_id, 0) <= stamp.seq for product_id in products)

    def bump(self, kinds: Iterable[str], fewer: Collection[int] = ()) -> None:
        kinds = sorted(set(kinds))
        with self.lock:
            for kind in kinds:
                self.local[kind] += 1
            if fewer:
                self.seq += 1
                for product_id in fewer:
                    self.fewer[product_id] = self.seq
            self.seen = (0.0, ())
        if self.redis is not None:
            try:
                with self.redis.pipeline() as pipe:
                    for kind in kinds:
                        pipe.incr(REDIS_PREFIX + kind)
                    if fewer:
                        pipe.xadd(STREAM, {"ids": ",".join(map(str, sorted(fewer))), "by": self.token},
                                  maxlen=STREAM_LENGTH, approximate=True)
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


def stamp(app: Flask | None = None) -> Stamp:
    """The numbers and the changes of single products known now: what a value built next is built from."""
    return _state(app).stamp()


def fresh(stamp: Stamp, products: Collection[int], app: Flask | None = None) -> bool:
    """Is a value built at `stamp` that shows only these products still what would be built now? Yes
    unless the reference lists or the lineup moved on, or one of them had fewer since."""
    return _state(app).fresh(stamp, products)


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


def kept(name: str, parts: tuple[Hashable, ...], build: Callable[[], T],
         shows: Callable[[T], Collection[int]] | None = None) -> T:
    """What `build()` gives from the catalogue for `name` and `parts` (everything the value depends on
    besides the catalogue: the language, the filters...), built again once the catalogue's numbers move on
    and at least once a minute: nothing kept outlives the minute it was built in ("il y a 3 min", trends
    that move with the views). With `shows` (the ids of the products a value shows), a value is built
    again only when the lineup moves on or one of those products has fewer (`fresh`). KEPT_VALUES=False in
    the configuration builds everything each time."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not app.config.get("KEPT_VALUES", True):
        return build()
    store = app.extensions.get(KEPT)
    if store is None:
        store = app.extensions.setdefault(KEPT, Kept())
    now = stamp(app)
    key = (name, parts, now.numbers if shows is None else lineup_of(now.numbers), int(clock() // 60))
    try:
        found = store.get(key)
    except TypeError:  # a part that cannot be a key: built each time
        return build()
    if found is not None and (shows is None or fresh(found[0], found[1], app)):
        return found[2]
    value = build()  # the numbers were read first: a change committed meanwhile rebuilds next time
    store.put(key, (now, frozenset(shows(value)) if shows is not None else frozenset(), value))
    return value


def changed(*kinds: str) -> None:
    """Say that something changed outside the ORM's sight (raw SQL): the caches rebuild."""
    _state().bump(_widened(kinds or KINDS))


# --- what a commit changed --------------------------------------------------------------------------

def _kinds(obj: object, modified_fields: Iterable[str] | None) -> set[str]:
    if isinstance(obj, _REFERENCE_ROWS):
        return {REFERENCE, CATALOGUE}
    if isinstance(obj, (ProductImage, Review)):
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
        session.info.setdefault(_CHANGED, set()).update(_widened(kinds))


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: UOWTransaction) -> None:
    kinds: set[str] = set()
    for obj in (*session.new, *session.deleted):
        kinds |= _kinds(obj, None) if not isinstance(obj, User) else set()  # no page shows a new account yet
    for obj in session.dirty:
        if isinstance(obj, (*_REFERENCE_ROWS, Product, ProductImage, Review, User)) and session.is_modified(obj):
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
    elif issubclass(mapper.class_, Product) and state.is_update and state.execution_options.get(FEWER):
        state.session.info.setdefault(_CHANGED_FEWER, set()).update(state.execution_options[FEWER])
    elif issubclass(mapper.class_, (Product, ProductImage, Review, User)):
        _note(state.session, {CATALOGUE})


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    kinds = session.info.pop(_CHANGED, None) or set()
    fewer = session.info.pop(_CHANGED_FEWER, None) or set()
    if not has_app_context():
        return
    if LINEUP in kinds:  # every value is built again: which products had fewer does not matter
        _state().bump(kinds)
    elif kinds or fewer:
        _state().bump(kinds | {CATALOGUE}, fewer)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_CHANGED, None)
    session.info.pop(_CHANGED_FEWER, None)
