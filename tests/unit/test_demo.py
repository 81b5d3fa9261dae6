"""The demo data: complete, public only where it should be, and idempotent."""
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
    assert (count(User), count(Product), count(ProductImage), count(Category), count(City)) == snapshot
