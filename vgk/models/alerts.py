"""Saved searches: a client's search (words, category, city, highest price) that tells them of new listings."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vgk.extensions import db
from vgk.models.base import new_public_id, utcnow

if TYPE_CHECKING:
    from vgk.models.catalog import Category, City


class SearchAlert(db.Model):
    """One saved search: the search page's own filters, read back through the catalogue's search rule."""

    __tablename__ = "search_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_id)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    query: Mapped[str] = mapped_column(String(200), default="")
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"))
    city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"))
    max_price: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    category: Mapped[Category | None] = relationship()
    city: Mapped[City | None] = relationship()
