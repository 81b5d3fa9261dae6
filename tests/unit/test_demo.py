"""The demo data: complete, public only where it should be, and idempotent."""
import re

from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from vgk.extensions import db
from vgk.models import Category, City, PickupPoint, Product, ProductImage, ProductStatus, Role, User
from vgk.services.catalogue import catalog


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_seed_demo_builds_a_usable_marketplace_once(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo", "--products", "24"])
    assert result.exit_code == 0, result.output
    assert "admin@vgk.test" in result.output
    lines = result.output.splitlines()
    assert lines[:5] == [  # progress, step by step, with the counts
        "Seeding the demo data (the pictures take a minute or so)…",
        "  cities: 10",
        "  pickup points: 6",
        "  categories: 8 sections, 35 subcategories",
        "  accounts: 4 demo accounts, 13 other sellers",
    ]
    assert re.fullmatch(r"  listings: 25 of 36, \d+ pictures", lines[5])  # 24 published, 10 pending, 2 drafts
    assert lines[6:8] == [f"  listings: 36 of 36, {count(ProductImage)} pictures", "  saving…"]
    assert f"  listings: 2 drafts, 10 awaiting moderation, 24 published; {count(ProductImage)} pictures" in lines
    assert "  admin   admin@vgk.test            +237 690 00 00 01" in lines
    assert "ACTIVE" not in result.output and "ADMIN" not in result.output

    assert count(City) == 10
    douala = db.session.scalar(select(City).where(City.slug == "douala"))
    yaounde = db.session.scalar(select(City).where(City.slug == "yaounde"))
    assert count(PickupPoint, PickupPoint.city_id == douala.id) >= 1
    assert count(PickupPoint, PickupPoint.city_id == yaounde.id) >= 1
    assert 35 <= count(Category) <= 50
    assert count(Category, Category.parent_id.is_(None)) >= 6

    accounts = {u.email: u for u in db.session.scalars(select(User).where(User.email.like("%@vgk.test")))}
    expected = {"admin@vgk.test": Role.ADMIN, "vendeur@vgk.test": Role.CLIENT,
                "acheteur@vgk.test": Role.CLIENT, "staff.douala@vgk.test": Role.STAFF}
    for email, role in expected.items():
        assert accounts[email].role == role
        assert check_password_hash(accounts[email].password_hash, "demo-pass-237")
    assert accounts["staff.douala@vgk.test"].pickup_point.city_id == douala.id

    active = count(Product, Product.status == ProductStatus.ACTIVE)
    assert active >= 24
    assert count(Product, Product.status == ProductStatus.PENDING) >= 1
    assert count(ProductImage) >= active
    assert catalog.list_products(catalog.ListingFilters.from_params({"q": "tele samsung"})).items

    snapshot = (count(User), count(Product), count(ProductImage), count(Category), count(City))
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0, again.output
    assert again.output.startswith("Demo accounts already exist: nothing to do.\n")
    assert (count(User), count(Product), count(ProductImage), count(Category), count(City)) == snapshot
