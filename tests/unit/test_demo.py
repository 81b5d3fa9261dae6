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


# --- the demo pictures -----------------------------------------------------------------------------

def _entropy_bits(image):
    """Shannon entropy of the grey levels, in bits (a flat drawing is a few large areas of one colour)."""
    import math

    histogram = image.convert("L").histogram()
    total = sum(histogram)
    return -sum(n / total * math.log2(n / total) for n in histogram if n)


def test_demo_pictures_weigh_what_phone_photos_weigh(app, monkeypatch):
    """Page-weight budgets are measured on the demo: its thumbnails must cost what phone photos cost
    (not the 1-2 KB of a flat drawing) and still fit the 18 KB a list thumbnail may weigh."""
    import io
    import statistics

    from PIL import Image

    from vgk.demo import picture_cache
    from vgk.demo.images.registry import FAMILIES
    from vgk.services.selling import media

    monkeypatch.setitem(app.config, "DEMO_PICTURE_CACHE", "")  # made now, not read from a cache
    families = sorted(FAMILIES)[::6]
    pictures = [picture_cache.processed_picture(family, 1000 + index, index % 3, None, {})
                for index, family in enumerate(families)]
    thumbs = [picture.thumb for picture in pictures]
    assert max(len(thumb) for thumb in thumbs) <= 18_000, [len(thumb) for thumb in thumbs]
    # Weighed as phone photos were, at 320 px in WebP quality 60, whatever quality the thumbnails use.
    sizes = []
    for picture in pictures:
        with Image.open(io.BytesIO(picture.large)) as large:
            out = io.BytesIO()
            media._fit(large.convert("RGB"), media.THUMB_SIZE).save(out, "WEBP", quality=60, method=4)
            sizes.append(out.tell())
    assert min(sizes) >= 4_000 and statistics.median(sizes) >= 7_000, sizes
    assert min(_entropy_bits(Image.open(io.BytesIO(thumb))) for thumb in thumbs) >= 6.0


def test_demo_pictures_are_made_once_per_machine(app, monkeypatch, tmp_path):
    """The seed reads the pictures it made before (`make run` and the tests seed again and again)."""
    from vgk.demo import picture_cache

    monkeypatch.setitem(app.config, "DEMO_PICTURE_CACHE", str(tmp_path))
    first = picture_cache.processed_picture("phone", 42, 1, (20, 20, 20), {})

    def no_drawing(*args, **kwargs):
        raise AssertionError("the picture was drawn again")

    monkeypatch.setattr(picture_cache, "render", no_drawing)
    again = picture_cache.processed_picture("phone", 42, 1, (20, 20, 20), {})
    assert (again.thumb, again.phone, again.medium, again.large, again.width, again.digest) == (
        first.thumb, first.phone, first.medium, first.large, first.width, first.digest)
    assert len(list(tmp_path.rglob("*.bin"))) == 1
