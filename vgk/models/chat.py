"""Conversations: a buyer and a seller about a listing, a person and the admins (support), or a group an
admin gathers; their members, messages, the offers made in them, reports and blocks."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vgk.extensions import db
from vgk.models.base import new_public_id, utcnow

if TYPE_CHECKING:
    from vgk.models.accounts import User
    from vgk.models.catalog import Product


class ConversationKind:
    LISTING = "LISTING"  # a buyer and the seller, about one listing
    SUPPORT = "SUPPORT"  # a client or staff member and the admins
    GROUP = "GROUP"      # several people an admin gathered
    ALL = (LISTING, SUPPORT, GROUP)


class MessageKind:
    TEXT = "TEXT"
    PHOTO = "PHOTO"
    OFFER = "OFFER"
    SYSTEM = "SYSTEM"  # written by the site: an offer accepted, the item sold... (a key and its values)
    ALL = (TEXT, PHOTO, OFFER, SYSTEM)


class OfferStatus:
    OPEN = "OPEN"            # waiting for the other side's answer
    COUNTERED = "COUNTERED"  # answered with another price (a new offer)
    ACCEPTED = "ACCEPTED"    # agreed: the buyer may check out at this price until `valid_until`, once
    DECLINED = "DECLINED"
    USED = "USED"            # an order was placed at this price
    CLOSED = "CLOSED"        # the item sold or was withdrawn, or the agreement lapsed
    ALL = (OPEN, COUNTERED, ACCEPTED, DECLINED, USED, CLOSED)
    LIVE = (OPEN, ACCEPTED)


class Conversation(db.Model):
    __tablename__ = "conversations"
    __table_args__ = (
        CheckConstraint("kind IN ('LISTING', 'SUPPORT', 'GROUP')", name="conversation_kind"),
        Index("ix_conversations_last_message", "last_message_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_id)
    kind: Mapped[str] = mapped_column(String(10))
    # One conversation per buyer and listing ("listing:<product id>:<buyer id>") and one support
    # conversation per person ("support:<user id>"): a unique key both databases enforce. Groups have none.
    unique_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(120), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Once reported: its feeling ("positive", "neutral", "negative") and why (space-separated keys of
    # assist.FEELING_REASONS), judged in a job from its recent messages; None until then.
    feeling: Mapped[str | None] = mapped_column(String(8))
    feeling_reasons: Mapped[str] = mapped_column(String(120), default="")

    product: Mapped[Product | None] = relationship()
    members: Mapped[list[ConversationMember]] = relationship(
        back_populates="conversation", cascade="all, delete-orphan",
        order_by="(ConversationMember.joined_at, ConversationMember.user_id)")


class ConversationMember(db.Model):
    """Someone in a conversation, with how far they have read and received (message ids)."""

    __tablename__ = "conversation_members"
    __table_args__ = (Index("ix_conversation_members_user", "user_id", "conversation_id"),)

    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"),
                                                 primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_read_id: Mapped[int] = mapped_column(default=0)
    last_delivered_id: Mapped[int] = mapped_column(default=0)
    # When they were last told by SMS about a message they had not seen (at most once an hour).
    last_alerted_at: Mapped[datetime | None]

    conversation: Mapped[Conversation] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class ChatMessage(db.Model):
    __tablename__ = "chat_messages"
    __table_args__ = (
        CheckConstraint("kind IN ('TEXT', 'PHOTO', 'OFFER', 'SYSTEM')", name="chat_message_kind"),
        Index("ix_chat_messages_conversation", "conversation_id", "id"),
        Index("ix_chat_messages_sender_created", "sender_id", "created_at"),  # a writer's pace (rate limit)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(8), default=MessageKind.TEXT)
    body: Mapped[str] = mapped_column(Text, default="")
    # The moderation flags of the text (space-separated codes: "contact off_platform"); flagged text is
    # masked for the other side until an order exists between them.
    flags: Mapped[str] = mapped_column(String(64), default="")
    image_key: Mapped[str | None] = mapped_column(String(255))
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offers.id", ondelete="SET NULL"))
    # A system message: the French msgid and its values (JSON), written out in the reader's language.
    system_key: Mapped[str | None] = mapped_column(String(255))
    system_params: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    hidden_at: Mapped[datetime | None]  # removed by an admin

    sender: Mapped[User | None] = relationship()
    offer: Mapped[Offer | None] = relationship(foreign_keys=[offer_id])


class Offer(db.Model):
    """A price proposed for a listing in its conversation. A counter-offer is a new offer (`parent_id`)."""

    __tablename__ = "offers"
    __table_args__ = (
        CheckConstraint("amount > 0", name="offer_amount_positive"),
        CheckConstraint("status IN ('OPEN', 'COUNTERED', 'ACCEPTED', 'DECLINED', 'USED', 'CLOSED')",
                        name="offer_status"),
        Index("ix_offers_product_status", "product_id", "status"),
        Index("ix_offers_buyer_product", "buyer_id", "product_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_id)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    buyer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    made_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("offers.id", ondelete="SET NULL"))
    amount: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default=OfferStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    valid_until: Mapped[datetime | None]  # set on acceptance
    # The order placed at this price: unique, so an agreement buys once on every database.
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"), unique=True)

    product: Mapped[Product] = relationship()
    buyer: Mapped[User] = relationship(foreign_keys=[buyer_id])
    made_by: Mapped[User] = relationship(foreign_keys=[made_by_id])


class MessageReport(db.Model):
    __tablename__ = "message_reports"
    __table_args__ = (UniqueConstraint("message_id", "reporter_id", name="uq_message_report_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("chat_messages.id", ondelete="CASCADE"), index=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Block(db.Model):
    """`blocker` no longer receives messages or offers from `blocked`."""

    __tablename__ = "blocks"

    blocker_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    blocked_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
