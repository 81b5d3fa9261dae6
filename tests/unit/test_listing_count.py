"""The listing's result count."""
from tests import factories as f
from vgk.models import ProductStatus
from vgk.services.catalogue import catalog


def titles(products):
    return [p.title for p in products]


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
