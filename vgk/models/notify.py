"""The notification engine's tables: the delivery log (one row per message on one channel), each person's
channel choices per category, and their timing settings (quiet hours)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from vgk.extensions import db
from vgk.models.base import utcnow


class DeliveryStatus:
    QUEUED = "queued"          # waiting for its job
    DEFERRED = "deferred"      # waiting for due_at (quiet hours)
    SENDING = "sending"        # claimed by a job, handed to the provider
    SENT = "sent"              # the provider accepted it
    DELIVERED = "delivered"    # the provider says it arrived
    READ = "read"              # ... and was read
    FAILED = "failed"          # the provider refused it, or the outcome is unknown
    SUPPRESSED = "suppressed"  # a limit or the person's preferences kept it back
    SKIPPED = "skipped"        # no address for this channel
    DIGESTED = "digested"      # left inside a digest (the row `digest_id`) with others of the same due time
    ALL = (QUEUED, DEFERRED, SENDING, SENT, DELIVERED, READ, FAILED, SUPPRESSED, SKIPPED, DIGESTED)
    ACTIVE = (QUEUED, DEFERRED, SENDING, SENT, DELIVERED, READ)  # what counts against a limit


class NotificationDelivery(db.Model):
    """One message to one person on one channel. `recipient` is "user:<id>" for people with an account,
    their phone or email for guests (limits and dedup keys are counted per recipient). `address` is where
    it goes (masked whenever shown). `context` (JSON) holds what the templates need; `error` never holds the
    message text."""

    __tablename__ = "notification_deliveries"
    __table_args__ = (
        UniqueConstraint("recipient", "dedup_key", "channel", name="uq_notification_deliveries_dedup"),
        Index("ix_notification_deliveries_limits", "recipient", "channel", "category", "created_at"),
        Index("ix_notification_deliveries_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    recipient: Mapped[str] = mapped_column(String(255))
    address: Mapped[str] = mapped_column(Text, default="")
    event: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(5), default="fr")
    dedup_key: Mapped[str | None] = mapped_column(String(120))
    topic: Mapped[str | None] = mapped_column(String(64))  # what it is about (a conversation...), for limits
    context: Mapped[str] = mapped_column(Text, default="{}")
    status: Mapped[str] = mapped_column(String(12), default=DeliveryStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    reference: Mapped[str | None] = mapped_column(String(120), index=True)
    cost_xaf: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(String(255))
    variant: Mapped[str | None] = mapped_column(String(16))  # the A/B variant of its words (experiments)
    digest_id: Mapped[int | None] = mapped_column(
        ForeignKey("notification_deliveries.id", ondelete="SET NULL"), index=True)  # the digest that carried it
    due_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    clicked_at: Mapped[datetime | None]  # the first time its tracked link was followed (experiments only)


class NotificationPreference(db.Model):
    """The channels a person accepts for one category ("push,email"); defaults apply when none is stored."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    category: Mapped[str] = mapped_column(String(16), primary_key=True)
    channels: Mapped[str] = mapped_column(String(80), default="")


class NotificationSettings(db.Model):
    """A person's timing: quiet hours (minutes of the day, Cameroon time) and the hour they are most active,
    learned from `activity`: how often they were seen at each hour of the day (24 counts, "0,0,3,...")."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    quiet_start: Mapped[int] = mapped_column(default=21 * 60)
    quiet_end: Mapped[int] = mapped_column(default=7 * 60)
    active_hour: Mapped[int | None]
    activity: Mapped[str] = mapped_column(String(120), default="")


class NotificationExperiment(db.Model):
    """An A/B test an admin runs on one event's words: `variants` (JSON) {variant: weight}, running from
    `started_at` until `stopped_at` (None while it runs). At most one runs per event at a time."""

    __tablename__ = "notification_experiments"

    id: Mapped[int] = mapped_column(primary_key=True)
    event: Mapped[str] = mapped_column(String(40), index=True)
    variants: Mapped[str] = mapped_column(Text, default="{}")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    stopped_at: Mapped[datetime | None]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
