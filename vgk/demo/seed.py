"""Seeding the demo data set: cities, pickup points and categories (`reference`), the demo accounts
and sellers (`people`) and a believable catalogue (`catalogue`), in one transaction.

`seed_demo()` is idempotent. Reference data (cities, pickup points, categories) is matched by its
natural key and only missing rows are added; once the demo accounts exist, nothing else is done.
The listings come from a fixed `random.Random(237)`, so two fresh databases get the same catalogue
(only the opaque public ids and the dates, relative to today, differ). Every picture is drawn by
`vgk.demo.images` and goes through the real upload pipeline (`media.process_image`, kept once per
machine by `picture_cache`), so the demo serves the same WebP sizes as production.

Demo accounts share one public password: never seed a real production database.
"""
import logging
import random
import time
from datetime import timedelta

from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from vgk.demo.behaviour import seed_behaviour
from vgk.demo.catalogue import (
    CATALOGUE,
    CONDITION_PHRASES,
    CONDITION_PRICE,
    CONDITION_WEIGHTS,
    CONDITIONS,
    OPENERS,
    PAYMENT_PHRASES,
    QUALIFIERS,
    SHOWCASE,
    SIZES,
)
from vgk.demo.images.palette import COLOURS
from vgk.demo.people import (
    CITY_WEIGHTS,
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    DEMO_STAFF_PIN,
    MAIN_SELLER,
    MAIN_SELLER_SHARE,
    SELLERS,
)
from vgk.demo.picture_cache import processed_picture
from vgk.demo.reference import CATEGORIES, CITIES, DELIVERY_FEES, PICKUP_POINTS, QUARTERS
from vgk.extensions import db
from vgk.integrations import registry
from vgk.models import (
    Category,
    City,
    PickupPoint,
    Product,
    ProductImage,
    ProductStatus,
    Role,
    TwoFactor,
    User,
    UserStatus,
)
from vgk.models.base import new_public_id, utcnow
from vgk.services.discovery.build import rebuild
from vgk.services.selling import moderation
from vgk.services.selling.media import SIZES as PHOTO_SIZES
from vgk.services.selling.media import save_product_image

log = logging.getLogger(__name__)

SEED = 237
PENDING_PRODUCTS = 10
DRAFT_PRODUCTS = 2
HISTORY_DAYS = 60
PROGRESS_EVERY = 25  # listings between two progress lines (each takes a few tenths of a second)


def _silent(_step: str) -> None:
    pass


def seed_demo(*, products: int = 220, progress=_silent) -> dict:
    """Fill an empty (migrated) database with demo data; return counts. Does nothing twice.
    `progress(step)` hears each step as it is done (a line of text, with its counts)."""
    started = time.perf_counter()
    demo_emails = [account["email"] for account in DEMO_ACCOUNTS]
    if db.session.scalar(select(func.count()).select_from(User).where(User.email.in_(demo_emails))):
        return _summary(created=False, seconds=time.perf_counter() - started)

    storage = registry.storage()
    stored_keys = []
    try:
        cities = _ensure_cities()
        progress(f"cities: {len(cities)}")
        points = _ensure_pickup_points(cities)
        progress(f"pickup points: {len(points)}")
        leaves = _ensure_categories()
        progress(f"categories: {len(CATEGORIES)} sections, {len(leaves)} subcategories")
        sellers = _create_accounts(cities, points)
        progress(f"accounts: {len(DEMO_ACCOUNTS)} demo accounts, {len(SELLERS)} other sellers")
        _create_products(random.Random(SEED), products, cities, points, leaves, sellers, stored_keys, progress)
        progress("saving…")
        db.session.commit()
    except Exception:
        db.session.rollback()
        for key in stored_keys:
            storage.delete(key)
        raise
    progress(f"behaviour: {seed_behaviour()} events of demo visitors")
    built = rebuild()
    progress(f"recommenders: {built.content} products with similar items, {built.trending} trending lists")
    summary = _summary(created=True, seconds=time.perf_counter() - started)
    log.debug("demo data seeded: %s", summary)
    return summary


