"""The catalogue: cities, pickup points, categories, products and their images, and the words of the
listed products (for correcting misspelled searches)."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vgk.extensions import db
from vgk.models.base import new_public_id, utcnow
from vgk.text import normalize

if TYPE_CHECKING:
    from vgk.models.accounts import User


class Condition:
    NEW = "NEUF"
    LIKE_NEW = "COMME_NEUF"
    GOOD = "BON"
    FAIR = "ACCEPTABLE"
    ALL = (NEW, LIKE_NEW, GOOD, FAIR)


class ProductStatus:
    DRAFT = "DRAFT"
    PENDING = "PENDING"
    ACTIVE = "ACTIVE"
    REJECTED = "REJECTED"
    RESERVED = "RESERVED"
    SOLD = "SOLD"
    ARCHIVED = "ARCHIVED"
    ALL = (DRAFT, PENDING, ACTIVE, REJECTED, RESERVED, SOLD, ARCHIVED)


class City(db.Model):
    __tablename__ = "cities"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    region: Mapped[str] = mapped_column(String(80), default="")
    position: Mapped[int] = mapped_column(default=0)
    # Home delivery within the city costs this much (XAF); None: no home delivery there.
    delivery_fee: Mapped[int | None]

    pickup_points: Mapped[list[PickupPoint]] = relationship(back_populates="city", order_by="PickupPoint.name")

    def __repr__(self) -> str:
        return f"<City {self.slug}>"


class PickupPoint(db.Model):
    __tablename__ = "pickup_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_id)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(255))
    opening_hours: Mapped[str] = mapped_column(String(255), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    city: Mapped[City] = relationship(back_populates="pickup_points")
    staff: Mapped[list[User]] = relationship(back_populates="pickup_point")


class Category(db.Model):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name_fr: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    icon: Mapped[str] = mapped_column(String(8), default="")
    position: Mapped[int] = mapped_column(default=0)
    # Retired: no longer offered in the menus or the listing form; its listings keep it. None: in use.
    retired_at: Mapped[datetime | None]

    parent: Mapped[Category | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Category]] = relationship(back_populates="parent", order_by="Category.position")

    def name_for(self, locale: str | None) -> str:
        return self.name_en if (locale or "").startswith("en") else self.name_fr


class Product(db.Model):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_id)
    seller_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"))
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    price: Mapped[int]
    negotiable: Mapped[bool] = mapped_column(default=False)
    condition: Mapped[str] = mapped_column(String(12), default=Condition.GOOD)
    status: Mapped[str] = mapped_column(String(10), default=ProductStatus.DRAFT)
    quantity: Mapped[int] = mapped_column(default=1)
    view_count: Mapped[int] = mapped_column(default=0)
    # Lower-cased, accent-free copies of the searchable text, indexed for full-text search.
    search_title: Mapped[str] = mapped_column(Text, default="")
    search_body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None]
    # Moderation: when it was submitted, who decided, why it was refused, and the automatic flags
    # (space-separated codes such as "contact banned_word price_outlier duplicate_photo").
    submitted_at: Mapped[datetime | None]
    moderated_at: Mapped[datetime | None]
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    rejection_reason: Mapped[str | None] = mapped_column(String(500))
    moderation_flags: Mapped[str] = mapped_column(String(255), default="")
    # The risk the listing is refused (0–100) and why (space-separated keys of assist.RISK_REASONS), judged
    # in a job at each submission; None until then.
    risk_score: Mapped[int | None]
    risk_reasons: Mapped[str] = mapped_column(String(120), default="")

    seller: Mapped[User] = relationship(foreign_keys=[seller_id])
    category: Mapped[Category] = relationship()
    city: Mapped[City] = relationship()
    images: Mapped[list[ProductImage]] = relationship(
        back_populates="product",
        order_by="ProductImage.position",
        cascade="all, delete-orphan",
    )

    __table_args__ = (
        CheckConstraint("price >= 0", name="price_positive"),
        CheckConstraint("quantity >= 0", name="quantity_positive"),
        CheckConstraint(
            "condition IN ('NEUF', 'COMME_NEUF', 'BON', 'ACCEPTABLE')", name="condition"
        ),
        CheckConstraint(
            "status IN ('DRAFT', 'PENDING', 'ACTIVE', 'REJECTED', 'RESERVED', 'SOLD', 'ARCHIVED')",
            name="status",
        ),
        # Covering indexes for the public listing (see migration 0002): filters are checked in the index.
        Index("ix_products_status_created", "status", "created_at", "id",
              "category_id", "city_id", "condition", "price"),
        Index("ix_products_status_price", "status", "price", "id",
              "category_id", "city_id", "condition", "created_at"),
        Index("ix_products_status_views", "status", "view_count"),
        Index("ix_products_status_submitted", "status", "submitted_at"),
        Index("ix_products_status_risk", "status", "risk_score", "submitted_at"),
    )

    @property
    def cover(self) -> ProductImage | None:
        return self.images[0] if self.images else None

    def __repr__(self) -> str:
        return f"<Product {self.public_id} {self.status}>"


@event.listens_for(Product, "before_insert")
@event.listens_for(Product, "before_update")
def _refresh_search_text(mapper, connection, product):
    product.search_title = normalize(product.title or "")
    product.search_body = normalize(product.description or "")


class SearchWord(db.Model):
    """A word of the ACTIVE products' search text and in how many of them it appears: the vocabulary
    misspelled searches are corrected to. Written by database triggers on `products` only (migration
    0026), never by the application; SQLite also indexes the words' trigrams there."""

    __tablename__ = "search_words"

    id: Mapped[int] = mapped_column(primary_key=True)
    word: Mapped[str] = mapped_column(String(40), unique=True)
    products: Mapped[int] = mapped_column(default=0)


