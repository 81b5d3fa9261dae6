"""Recommended products (catalog.recommended_products) and the listing's result count."""
from tests import factories as f
from vgk.extensions import db
from vgk.models import OrderStatus, ProductStatus, Role
from vgk.services.catalogue import catalog, social
from vgk.services.commerce import orders


def titles(products):
    return [p.title for p in products]


def test_a_client_gets_the_categories_of_favourites_and_purchases_newest_first(app):
    phones, books, chairs = f.category(), f.category(), f.category()
    client = f.user()
    liked = f.product("Téléphone aimé", category_=phones, age_minutes=50)
    f.product("Téléphone récent", category_=phones, age_minutes=1)
    f.product("Téléphone vendu", category_=phones, status=ProductStatus.SOLD)
    f.product("Mon téléphone", category_=phones, seller=client)
    f.product("Livre", category_=books, age_minutes=20)
    f.product("Chaise", category_=chairs, age_minutes=0)
    social.toggle_favourite(client, liked.public_id)
    assert titles(catalog.recommended_products(client)) == ["Téléphone récent", "Téléphone aimé"]

    bought = f.place_order(f.product("Roman", category_=books), payment_method="ORANGE_MONEY", buyer=client)
    assert "Livre" not in titles(catalog.recommended_products(client))  # not paid: not a purchase yet
    orders.move(bought, OrderStatus.PAID)
    db.session.commit()
    assert titles(catalog.recommended_products(client)) == ["Téléphone récent", "Livre", "Téléphone aimé"]
    assert titles(catalog.recommended_products(client, limit=1)) == ["Téléphone récent"]


def test_without_signals_or_a_client_the_newest_come_first(app):
    client = f.user()
    f.product("Ancien", age_minutes=10)
    f.product("Le mien", seller=client, age_minutes=5)
    f.product("Récent", age_minutes=1)
    f.product("En attente", status=ProductStatus.PENDING)
    assert titles(catalog.recommended_products(client)) == ["Récent", "Ancien"]
    assert titles(catalog.recommended_products(None)) == ["Récent", "Le mien", "Ancien"]
    assert titles(catalog.recommended_products(f.user(Role.STAFF))) == ["Récent", "Le mien", "Ancien"]


def test_favourites_whose_category_has_nothing_left_fall_back_to_the_newest(app):
    client, lonely = f.user(), f.category()
    liked = f.product("Seul", category_=lonely)
    social.toggle_favourite(client, liked.public_id)
    liked.status = ProductStatus.SOLD
    db.session.commit()
    f.product("Autre")
    assert titles(catalog.recommended_products(client)) == ["Autre"]


def test_the_listing_counts_its_results_when_asked(app):
    for n in range(3):
        f.product(f"Lampe {n}")
    f.product("Table")
    f.product("Lampe cachée", status=ProductStatus.DRAFT)
    filters = catalog.ListingFilters.from_params({"q": "lampe"})
    assert catalog.list_products(filters, per_page=2).count is None
    page = catalog.list_products(filters, per_page=2, with_count=True)
    assert len(page.items) == 2 and page.count == 3 and page.has_next
    for sort in ("newest", "price_asc"):
        assert catalog.list_products(catalog.ListingFilters.from_params({"q": "lampe", "sort": sort}),
                                     with_count=True).count == 3
    assert catalog.list_products(catalog.ListingFilters.from_params({}), with_count=True).count == 4
