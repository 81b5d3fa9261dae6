"""The catalogue: cities, pickup points, categories, products and their images."""
from vgk.extensions import db
from vgk.models.base import new_public_id, utcnow
from vgk.text import normalize


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

    id = db.Column(db.Integer, primary_key=True)
    slug = db.Column(db.String(60), nullable=False, unique=True)
    name = db.Column(db.String(80), nullable=False)
    region = db.Column(db.String(80), nullable=False, default="")
    position = db.Column(db.Integer, nullable=False, default=0)
    # Home delivery within the city costs this much (XAF); None: no home delivery there.
    delivery_fee = db.Column(db.Integer)

    pickup_points = db.relationship("PickupPoint", back_populates="city", order_by="PickupPoint.name")

    def __repr__(self):
        return f"<City {self.slug}>"


class PickupPoint(db.Model):
    __tablename__ = "pickup_points"

    id = db.Column(db.Integer, primary_key=True)
    public_id = db.Column(db.String(16), nullable=False, unique=True, default=new_public_id)
    city_id = db.Column(db.Integer, db.ForeignKey("cities.id"), nullable=False, index=True)
    name = db.Column(db.String(120), nullable=False)
    address = db.Column(db.String(255), nullable=False)
    opening_hours = db.Column(db.String(255), nullable=False, default="")
    phone = db.Column(db.String(20), nullable=False, default="")
    is_active = db.Column(db.Boolean, nullable=False, default=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    city = db.relationship("City", back_populates="pickup_points")
    staff = db.relationship("User", back_populates="pickup_point")


class Category(db.Model):
    __tablename__ = "categories"

    id = db.Column(db.Integer, primary_key=True)
    parent_id = db.Column(db.Integer, db.ForeignKey("categories.id"), index=True)
    slug = db.Column(db.String(80), nullable=False, unique=True)
    name_fr = db.Column(db.String(120), nullable=False)
    name_en = db.Column(db.String(120), nullable=False)
    icon = db.Column(db.String(8), nullable=False, default="")
    position = db.Column(db.Integer, nullable=False, default=0)

    parent = db.relationship("Category", remote_side=[id], back_populates="children")
    children = db.relationship("Category", back_populates="parent", order_by="Category.position")

    def name_for(self, locale):
        return self.name_en if (locale or "").startswith("en") else self.name_fr


class Product(db.Model):
    __tablename__ = "products"

    id = db.Column(db.Integer, primary_key=True)
    public_id = db.Column(db.String(16), nullable=False, unique=True, default=new_public_id)
    seller_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    category_id = db.Column(db.Integer, db.ForeignKey("categories.id"), nullable=False)
    city_id = db.Column(db.Integer, db.ForeignKey("cities.id"), nullable=False)
    title = db.Column(db.String(120), nullable=False)
    description = db.Column(db.Text, nullable=False, default="")
    price = db.Column(db.Integer, nullable=False)
    negotiable = db.Column(db.Boolean, nullable=False, default=False)
    condition = db.Column(db.String(12), nullable=False, default=Condition.GOOD)
    status = db.Column(db.String(10), nullable=False, default=ProductStatus.DRAFT)
    quantity = db.Column(db.Integer, nullable=False, default=1)
    view_count = db.Column(db.Integer, nullable=False, default=0)
    # Lower-cased, accent-free copies of the searchable text, indexed for full-text search.
    search_title = db.Column(db.Text, nullable=False, default="")
    search_body = db.Column(db.Text, nullable=False, default="")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    published_at = db.Column(db.DateTime)
    # Moderation: when it was submitted, who decided, why it was refused, and the automatic flags
    # (space-separated codes such as "contact banned_word price_outlier duplicate_photo").
    submitted_at = db.Column(db.DateTime)
    moderated_at = db.Column(db.DateTime)
    moderated_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    rejection_reason = db.Column(db.String(500))
    moderation_flags = db.Column(db.String(255), nullable=False, default="")

    seller = db.relationship("User", foreign_keys=[seller_id])
    category = db.relationship("Category")
    city = db.relationship("City")
    images = db.relationship(
        "ProductImage",
        back_populates="product",
        order_by="ProductImage.position",
        cascade="all, delete-orphan",
    )

    __table_args__ = (
        db.CheckConstraint("price >= 0", name="price_positive"),
        db.CheckConstraint("quantity >= 0", name="quantity_positive"),
        db.CheckConstraint(
            "condition IN ('NEUF', 'COMME_NEUF', 'BON', 'ACCEPTABLE')", name="condition"
        ),
        db.CheckConstraint(
            "status IN ('DRAFT', 'PENDING', 'ACTIVE', 'REJECTED', 'RESERVED', 'SOLD', 'ARCHIVED')",
            name="status",
        ),
        # Covering indexes for the public listing (see migration 0002): filters are checked in the index.
        db.Index("ix_products_status_created", "status", "created_at", "id",
                 "category_id", "city_id", "condition", "price"),
        db.Index("ix_products_status_price", "status", "price", "id",
                 "category_id", "city_id", "condition", "created_at"),
        db.Index("ix_products_status_views", "status", "view_count"),
        db.Index("ix_products_status_submitted", "status", "submitted_at"),
    )

    @property
    def cover(self):
        return self.images[0] if self.images else None

    def __repr__(self):
        return f"<Product {self.public_id} {self.status}>"


@db.event.listens_for(Product, "before_insert")
@db.event.listens_for(Product, "before_update")
def _refresh_search_text(mapper, connection, product):
    product.search_title = normalize(product.title or "")
    product.search_body = normalize(product.description or "")


class ProductImage(db.Model):
    __tablename__ = "product_images"

    id = db.Column(db.Integer, primary_key=True)
    product_id = db.Column(db.Integer, db.ForeignKey("products.id", ondelete="CASCADE"), nullable=False, index=True)
    position = db.Column(db.Integer, nullable=False, default=0)
    thumb_key = db.Column(db.String(255), nullable=False)
    large_key = db.Column(db.String(255), nullable=False)
    width = db.Column(db.Integer, nullable=False)
    height = db.Column(db.Integer, nullable=False)
    digest = db.Column(db.String(64), nullable=False, index=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    product = db.relationship("Product", back_populates="images")


class Favourite(db.Model):
    __tablename__ = "favourites"

    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    product_id = db.Column(db.Integer, db.ForeignKey("products.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class Review(db.Model):
    """A buyer's rating of a seller after a completed order (one per order line)."""

    __tablename__ = "reviews"

    id = db.Column(db.Integer, primary_key=True)
    order_item_id = db.Column(db.Integer, db.ForeignKey("order_items.id"), nullable=False, unique=True)
    author_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    seller_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    rating = db.Column(db.Integer, nullable=False)
    text = db.Column(db.Text, nullable=False, default="")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    author = db.relationship("User", foreign_keys=[author_id])

    __table_args__ = (db.CheckConstraint("rating BETWEEN 1 AND 5", name="rating"),)
