"""A seller's listing lifecycle, photos, favourites and reviews, through the real services."""
import pytest

from tests import factories as f
from vgk.errors import Conflict, Invalid, NotFound
from vgk.extensions import db
from vgk.models import OrderStatus, ProductStatus, Role
from vgk.models.base import utcnow
from vgk.services.catalogue import social
from vgk.services.selling import listings

S = ProductStatus


@pytest.fixture
def seller(app):
    return f.user(phone_verified_at=utcnow())


@pytest.fixture
def leaf(app):
    return f.category("Téléphones", parent=f.category("Électronique"))


@pytest.fixture
def city(app):
    return f.city("Douala", slug="douala")


def fields(leaf, city_, **overrides):
    return {"title": "Téléphone Tecno Spark", "description": "Très bon état.", "price": "45 000",
            "category": leaf.slug, "city": city_.slug, "condition": "BON", "quantity": 1, **overrides}


def draft(seller, leaf, city_, photos=1, **overrides):
    return listings.create_draft(seller, photos=[f.jpeg_bytes()] * photos, **fields(leaf, city_, **overrides))


def approve(product):
    """Moderation is another service's job: here the decision is simply written."""
    product.status = S.ACTIVE
    product.moderated_at = utcnow()
    db.session.commit()
    return product


def reject(product, reason):
    product.status = S.REJECTED
    product.rejection_reason = reason
    db.session.commit()
    return product


def test_draft_submit_approve_then_edits(seller, leaf, city):
    product = draft(seller, leaf, city, photos=2)
    assert product.status == S.DRAFT and product.price == 45_000 and len(product.images) == 2
    listings.submit(seller, product.public_id)
    assert product.status == S.PENDING and product.submitted_at is not None
    approve(product)

    listings.update(seller, product.public_id, price=40_000, quantity=2, negotiable=True)
    assert product.status == S.ACTIVE and product.price == 40_000 and product.negotiable

    listings.update(seller, product.public_id, title="Téléphone Tecno Spark 10")
    assert product.status == S.PENDING


def test_photo_added_to_an_active_listing_goes_back_to_moderation(seller, leaf, city):
    product = approve(draft(seller, leaf, city))
    listings.add_photos(seller, product.public_id, [f.jpeg_bytes((1, 2, 3))])
    assert product.status == S.PENDING and len(product.images) == 2


def test_rejected_fixed_and_resubmitted(seller, leaf, city):
    product = draft(seller, leaf, city)
    listings.submit(seller, product.public_id)
    reject(product, "Photo floue")
    listings.update(seller, product.public_id, description="Photo nette ajoutée.")
    assert product.status == S.REJECTED
    listings.submit(seller, product.public_id)
    assert product.status == S.PENDING and product.rejection_reason is None


def test_sold_archived_relisted(seller, leaf, city):
    product = approve(draft(seller, leaf, city))
    listings.mark_sold(seller, product.public_id)
    assert product.status == S.SOLD
    listings.relist(seller, product.public_id)
    assert product.status == S.PENDING
    approve(product)
    listings.archive(seller, product.public_id)
    assert product.status == S.ARCHIVED
    listings.relist(seller, product.public_id)
    assert product.status == S.PENDING


def test_illegal_moves_are_refused(seller, leaf, city):
    product = draft(seller, leaf, city)
    with pytest.raises(Conflict):
        listings.mark_sold(seller, product.public_id)
    with pytest.raises(Conflict):
        listings.relist(seller, product.public_id)
    listings.submit(seller, product.public_id)
    with pytest.raises(Conflict):
        listings.submit(seller, product.public_id)
    with pytest.raises(Conflict):
        listings.mark_sold(seller, product.public_id)
    listings.archive(seller, product.public_id)
    with pytest.raises(Conflict):
        listings.update(seller, product.public_id, price=500)
    with pytest.raises(Conflict):
        listings.archive(seller, product.public_id)


@pytest.mark.parametrize("bad", [
    {"title": "abc"}, {"title": "x" * 121}, {"description": "x" * 5001}, {"price": 99},
    {"price": 1_000_000_001}, {"price": "12.5"}, {"quantity": 0}, {"quantity": 100}, {"condition": "CASSE"},
    {"city": "nulle-part"},
])
def test_field_rules(seller, leaf, city, bad):
    with pytest.raises(Invalid):
        draft(seller, leaf, city, **bad)


def test_category_must_be_a_leaf(seller, leaf, city):
    with pytest.raises(Invalid) as caught:
        draft(seller, leaf, city, category=leaf.parent.slug)
    assert "category" in caught.value.fields


def test_submit_needs_a_photo_and_a_verified_phone(seller, leaf, city):
    product = draft(seller, leaf, city, photos=0)
    with pytest.raises(Invalid) as caught:
        listings.submit(seller, product.public_id)
    assert "photos" in caught.value.fields

    unverified = f.user()
    other = draft(unverified, leaf, city)
    with pytest.raises(Invalid) as caught:
        listings.submit(unverified, other.public_id)
    assert "téléphone" in str(caught.value.message)
    assert other.status == S.DRAFT


