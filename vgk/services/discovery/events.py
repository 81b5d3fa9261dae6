"""Behaviour events: views, searches (with their result count), favourites, cart adds, offers and
purchases, by a client (account) or a visitor (an anonymous id the face keeps in a cookie or a header).

Recording costs a request an append to an in-memory list: a thread of each process writes the list in one
INSERT every DISCOVERY_FLUSH_SECONDS (and product views as one batched counter update), so no page waits
on a write and the product row is not rewritten at every view. A process that dies loses at most those
seconds of events, which only feed suggestions. People who opt out (the account's preference, a visitor's
choice, the browser's Global Privacy Control or Do Not Track) are not recorded and their history is
erased; events older than DISCOVERY_RETENTION_DAYS are deleted by the recommenders' job."""
from __future__ import annotations

import atexit
import logging
import os
import re
import secrets
import threading
from collections import Counter, deque
from contextvars import ContextVar, Token
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import bindparam, delete, func, insert, select, update

from vgk.extensions import db
from vgk.models import BehaviourEvent, EventKind, Product, Role, User
from vgk.models.base import utcnow

log = logging.getLogger(__name__)

VISITOR_ID = re.compile(r"^[A-Za-z0-9_-]{16,32}$")
FLUSH_AT = 500  # events waiting: write now rather than at the next tick
MAX_WAITING = 50_000  # if the database stays unreachable, the oldest events go rather than the memory
COUNT_ONLY = "count_only"  # a view counted on the product, not kept (the person is not tracked)
# Anonymous ids are free to make: past this many a day from one address, its new ones are not counted as
# people (its views count once per product and day, like anyone untracked). A mobile network's shared
# address keeps working: its further visitors just get no personal history.
VISITORS_PER_ADDRESS = 50
REMEMBERED = 200_000  # (who, product) pairs remembered for today's view counting, per process


@dataclass(frozen=True)
class Source:
    """Where the current request comes from, as the faces tell it: the client's address, and whether it
    asks not to be tracked (Global Privacy Control, Do Not Track)."""

    address: str = ""
    declined: bool = False


_SOURCE: ContextVar[Source | None] = ContextVar("vgk_behaviour_source", default=None)


def begin_request(address: str, declined: bool) -> Token[Source | None]:
    return _SOURCE.set(Source(address, declined))


def end_request(token: Token[Source | None]) -> None:
    _SOURCE.reset(token)


def _source() -> Source:
    return _SOURCE.get() or Source()


@dataclass(frozen=True)
class Person:
    """Who did it, as far as suggestions may know: an account id, an anonymous visitor id, or nobody
    (not tracked: opted out, or no id)."""

    user_id: int | None = None
    visitor: str | None = None

    @property
    def tracked(self) -> bool:
        return self.user_id is not None or self.visitor is not None


NOBODY = Person()


def new_visitor_id() -> str:
    return secrets.token_urlsafe(18)


def person_of(user: User | None, visitor: object = None, declined: bool = False) -> Person:
    """The person behind a request: a signed-in client unless they turned history off (staff and admins
    are never tracked); else a visitor with a well-formed id. `declined`: the browser asks not to be
    tracked (also read from the request's source)."""
    if declined or _source().declined:
        return NOBODY
    if user is not None and getattr(user, "is_authenticated", False):
        return Person(user_id=user.id) if user.uses_history and user.role == Role.CLIENT else NOBODY
    text = str(visitor or "")
    return Person(visitor=text) if VISITOR_ID.match(text) else NOBODY


def clean_query(text: object) -> str:
    """A search as it is kept: lower case, printable, single spaces, contacts masked (and any word with
    several digits or an @: a number or an address written oddly), at most 100 characters."""
    from vgk.services.selling.moderation import mask_contacts  # (selling → catalogue → discovery)

    printable = "".join(char if char.isprintable() else " " for char in str(text or "").lower())
    words = ["•••" if "@" in word or sum(char.isdigit() for char in word) >= 6 else word
             for word in mask_contacts(" ".join(printable.split())).split()]
    return " ".join(words)[:100]


