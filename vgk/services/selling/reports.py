"""Reports of listings: anyone, guest or client, may report a listing on sale (a reason, an optional
comment); one open report per reporter and listing (a second one answers "already reported"), and a
per-reporter hourly quota on top of the per-IP limits of vgk.edge. Admins read the open reports grouped by
listing and decide: dismiss them, or take the listing down (moderation.take_down, with a reason); either
decision closes the listing's open reports and is audited."""
from __future__ import annotations

import hashlib
import hmac
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from vgk.errors import Conflict, DomainError, Invalid, NotFound, RateLimited
from vgk.extensions import db
from vgk.models import ListingReport, Product, ProductStatus, ReportReason, User
from vgk.models.base import utcnow
from vgk.services.backoffice import audit
from vgk.services.selling import moderation

log = logging.getLogger(__name__)

MAX_COMMENT = 500
REPORTABLE = (ProductStatus.ACTIVE, ProductStatus.RESERVED)
DISMISSED, TAKEN_DOWN = "DISMISSED", "TAKEN_DOWN"
# What the reporter reads after a new report, and after a second one of the same listing.
THANKS = _l("Merci : notre équipe va examiner cette annonce.")
ALREADY = _l("Vous avez déjà signalé cette annonce.")
# How many listings the admin's list shows at once (most reported first).
LIST_LIMIT = 50


def reporter_key(user: User | None, ip: str) -> str:
    """Who reports: a signed-in user by account, a guest by their address, hashed (never stored in clear)."""
    if user is not None and getattr(user, "id", None):
        return f"user:{user.id}"
    key = str(current_app.config["SECRET_KEY"]).encode()
    return "ip:" + hmac.new(key, f"report:{ip}".encode(), hashlib.sha256).hexdigest()


def _reason(value: object) -> str:
    code = str(value or "").strip().upper()
    if code not in ReportReason.ALL:
        raise Invalid(_l("Choisissez la raison du signalement."), {"reason": "invalid" if code else "required"})
    return code


def _comment(value: object) -> str:
    text = " ".join(str(value or "").split())
    if "\x00" in text or len(text) > MAX_COMMENT:
        raise Invalid(_l("Le commentaire fait au plus 500 caractères."), {"comment": "too_long"})
    return text


def reportable(public_id: object) -> Product:
    product = db.session.scalar(select(Product).where(Product.public_id == str(public_id or "")[:16]))
    if product is None or product.status not in REPORTABLE:
        raise NotFound(_l("Annonce introuvable."))
    return product


def _open_report(product_id: int, key: str) -> ListingReport | None:
    return db.session.scalar(select(ListingReport).where(ListingReport.product_id == product_id,
                                                         ListingReport.open_key == key))


def _check_quota(key: str, now: datetime) -> None:
    limit = int(current_app.config.get("REPORTS_PER_HOUR", 10))
    recent = db.session.scalar(select(func.count(ListingReport.id)).where(
        ListingReport.reporter_key == key, ListingReport.created_at > now - timedelta(hours=1))) or 0
    if recent >= limit:
        raise RateLimited(_l("Trop de signalements en peu de temps : réessayez dans une heure."))


def report(public_id: object, reason: object, comment: object = "", user: User | None = None, ip: str = "",
           now: datetime | None = None) -> tuple[ListingReport, bool]:
    """Report a listing on sale; returns (the report, True) when new, (the open one, False) when this
    reporter had already reported it. NotFound for a listing not on sale, Invalid for a bad reason or
    comment, RateLimited past the hourly quota."""
    product = reportable(public_id)
    code, text = _reason(reason), _comment(comment)
    key = reporter_key(user, ip)
    existing = _open_report(product.id, key)
    if existing is not None:
        return existing, False
    when = now or utcnow()
    _check_quota(key, when)
    entry = ListingReport(product_id=product.id, reporter_id=getattr(user, "id", None), reporter_key=key,
                          open_key=key, reason=code, comment=text, created_at=when)
    db.session.add(entry)
    try:
        db.session.commit()
    except IntegrityError:  # the same reporter, twice at once
        db.session.rollback()
        existing = _open_report(product.id, key)
        if existing is None:
            raise
        return existing, False
    log.info("listing %s reported (%s)", product.public_id, code)
    return entry, True