def _summary(*, created, seconds):
    def count(model, *where):
        return db.session.scalar(select(func.count()).select_from(model).where(*where))

    by_status = dict(db.session.execute(select(Product.status, func.count()).group_by(Product.status)).all())
    return {
        "created": created,
        "seconds": round(seconds, 1),
        "cities": count(City),
        "pickup_points": count(PickupPoint),
        "categories": count(Category),
        "users": count(User),
        "products": {status: by_status.get(status, 0) for status in ProductStatus.ALL if by_status.get(status)},
        "images": count(ProductImage),
    }


def _ensure_cities():
    existing = {city.slug: city for city in db.session.scalars(select(City))}
    for position, (slug, name, region) in enumerate(CITIES, start=1):
        if slug not in existing:
            existing[slug] = City(slug=slug, name=name, region=region, position=position,
                                  delivery_fee=DELIVERY_FEES.get(slug))
            db.session.add(existing[slug])
    return existing


def _ensure_pickup_points(cities):
    existing = {point.name: point for point in db.session.scalars(select(PickupPoint))}
    points = {}
    for city_slug, name, address, hours, phone in PICKUP_POINTS:
        point = existing.get(name)
        if point is None:
            point = PickupPoint(city=cities[city_slug], name=name, address=address, opening_hours=hours,
                                phone=phone)
            db.session.add(point)
        points[name] = point
    return points


def _ensure_categories():
    """Create the two-level tree; return the leaf categories by slug."""
    existing = {category.slug: category for category in db.session.scalars(select(Category))}
    leaves = {}
    for position, (slug, name_fr, name_en, icon, children) in enumerate(CATEGORIES, start=1):
        parent = existing.get(slug)
        if parent is None:
            parent = Category(slug=slug, name_fr=name_fr, name_en=name_en, icon=icon, position=position)
            db.session.add(parent)
        for child_position, (child_slug, child_fr, child_en, child_icon) in enumerate(children, start=1):
            child = existing.get(child_slug)
            if child is None:
                child = Category(parent=parent, slug=child_slug, name_fr=child_fr, name_en=child_en,
                                 icon=child_icon, position=child_position)
                db.session.add(child)
            leaves[child_slug] = child
    return leaves


def _create_accounts(cities, points):
    """The four demo accounts and the extra sellers; return [(seller, weight)]."""
    # One scrypt hash for everyone: they share the public demo password and it keeps the seed fast.
    password_hash = generate_password_hash(DEMO_PASSWORD)
    verified_at = utcnow() - timedelta(days=HISTORY_DAYS + 30)
    existing = {user.email: user for user in db.session.scalars(select(User).where(User.email.like("%@vgk.test")))}

    def account(email, name, role, city, phone, pickup_point=None):
        user = existing.get(email)
        if user is None:
            user = User(email=email, name=name, role=role, status=UserStatus.ACTIVE, locale="fr",
                        city=cities[city], phone=phone, phone_verified_at=verified_at,
                        password_hash=password_hash, pickup_point=pickup_point, created_at=verified_at)
            db.session.add(user)
        # Their addresses are the project's own (vgk.test): verified, so Google and reset links work.
        user.email_verified_at = user.email_verified_at or verified_at
        return user

    sellers = []
    for spec in DEMO_ACCOUNTS:
        user = account(spec["email"], spec["name"], spec["role"], spec["city"], spec["phone"],
                       points.get(spec.get("pickup_point")))
        if spec["role"] in (Role.ADMIN, Role.STAFF):
            # Admins and staff must use a second factor: the demo ones get SMS codes (see /dev/outbox).
            user.two_factor = user.two_factor or TwoFactor.SMS
        if spec["role"] == Role.STAFF and not user.pin_hash:
            user.pin_hash = generate_password_hash(DEMO_STAFF_PIN)
        if spec["email"] == MAIN_SELLER:
            sellers.append((user, MAIN_SELLER_SHARE))
    for name, email, city, phone, weight in SELLERS:
        sellers.append((account(email, name, Role.CLIENT, city, phone), weight))
    return sellers


