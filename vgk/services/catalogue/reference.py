"""The reference lists nearly every page reads — the category tree, the cities, the active pickup points —
read in three statements, kept in memory as read-only snapshots and read again after an admin changes any
of them (vgk.services.catalogue.versions). Snapshots, not ORM rows: they outlive the request's session and
are shared by its threads. They answer like the rows for what pages and the API read (`name_for`,
`children`, `parent`, `slug`, `city`...); code that writes uses the rows."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from vgk.extensions import db
from vgk.models import Category, City, PickupPoint
from vgk.services.catalogue import versions


@dataclass(eq=False)
class CityRef:
    id: int
    slug: str
    name: str
    region: str
    position: int
    delivery_fee: int | None


@dataclass(eq=False)
class CategoryRef:
    id: int
    parent_id: int | None
    slug: str
    name_fr: str
    name_en: str
    icon: str
    position: int
    retired_at: datetime | None
    parent: CategoryRef | None = None
    children: list[CategoryRef] = field(default_factory=list)  # in use, in display order
    all_children: list[CategoryRef] = field(default_factory=list)  # retired ones too

    def name_for(self, locale: str | None) -> str:
        return self.name_en if (locale or "").startswith("en") else self.name_fr

    @property
    def family(self) -> CategoryRef:
        """The top-level category it belongs to (itself for a top-level one)."""
        return self.parent or self


@dataclass(eq=False)
class PickupPointRef:
    id: int
    public_id: str
    city_id: int
    name: str
    address: str
    opening_hours: str
    phone: str
    city: CityRef


@dataclass
class Reference:
    categories: dict[int, CategoryRef]  # every category, retired ones too
    tree: list[CategoryRef]  # top-level categories in use, display order
    category_slugs: dict[str, CategoryRef]
    cities: list[CityRef]  # display order
    city_ids: dict[int, CityRef]
    city_slugs: dict[str, CityRef]
    pickup_points: list[PickupPointRef]  # active ones, by city then name


def _order(category: CategoryRef) -> tuple[int, str]:
    return category.position, category.slug


def _build() -> Reference:
    categories = {row.id: CategoryRef(row.id, row.parent_id, row.slug, row.name_fr, row.name_en, row.icon or "",
                                      row.position, row.retired_at)
                  for row in db.session.execute(select(Category.id, Category.parent_id, Category.slug,
                                                       Category.name_fr, Category.name_en, Category.icon,
                                                       Category.position, Category.retired_at))}
    for category in sorted(categories.values(), key=_order):
        parent = categories.get(category.parent_id) if category.parent_id is not None else None
        if parent is not None:
            category.parent = parent
            parent.all_children.append(category)
            if category.retired_at is None:
                parent.children.append(category)
    tree = sorted((c for c in categories.values() if c.parent_id is None and c.retired_at is None), key=_order)
    cities = [CityRef(row.id, row.slug, row.name, row.region or "", row.position, row.delivery_fee)
              for row in db.session.execute(select(City.id, City.slug, City.name, City.region, City.position,
                                                   City.delivery_fee).order_by(City.position, City.name))]
    city_ids = {city.id: city for city in cities}
    points = [PickupPointRef(row.id, row.public_id, row.city_id, row.name, row.address, row.opening_hours or "",
                             row.phone or "", city_ids[row.city_id])
              for row in db.session.execute(
                  select(PickupPoint.id, PickupPoint.public_id, PickupPoint.city_id, PickupPoint.name,
                         PickupPoint.address, PickupPoint.opening_hours, PickupPoint.phone)
                  .join(City, PickupPoint.city_id == City.id).where(PickupPoint.is_active.is_(True))
                  .order_by(City.position, City.name, PickupPoint.name))]
    return Reference(categories=categories, tree=tree, category_slugs={c.slug: c for c in categories.values()},
                     cities=cities, city_ids=city_ids, city_slugs={c.slug: c for c in cities}, pickup_points=points)


def reference() -> Reference:
    """The lists as the database holds them now (cached while nothing changed)."""
    return versions.cached("reference", _build)


def category(category_id: int | None) -> CategoryRef | None:
    return reference().categories.get(category_id) if category_id is not None else None


def category_by_slug(slug: str) -> CategoryRef | None:
    return reference().category_slugs.get(slug)


def city(city_id: int | None) -> CityRef | None:
    return reference().city_ids.get(city_id) if city_id is not None else None


def city_of(product: Any) -> CityRef | Any:
    """A product's city from the lists (its row when the lists do not know it yet)."""
    return reference().city_ids.get(product.city_id) or product.city


def category_of(product: Any) -> CategoryRef | Any:
    """A product's category from the lists (its row when the lists do not know it yet)."""
    return reference().categories.get(product.category_id) or product.category


def city_by_slug(slug: str) -> CityRef | None:
    return reference().city_slugs.get(slug)
