"""Discovery: what people do on the catalogue (behaviour events) and what the recommenders computed from
it (neighbouring items, trending lists). The recommenders' tables are rebuilt by a job; pages only read."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from vgk.extensions import db
from vgk.models.base import utcnow


class EventKind:
    VIEW = "view"
    SEARCH = "search"
    FAVOURITE = "favourite"
    CART = "cart"
    OFFER = "offer"
    PURCHASE = "purchase"
    ALL = (VIEW, SEARCH, FAVOURITE, CART, OFFER, PURCHASE)


class BehaviourEvent(db.Model):
    """One thing a person did: a client by account, a visitor by an anonymous id (a random cookie). The
    product is a plain id, not a foreign key: the log outlives a deleted draft, and writes stay cheap.
    Kept for DISCOVERY_RETENTION_DAYS; deleted with the account, or when the person opts out."""

    __tablename__ = "behaviour_events"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    visitor: Mapped[str | None] = mapped_column(String(32))
    product_id: Mapped[int | None]
    query: Mapped[str | None] = mapped_column(String(100))
    results: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        Index("ix_behaviour_events_user", "user_id", "created_at"),
        Index("ix_behaviour_events_visitor", "visitor", "created_at"),
        Index("ix_behaviour_events_created", "created_at"),
    )


class NeighbourKind:
    CONTENT = "content"  # alike in words, category, price and city
    COVIEW = "coview"  # looked at by the same people


class ItemNeighbour(db.Model):
    """A product's nearest products by one recommender, best first."""

    __tablename__ = "item_neighbours"

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    rank: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    neighbour_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(Float)


class TrendingItem(db.Model):
    """What is in demand now (time-decayed events) in a city (0: everywhere) and a top-level category
    (0: all), best first."""

    __tablename__ = "trending_items"

    city_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    category_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    rank: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(Float)


class ModelJudgement(db.Model):
    """The last judgement of a learnt model against the rule it would replace (JSON: whether it is
    shipped, its scores, its weights), written by the recommenders' job."""

    __tablename__ = "discovery_models"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    payload: Mapped[str] = mapped_column(Text)
    judged_at: Mapped[datetime] = mapped_column(default=utcnow)
