"""A client's listings from the app: create with photos (checked by content), edit, photos, the
seller's moves (409 when illegal), and nobody else's listing (404) or role (401/403)."""
import io

import pytest

from tests import factories as f
from vgk.extensions import db
from vgk.models import Product, ProductStatus, Role, TwoFactor
from vgk.models.base import utcnow

S = ProductStatus


@pytest.fixture
def seller(app):
    return f.user(phone_verified_at=utcnow(), name="Mireille Ngo")


@pytest.fixture
def leaf(app):
    return f.category("Téléphones", slug="telephones", parent=f.category("Électronique", slug="electronique"))


@pytest.fixture
def douala(app):
    return f.city("Douala", slug="douala")


def form(leaf, place, photos=2, **overrides):
    data = {"title": "Téléphone Tecno Spark", "description": "Bon état, chargeur fourni.", "category": leaf.slug,
            "condition": "BON", "price": "45000", "city": place.slug, "quantity": "1", "negotiable": "true",
            **overrides}
    data["photos"] = [(io.BytesIO(f.jpeg_bytes((30 * i, 90, 120))), f"p{i}.jpg") for i in range(photos)]
    return data


def create(api, user, leaf, place, **kw):
    return api.post("client/listings/", user=user, data=form(leaf, place, **kw))


def test_create_with_two_real_photos_then_read_it(api, seller, leaf, douala):
    response = create(api, seller, leaf, douala)
    assert response.status_code == 201, response.get_json()
    listing = response.get_json()["listing"]
    assert listing["status"] == S.DRAFT and listing["negotiable"] is True and listing["price"] == 45_000
    assert len(listing["images"]) == 2 and listing["rejection_reason"] is None
    assert listing["category"]["slug"] == "telephones" and listing["city"]["slug"] == "douala"
    got = api.get(f"client/listings/{listing['id']}/", user=seller).get_json()["listing"]
    assert got["id"] == listing["id"]
    mine = api.get("client/listings/", user=seller).get_json()
    assert mine["count"] == 1 and mine["results"][0]["id"] == listing["id"]
    assert api.get("client/listings/", user=seller, query={"status": "ACTIVE"}).get_json()["count"] == 0
    assert api.get("client/listings/", user=seller, query={"status": "nope"}).status_code == 400


def test_create_and_submit_at_once_and_by_category_id(api, seller, leaf, douala):
    response = create(api, seller, leaf, douala, submit="true", category=str(leaf.id))
    assert response.status_code == 201
    assert response.get_json()["listing"]["status"] == S.PENDING


def test_submit_needs_a_photo_and_then_nothing_is_created(api, seller, leaf, douala):
    response = create(api, seller, leaf, douala, photos=0, submit="true")
    assert response.status_code == 400 and "photos" in response.get_json()["error"]["fields"]
    assert db.session.scalar(db.select(db.func.count()).select_from(Product)) == 0


def test_a_php_file_named_jpg_is_refused(api, seller, leaf, douala):
    data = form(leaf, douala, photos=0)
    data["photos"] = [(io.BytesIO(b"<?php system($_GET['c']); ?>"), "shell.jpg")]
    response = api.post("client/listings/", user=seller, data=data)
    assert response.status_code == 400 and response.get_json()["error"]["fields"] == {"image": "invalid"}
    assert db.session.scalar(db.select(db.func.count()).select_from(Product)) == 0


def test_too_large_an_upload_is_a_413(app, api, seller, leaf, douala, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 10_000)
    response = create(api, seller, leaf, douala)
    assert response.status_code == 413


def test_bad_fields_are_400_with_their_names(api, seller, leaf, douala):
    for overrides, field in (({"title": "abc"}, "title"), ({"price": "12"}, "price"), ({"price": "douze"}, "price"),
                             ({"category": "electronique"}, "category"), ({"city": "nowhere"}, "city"),
                             ({"condition": "CASSE"}, "condition"), ({"negotiable": "peut-être"}, "negotiable")):
        response = create(api, seller, leaf, douala, **overrides)
        assert response.status_code == 400, overrides
        assert field in response.get_json()["error"]["fields"], (overrides, response.get_json())
    data = form(leaf, douala)
    del data["title"]
    assert api.post("client/listings/", user=seller, data=data).status_code == 400


def test_edit_with_json_follows_the_web_rules(api, seller, leaf, douala):
    product = f.product("Vélo de ville", seller=seller, category_=leaf, city_=douala, status=S.ACTIVE, images=1)
    response = api.patch(f"client/listings/{product.public_id}/", user=seller,
                         json={"price": 30_000, "negotiable": False})
    listing = response.get_json()["listing"]
    assert response.status_code == 200 and listing["price"] == 30_000 and listing["status"] == S.ACTIVE
    response = api.patch(f"client/listings/{product.public_id}/", user=seller, json={"title": "Vélo de ville bleu"})
    assert response.get_json()["listing"]["status"] == S.PENDING
    for body, field in (({"price": "x"}, "price"), ({"quantity": 0}, "quantity"), ({"colour": "bleu"}, "colour"),
                        ({"negotiable": "maybe"}, "negotiable"), ({"title": ["a"]}, "title")):
        response = api.patch(f"client/listings/{product.public_id}/", user=seller, json=body)
        assert response.status_code == 400 and field in response.get_json()["error"]["fields"], body
    sold = f.product(seller=seller, status=S.RESERVED)
    assert api.patch(f"client/listings/{sold.public_id}/", user=seller, json={"price": 500}).status_code == 409