def _round_price(value):
    step = 500 if value < 100_000 else 5_000 if value < 2_000_000 else 50_000
    return max(step, int(round(value / step)) * step)


def _fill_title(template, rng):
    colour = None
    if "{c}" in template or "{cf}" in template:
        colour = rng.choice(COLOURS)
    title = template.format(
        sto=rng.choice(["64 Go", "128 Go", "128 Go", "256 Go"]),
        taille=rng.choice(SIZES),
        pointure=rng.randint(39, 45),
        pointuref=rng.randint(36, 41),
        c=colour[0] if colour else "",
        cf=colour[1] if colour else "",
    )
    return title, (colour[2] if colour else None)


def _describe(rng, title, item, leaf, condition, city, points_by_city, negotiable):
    features = list(item.notes) + rng.sample(leaf.features, k=min(len(leaf.features), rng.randint(2, 3)))
    features = [f.format(km=f"{rng.randrange(40_000, 220_000, 1_000):,}".replace(",", " ")) for f in features]
    quarter = rng.choice(QUARTERS[city.slug])
    if points_by_city.get(city.slug) and rng.random() < 0.6:
        handover = f"Remise au {rng.choice(points_by_city[city.slug]).name} ou en main propre à {quarter}."
    else:
        handover = f"Visible à {quarter}, {city.name}. Remise en main propre."
    if negotiable:
        closing = rng.choice(["Prix légèrement négociable.", "Prix à débattre raisonnablement."])
    else:
        closing = rng.choice(["Prix ferme.", "Prix ferme, pas sérieux s'abstenir.", ""])
    paragraphs = [
        f"{rng.choice(OPENERS).format(title=title)} {rng.choice(CONDITION_PHRASES[condition])}",
        " ".join(features[:3]),
        " ".join(part for part in (handover, rng.choice(PAYMENT_PHRASES), closing) if part),
    ]
    return "\n".join(paragraphs)


def _plan(rng, count):
    """[(leaf slug, forced item or None)]: the showcase first, then every leaf at least twice and
    the rest by popularity, shuffled."""
    showcase = [
        (slug, next(item for item in CATALOGUE[slug].items if item.title == title)) for slug, title in SHOWCASE
    ]
    slugs = list(CATALOGUE)
    rest = [slug for slug in slugs for _ in range(2)]
    weights = [CATALOGUE[slug].weight for slug in slugs]
    rest += rng.choices(slugs, weights=weights, k=max(0, count - len(showcase) - len(rest)))
    rng.shuffle(rest)
    return (showcase + [(slug, None) for slug in rest])[:count]