# --- the admin's side ----------------------------------------------------------------------------

@dataclass
class ReportedListing:
    """A listing's open reports: how many, how many for each reason, the comments (newest first)."""
    product: Product
    count: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    comments: list[str] = field(default_factory=list)
    first_at: datetime | None = None


def open_count() -> int:
    """How many reports wait for a decision."""
    return db.session.scalar(select(func.count(ListingReport.id)).where(ListingReport.open_key.is_not(None))) or 0


def open_by_listing(limit: int = LIST_LIMIT) -> list[ReportedListing]:
    """The listings with open reports, most reported first (then the oldest report first): two queries."""
    counts = (select(ListingReport.product_id, func.count(ListingReport.id).label("n"),
                     func.min(ListingReport.created_at).label("first"))
              .where(ListingReport.open_key.is_not(None)).group_by(ListingReport.product_id)
              .order_by(func.count(ListingReport.id).desc(), func.min(ListingReport.created_at)).limit(limit))
    ids = [row.product_id for row in db.session.execute(counts)]
    if not ids:
        return []
    reports = db.session.scalars(
        select(ListingReport).where(ListingReport.product_id.in_(ids), ListingReport.open_key.is_not(None))
        .order_by(ListingReport.created_at.desc())
        .options(joinedload(ListingReport.product).options(selectinload(Product.images),
                                                           joinedload(Product.seller)))
    ).all()
    grouped: dict[int, ReportedListing] = {}
    for entry in reports:
        row = grouped.setdefault(entry.product_id, ReportedListing(entry.product))
        row.count += 1
        row.reasons[entry.reason] += 1
        row.first_at = entry.created_at
        if entry.comment:
            row.comments.append(entry.comment)
    return [grouped[product_id] for product_id in ids if product_id in grouped]


def _close(admin: User, product: Product, decision: str, ip: str) -> int:
    """Close the listing's open reports with the decision (no commit); audited. Conflict when none is open."""
    reports = db.session.scalars(select(ListingReport).where(ListingReport.product_id == product.id,
                                                             ListingReport.open_key.is_not(None))).all()
    if not reports:
        raise Conflict(_l("Aucun signalement en attente pour cette annonce."))
    now = utcnow()
    for entry in reports:
        entry.open_key, entry.closed_at, entry.closed_by_id, entry.decision = None, now, admin.id, decision
    action = "reports.dismiss" if decision == DISMISSED else "reports.takedown"
    audit.record(admin, action, "product", product.public_id, {"open_reports": len(reports)},
                 {"open_reports": 0}, ip)
    return len(reports)


def _product(public_id: object) -> Product:
    product = db.session.scalar(select(Product).where(Product.public_id == str(public_id or "")[:16]))
    if product is None:
        raise NotFound(_l("Annonce introuvable."))
    return product


def dismiss(admin: User, public_id: object, ip: str = "") -> int:
    """Close the listing's open reports without action; returns how many were closed."""
    closed = _close(admin, _product(public_id), DISMISSED, ip)
    db.session.commit()
    log.info("admin %s dismissed %s report(s) on %s", admin.public_id, closed, public_id)
    return closed


def take_down(admin: User, public_id: object, reason: str | None, ip: str = "") -> Product:
    """Take the reported listing down (moderation.take_down: the seller sees the reason) and close its open
    reports, in one transaction; nothing changes when either is refused."""
    try:
        _close(admin, _product(public_id), TAKEN_DOWN, ip)
        return moderation.take_down(admin, public_id, reason, ip)
    except DomainError:
        db.session.rollback()
        raise