def test_photos_are_added_and_removed(api, seller, leaf, douala):
    product = f.product(seller=seller, category_=leaf, city_=douala, status=S.DRAFT, images=1)
    data = {"photos": [(io.BytesIO(f.jpeg_bytes()), "a.jpg")]}
    response = api.post(f"client/listings/{product.public_id}/photos/", user=seller, data=data)
    assert response.status_code == 201 and len(response.get_json()["listing"]["images"]) == 2
    assert api.post(f"client/listings/{product.public_id}/photos/", user=seller, data={}).status_code == 400
    image_id = response.get_json()["listing"]["images"][0]["id"]
    response = api.delete(f"client/listings/{product.public_id}/photos/{image_id}/", user=seller)
    assert response.status_code == 200 and len(response.get_json()["listing"]["images"]) == 1
    assert api.delete(f"client/listings/{product.public_id}/photos/{image_id}/", user=seller).status_code == 404
    active = f.product(seller=seller, status=S.ACTIVE, images=1)
    last = active.images[0].id
    assert api.delete(f"client/listings/{active.public_id}/photos/{last}/", user=seller).status_code == 400


def test_moves_and_illegal_moves(api, seller, leaf, douala):
    product = f.product(seller=seller, category_=leaf, city_=douala, status=S.DRAFT, images=1)
    path = f"client/listings/{product.public_id}/"
    assert api.post(path + "mark_sold/", user=seller).status_code == 409
    assert api.post(path + "relist/", user=seller).status_code == 409
    assert api.post(path + "submit/", user=seller).get_json()["listing"]["status"] == S.PENDING
    assert api.post(path + "submit/", user=seller).status_code == 409
    assert api.post(path + "archive/", user=seller).get_json()["listing"]["status"] == S.ARCHIVED
    assert api.post(path + "relist/", user=seller).get_json()["listing"]["status"] == S.PENDING
    active = f.product(seller=seller, status=S.ACTIVE, images=1)
    sold = api.post(f"client/listings/{active.public_id}/mark_sold/", user=seller)
    assert sold.get_json()["listing"]["status"] == S.SOLD


def test_submit_needs_a_verified_phone(api, leaf, douala):
    unverified = f.user()
    product = f.product(seller=unverified, category_=leaf, city_=douala, status=S.DRAFT, images=1)
    response = api.post(f"client/listings/{product.public_id}/submit/", user=unverified)
    assert response.status_code == 400 and response.get_json()["error"]["fields"] == {"phone": "unverified"}


def test_another_clients_listing_is_not_found(api, seller):
    product = f.product(seller=seller, status=S.DRAFT, images=1)
    other = f.user()
    path = f"client/listings/{product.public_id}/"
    assert api.get(path, user=other).status_code == 404
    assert api.patch(path, user=other, json={"price": 500}).status_code == 404
    for action in ("submit", "mark_sold", "archive", "relist"):
        assert api.post(path + action + "/", user=other).status_code == 404
    photos = {"photos": [(io.BytesIO(f.jpeg_bytes()), "a.jpg")]}
    assert api.post(path + "photos/", user=other, data=photos).status_code == 404
    assert api.delete(path + f"photos/{product.images[0].id}/", user=other).status_code == 404
    db.session.expire_all()
    assert db.session.get(Product, product.id).status == S.DRAFT and len(product.images) == 1


def test_no_token_is_401_and_staff_or_admin_403(api, seller):
    product = f.product(seller=seller)
    staff = f.user(Role.STAFF, pickup_point=f.pickup_point(), two_factor=TwoFactor.SMS, phone_verified_at=utcnow())
    admin = f.user(Role.ADMIN, two_factor=TwoFactor.SMS, phone_verified_at=utcnow())
    calls = [("GET", "client/listings/"), ("POST", "client/listings/"),
             ("GET", f"client/listings/{product.public_id}/"), ("PATCH", f"client/listings/{product.public_id}/"),
             ("POST", f"client/listings/{product.public_id}/submit/"),
             ("POST", f"client/listings/{product.public_id}/photos/"),
             ("DELETE", f"client/listings/{product.public_id}/photos/1/")]
    for method, path in calls:
        assert api.call(method, path).status_code == 401, path
        for user in (staff, admin):
            assert api.call(method, path, user=user).status_code == 403, (path, user.role)


def test_unknown_or_strange_field_names_are_a_400(api, seller, leaf, douala):
    response = api.post("client/listings/", user=seller, data={"title": "Table basse", "prix": "5", "\x04é": "x"})
    assert response.status_code == 400
    assert set(response.get_json()["error"]["fields"]) == {"prix", "\x04é"}
    assert db.session.query(Product).count() == 0


@pytest.mark.parametrize("retired", ["leaf", "parent"])
def test_a_retired_category_is_refused_for_a_new_listing(api, seller, leaf, douala, retired):
    (leaf if retired == "leaf" else leaf.parent).retired_at = utcnow()
    db.session.commit()
    response = create(api, seller, leaf, douala)
    assert response.status_code == 400
    assert "n'est plus proposée" in response.get_json()["error"]["fields"]["category"]
    assert db.session.query(Product).count() == 0