class ProductImage(db.Model):
    __tablename__ = "product_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    thumb_key: Mapped[str] = mapped_column(String(255))
    large_key: Mapped[str] = mapped_column(String(255))
    width: Mapped[int]
    height: Mapped[int]
    digest: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    product: Mapped[Product] = relationship(back_populates="images")

    def sized_key(self, box: int) -> str:
        """The file of another size (480 or 640 px), stored next to the 320 px one (photos stored before it
        existed get it from `flask media-sizes`, or when it is first asked for)."""
        stem, _, suffix = self.thumb_key.rpartition("-320.")
        return f"{stem}-{box}.{suffix}" if stem else self.large_key

    @property
    def phone_key(self) -> str:
        return self.sized_key(480)

    @property
    def medium_key(self) -> str:
        return self.sized_key(640)

    @property
    def keys(self) -> list[str]:
        """Every stored file of this photo."""
        return list(dict.fromkeys((self.thumb_key, self.phone_key, self.medium_key, self.large_key)))


class Favourite(db.Model):
    __tablename__ = "favourites"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Review(db.Model):
    """A buyer's rating of a seller after a completed order (one per order line); a guest's has no author."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_item_id: Mapped[int] = mapped_column(ForeignKey("order_items.id"), unique=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)  # None: a guest's
    seller_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    rating: Mapped[int]
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Its feeling ("positive", "neutral", "negative") and why (space-separated keys of
    # assist.FEELING_REASONS), judged in a job once it is posted; None until then.
    feeling: Mapped[str | None] = mapped_column(String(8))
    feeling_reasons: Mapped[str] = mapped_column(String(120), default="")

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])

    __table_args__ = (CheckConstraint("rating BETWEEN 1 AND 5", name="rating"),)


class ProductTranslation(db.Model):
    """A listing's title and description in another language, kept for the next reader. `source_digest` is
    the digest of the text it was made from: once the listing is edited it no longer matches, and the
    translation is made again."""

    __tablename__ = "product_translations"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    source_digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("product_id", "language"),)


class ReportReason:
    FRAUD = "FRAUD"
    BANNED = "BANNED"
    MISLEADING = "MISLEADING"
    SOLD = "SOLD"
    OTHER = "OTHER"
    ALL = (FRAUD, BANNED, MISLEADING, SOLD, OTHER)


class ListingReport(db.Model):
    """Someone's report of a listing (a guest's or a client's), open until an admin decides. `reporter_key`
    names the reporter ("user:<id>", or a guest's hashed address); `open_key` is the same while the report
    is open and NULL once closed, so one reporter has at most one open report per listing."""

    __tablename__ = "listing_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reporter_key: Mapped[str] = mapped_column(String(80), index=True)
    open_key: Mapped[str | None] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[str | None] = mapped_column(String(16))

    product: Mapped[Product] = relationship()

    __table_args__ = (UniqueConstraint("product_id", "open_key"),)