def _create_products(rng, active_count, cities, points, leaves, sellers, stored_keys, progress):
    now = utcnow()
    points_by_city = {}
    for point in points.values():
        points_by_city.setdefault(point.city.slug, []).append(point)
    main_seller = sellers[0][0]
    city_slugs = list(CITY_WEIGHTS)
    city_weights = list(CITY_WEIGHTS.values())
    seen_titles = set()

    total = active_count + PENDING_PRODUCTS + DRAFT_PRODUCTS
    for index, (leaf_slug, forced_item) in enumerate(_plan(rng, total)):
        leaf = CATALOGUE[leaf_slug]
        status = _status(index, active_count)
        seller = _seller(rng, index, status, main_seller, sellers)
        city = seller.city if rng.random() < 0.85 else cities[rng.choices(city_slugs, weights=city_weights)[0]]

        condition = rng.choices(CONDITIONS, weights=CONDITION_WEIGHTS)[0]
        item, title, colour = _unique_title(rng, leaf, forced_item, condition, seen_titles)
        low_t, high_t = CONDITION_PRICE[condition]
        price = _round_price(item.low + (item.high - item.low) * rng.uniform(low_t, high_t))
        negotiable = rng.random() < (0.7 if leaf_slug in ("voitures", "motos", "meubles") else 0.4)
        quantity = rng.randint(2, 5) if leaf.bulk and rng.random() < 0.3 else 1
        created_at, views = _created_at_and_views(rng, status, now)

        product = Product(
            public_id=new_public_id(),
            seller=seller,
            category=leaves[leaf_slug],
            city=city,
            title=title,
            description=_describe(rng, title, item, leaf, condition, city, points_by_city, negotiable),
            price=price,
            negotiable=negotiable,
            condition=condition,
            status=status,
            quantity=quantity,
            view_count=min(views, 5_000),
            created_at=created_at,
            updated_at=created_at,
            published_at=created_at if status == ProductStatus.ACTIVE else None,
            submitted_at=created_at if status in (ProductStatus.ACTIVE, ProductStatus.PENDING) else None,
        )
        db.session.add(product)
        _add_pictures(rng, product, item, leaf, colour, stored_keys)
        if (index + 1) % PROGRESS_EVERY == 0 or index + 1 == total:
            progress(f"listings: {index + 1} of {total}, {len(stored_keys) // len(PHOTO_SIZES)} pictures")

    # Listings awaiting moderation carry their automatic flags, as after a real submission.
    db.session.flush()
    for product in db.session.scalars(select(Product).where(Product.status == ProductStatus.PENDING)):
        moderation.refresh_flags(product)


def _status(index, active_count):
    """The planned listings are published first, then awaiting moderation, then drafts."""
    if index < active_count:
        return ProductStatus.ACTIVE
    if index < active_count + PENDING_PRODUCTS:
        return ProductStatus.PENDING
    return ProductStatus.DRAFT


def _seller(rng, index, status, main_seller, sellers):
    """Drafts and a third of the pending listings are the main seller's (to try the seller pages)."""
    if status == ProductStatus.DRAFT:
        return main_seller
    if status == ProductStatus.PENDING and index % 3 == 0:
        return main_seller
    return rng.choices([s for s, _ in sellers], weights=[w for _, w in sellers])[0]


def _unique_title(rng, leaf, forced_item, condition, seen_titles):
    """(item, title, colour) with a title no other listing has: a few draws, then a qualifier."""
    for _attempt in range(4):
        item = forced_item or rng.choice(leaf.items)
        title, colour = _fill_title(item.title, rng)
        if title not in seen_titles:
            break
    else:
        for qualifier in rng.sample(QUALIFIERS[condition], k=len(QUALIFIERS[condition])):
            if f"{title} – {qualifier}" not in seen_titles:
                title = f"{title} – {qualifier}"
                break
    seen_titles.add(title)
    return item, title, colour


def _created_at_and_views(rng, status, now):
    """Published listings spread over the history, older ones seen more; the others from the last days."""
    if status == ProductStatus.ACTIVE:
        age = timedelta(days=HISTORY_DAYS * rng.random() ** 1.3, minutes=rng.randint(0, 1439))
        age_days = age.total_seconds() / 86_400
        views = int(rng.lognormvariate(2.6, 0.9) * (0.4 + age_days / 12))
    else:
        age = timedelta(days=rng.uniform(0, 3), minutes=rng.randint(0, 1439))
        views = 0
    return now - age, views


def _add_pictures(rng, product, item, leaf, colour, stored_keys):
    """One to three pictures of the same object, as the upload pipeline made them (`picture_cache`)."""
    picture_seed = rng.getrandbits(31)
    for position in range(rng.choices([1, 2, 3], weights=[3, 4, 3])[0]):
        picture = processed_picture(item.family or leaf.family, picture_seed, position, colour, item.style)
        image = save_product_image(product, picture, position)
        stored_keys += image.keys
        db.session.add(image)