class Recorder:
    """One process's waiting events for one application, and the thread that writes them."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.waiting: deque[dict[str, Any]] = deque()
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.thread: threading.Thread | None = None
        self.pid = 0
        self.day = ""
        self.counted: set[tuple[str, int]] = set()  # (who, product) views counted today
        self.visitors: dict[str, set[str]] = {}  # address -> the visitor ids counted as people today

    def admits(self, who: str, product_id: int, address: str, visitor: str | None) -> tuple[bool, bool]:
        """(count this view?, may this visitor id count as a person?), for today."""
        today = utcnow().date().isoformat()
        with self.lock:
            if today != self.day or len(self.counted) > REMEMBERED:
                self.day, self.counted, self.visitors = today, set(), {}
            person_ok = True
            if visitor is not None and address:
                seen = self.visitors.setdefault(address, set())
                if visitor not in seen and len(seen) >= VISITORS_PER_ADDRESS:
                    person_ok, who = False, f"a{address}"
                elif person_ok:
                    seen.add(visitor)
            key = (who, product_id)
            if key in self.counted:
                return False, person_ok
            self.counted.add(key)
            return True, person_ok

    def add(self, row: dict[str, Any]) -> None:
        if len(self.waiting) >= MAX_WAITING:
            self.waiting.popleft()
        self.waiting.append(row)
        every = float(self.app.config.get("DISCOVERY_FLUSH_SECONDS") or 0)
        if every <= 0:
            self.flush()
            return
        if self.pid != os.getpid():  # first event in this process (or after a fork)
            self._start(every)
        if len(self.waiting) >= FLUSH_AT:
            self.wake.set()

    def _start(self, every: float) -> None:
        with self.lock:
            if self.pid == os.getpid():
                return
            self.pid = os.getpid()
            self.thread = threading.Thread(target=self._run, args=(every,), name="vgk-events", daemon=True)
            self.thread.start()
            atexit.register(self.flush)

    def _run(self, every: float) -> None:
        while True:
            self.wake.wait(every)
            self.wake.clear()
            try:
                self.flush()
            except Exception:  # the next tick tries again with what is still waiting
                log.exception("behaviour events not written")

    def flush(self) -> int:
        """Write what is waiting: one INSERT, then one counter update per viewed product."""
        with self.lock:
            rows = []
            while self.waiting:
                rows.append(self.waiting.popleft())
            if not rows:
                return 0
            views = Counter(row["product_id"] for row in rows if row["kind"] == EventKind.VIEW)
            with self.app.app_context():
                try:
                    kept = _still_wanted([row for row in rows if COUNT_ONLY not in row])
                    with db.engine.begin() as connection:
                        if kept:
                            connection.execute(insert(BehaviourEvent), kept)
                        if views:
                            connection.execute(
                                update(Product).where(Product.id == _bind("pid"))
                                .values(view_count=Product.view_count + _bind("n"), updated_at=Product.updated_at)
                                .execution_options(synchronize_session=False),
                                [{"pid": pid, "n": n} for pid, n in views.items()])
                except Exception:
                    self.waiting.extendleft(reversed(rows))  # kept for the next try
                    raise
            return len(rows)


def _still_wanted(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows whose account has not turned history off (or been deleted) since they were recorded, maybe in
    another process: one small query per batch."""
    users = {row["user_id"] for row in rows if row.get("user_id") is not None}
    if not users:
        return rows
    off = set(db.session.scalars(select(User.id).where(User.id.in_(users), User.uses_history.is_(False))))
    off |= users - set(db.session.scalars(select(User.id).where(User.id.in_(users))))
    return [row for row in rows if row.get("user_id") not in off] if off else rows


def _bind(name: str) -> Any:
    return bindparam(name)