def test_another_client_can_never_act_on_my_listing(seller, leaf, city):
    product = draft(seller, leaf, city)
    intruder = f.user(phone_verified_at=utcnow())
    image_id = product.images[0].id
    calls = [
        lambda: listings.get_own(intruder, product.public_id),
        lambda: listings.update(intruder, product.public_id, price=500),
        lambda: listings.submit(intruder, product.public_id),
        lambda: listings.mark_sold(intruder, product.public_id),
        lambda: listings.archive(intruder, product.public_id),
        lambda: listings.relist(intruder, product.public_id),
        lambda: listings.add_photos(intruder, product.public_id, [f.jpeg_bytes()]),
        lambda: listings.remove_photo(intruder, product.public_id, image_id),
    ]
    for call in calls:
        with pytest.raises(NotFound):
            call()
    assert product.status == S.DRAFT and product.price == 45_000 and len(product.images) == 1
    assert [p for p, _ in listings.my_listings(intruder)] == []


def test_ninth_photo_refused(seller, leaf, city):
    product = draft(seller, leaf, city, photos=8)
    with pytest.raises(Invalid):
        listings.add_photos(seller, product.public_id, [f.jpeg_bytes()])
    db.session.expire_all()
    assert len(product.images) == 8


def test_php_named_jpg_refused(seller, leaf, city):
    product = draft(seller, leaf, city)
    with pytest.raises(Invalid):
        listings.add_photos(seller, product.public_id, [b"<?php system($_GET['c']); ?>"])
    db.session.expire_all()
    assert len(product.images) == 1


def test_remove_photo_renumbers(seller, leaf, city):
    product = draft(seller, leaf, city, photos=3)
    listings.remove_photo(seller, product.public_id, product.images[0].id)
    assert [img.position for img in product.images] == [0, 1]


def test_my_listings_counts(seller, leaf, city):
    product = approve(draft(seller, leaf, city))
    fan = f.user()
    assert social.toggle_favourite(fan, product.public_id) is True
    rows = listings.my_listings(seller)
    assert rows == [(product, 1)]
    assert listings.my_listings(seller, S.DRAFT) == []


def test_favourites_toggle(seller, leaf, city):
    product = approve(draft(seller, leaf, city))
    fan = f.user()
    assert social.toggle_favourite(fan, product.public_id) is True
    assert social.favourites_of(fan) == [product] and social.favourite_count(product) == 1
    assert social.toggle_favourite(fan, product.public_id) is False
    assert social.favourites_of(fan) == [] and social.favourite_count(product) == 0
    hidden = draft(seller, leaf, city)
    with pytest.raises(NotFound):
        social.toggle_favourite(fan, hidden.public_id)


def test_seller_profile_shows_active_listings_and_rating(seller, leaf, city):
    active = approve(draft(seller, leaf, city))
    draft(seller, leaf, city)
    profile = social.seller_profile(seller.public_id)
    assert profile.products == [active] and profile.review_count == 0 and profile.rating is None


def _finished_order(buyer, product, status=OrderStatus.COMPLETED):
    order = f.place_order(product, buyer=buyer)
    order.status = status
    db.session.commit()
    return order


def test_review_only_by_the_buyer_once_after_completion(seller, leaf, city):
    product = approve(draft(seller, leaf, city))
    buyer = f.user()
    order = f.place_order(product, buyer=buyer)
    item = order.items[0]
    with pytest.raises(Conflict):  # not received yet
        social.leave_review(buyer, item.id, 5, "Top")
    order.status = OrderStatus.COMPLETED
    db.session.commit()
    with pytest.raises(NotFound):
        social.leave_review(f.user(), item.id, 5, "Faux avis")
    with pytest.raises(NotFound):
        social.leave_review(seller, item.id, 5, "Moi-même")
    for bad in (0, 6, "x"):
        with pytest.raises(Invalid):
            social.leave_review(buyer, item.id, bad, "")
    review = social.leave_review(buyer, item.id, 4, "Conforme")
    assert review.seller_id == seller.id
    with pytest.raises(Conflict):
        social.leave_review(buyer, item.id, 5, "Encore")
    profile = social.seller_profile(seller.public_id)
    assert profile.rating == 4.0 and profile.review_count == 1


def test_submission_gets_the_automatic_moderation_flags(seller, leaf, city):
    product = draft(seller, leaf, city, description="Appelez-moi au 677 12 34 56 pour négocier.")
    listings.submit(seller, product.public_id)
    assert "contact" in product.moderation_flags.split()


def test_a_listing_preview_is_for_its_seller_and_admins_only(seller, leaf, city):
    product = f.product(seller=seller, category_=leaf, city_=city, status=ProductStatus.PENDING)
    assert listings.preview(seller, product.public_id) is product
    assert listings.preview(f.user(role=Role.ADMIN), product.public_id) is product
    for other in (f.user(), f.user(role=Role.STAFF)):
        with pytest.raises(NotFound):
            listings.preview(other, product.public_id)
    with pytest.raises(NotFound):
        listings.preview(f.user(role=Role.ADMIN), "inconnu")


def test_an_edit_of_a_queued_listing_computes_its_flags_again(seller, leaf, city):
    product = draft(seller, leaf, city)
    listings.submit(seller, product.public_id)
    assert product.moderation_flags == ""
    listings.update(seller, product.public_id, **fields(leaf, city, description="Appelez-moi au 677 12 34 56."))
    assert product.status == S.PENDING and "contact" in product.moderation_flags.split()
    listings.update(seller, product.public_id, **fields(leaf, city, description="Très bon état, peu servi."))
    assert product.status == S.PENDING and "contact" not in product.moderation_flags.split()