def _changed(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def recorder(app: Flask | None = None) -> Recorder:
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get("vgk_events")
    if found is None:
        found = app.extensions["vgk_events"] = Recorder(app)
    return found


def record(kind: str, person: Person, product_id: int | None = None, query: str | None = None,
           results: int | None = None) -> None:
    """Note what a person did. Of people not tracked only a product view is noted, as a number added to the
    product's view count. A view counts once a day per person and product (per address for people not
    tracked), and one address's visitor ids count as people up to VISITORS_PER_ADDRESS a day: the view
    counter and the trends are not a reload away. Call it after the service's commit."""
    if kind not in EventKind.ALL:
        return
    source = _source()
    if source.declined:
        person = NOBODY
    if kind == EventKind.VIEW and product_id is not None:
        who = (f"u{person.user_id}" if person.user_id is not None else f"v{person.visitor}" if person.visitor
               else f"a{source.address}")
        counted, person_ok = recorder().admits(who, product_id, source.address, person.visitor)
        if not person_ok:
            person = NOBODY
        if not counted:
            return
    elif person.visitor is not None and source.address and not recorder().admits(
            f"v{person.visitor}", -1, source.address, person.visitor)[1]:
        person = NOBODY
    if not person.tracked:
        if kind == EventKind.VIEW and product_id is not None:
            recorder().add({"kind": kind, "product_id": product_id, COUNT_ONLY: True})
        return
    recorder().add({"kind": kind, "user_id": person.user_id, "visitor": person.visitor, "product_id": product_id,
                    "query": clean_query(query) if query is not None else None, "results": results,
                    "created_at": utcnow()})


def waiting_for(person: Person) -> list[tuple[int, str]]:
    """The person's events this process has not written yet, (product, kind), most recent first: a page
    right after a view already knows of it."""
    if not person.tracked:
        return []
    found = []
    for row in list(recorder().waiting):
        if (row.get("product_id") is not None and COUNT_ONLY not in row and row["kind"] != EventKind.SEARCH
                and row.get("user_id") == person.user_id and row.get("visitor") == person.visitor):
            found.append((row["product_id"], row["kind"]))
    return found[::-1]


def flush() -> int:
    """Write the waiting events now (tests, shutdown)."""
    return recorder().flush()


def forget(person: Person) -> int:
    """Erase a person's history (they opted out, or deleted their account)."""
    if person.user_id is not None:
        where = BehaviourEvent.user_id == person.user_id
    elif person.visitor is not None:
        where = BehaviourEvent.visitor == person.visitor
    else:
        return 0
    recorder().flush()
    count = _changed(db.session.execute(delete(BehaviourEvent).where(where)))
    db.session.commit()
    return count


def set_uses_history(user: User, uses: bool) -> None:
    """The account's choice: suggestions from their history, or not (and then it is erased)."""
    user.uses_history = bool(uses)
    db.session.commit()
    if not uses:
        forget(Person(user_id=user.id))


def adopt(user: User, visitor: object) -> int:
    """A visitor signed in: what they did before becomes their account's history (when it may be kept)."""
    text = str(visitor or "")
    if not VISITOR_ID.match(text) or not user.uses_history:
        return 0
    recorder().flush()
    count = _changed(db.session.execute(update(BehaviourEvent).where(BehaviourEvent.visitor == text)
                                        .values(user_id=user.id, visitor=None)))
    db.session.commit()
    return count


def prune(days: int | None = None) -> int:
    """Delete events older than the retention period."""
    keep = days if days is not None else int(current_app.config.get("DISCOVERY_RETENTION_DAYS") or 90)
    count = _changed(db.session.execute(
        delete(BehaviourEvent).where(BehaviourEvent.created_at < utcnow() - timedelta(days=keep))))
    db.session.commit()
    return count


@dataclass(frozen=True)
class QueryFigure:
    query: str
    searches: int
    people: int
    most_results: int


def search_figures(days: int = 30, limit: int = 20, zero_only: bool = False) -> list[QueryFigure]:
    """The most frequent searches of the last days (or those that found nothing), for the admins."""
    since = utcnow() - timedelta(days=days)
    people = func.count(func.distinct(func.coalesce(BehaviourEvent.visitor, func.cast(BehaviourEvent.user_id,
                                                                                      db.String))))
    stmt = (select(BehaviourEvent.query, func.count().label("searches"), people.label("people"),
                   func.min(BehaviourEvent.results).label("fewest"), func.max(BehaviourEvent.results).label("most"))
            .where(BehaviourEvent.kind == EventKind.SEARCH, BehaviourEvent.created_at >= since,
                   BehaviourEvent.query.is_not(None), BehaviourEvent.query != "")
            .group_by(BehaviourEvent.query))
    if zero_only:
        stmt = stmt.having(func.max(BehaviourEvent.results) == 0)
    rows = db.session.execute(stmt.order_by(func.count().desc(), BehaviourEvent.query).limit(limit)).all()
    return [QueryFigure(row.query, row.searches, row.people, row.most or 0) for row in rows]
