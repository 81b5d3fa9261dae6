"""Selling over HTTP (CSRF on): the listing form with photos, submission, edits, refusals,
favourites with and without htmx, and the public seller page."""
import io

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.web.test_auth import post, text
from vgk.extensions import db
from vgk.models import Product, ProductStatus
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


def form(leaf, city, **overrides):
    return {"title": "Téléphone Tecno Spark", "description": "Bon état, chargeur fourni.", "category": leaf.slug,
            "condition": "BON", "price": "45000", "city": city.slug, "quantity": "1", **overrides}


def photo(name="photo.jpg", data=None):
    return (io.BytesIO(data if data is not None else f.jpeg_bytes()), name)


def create(client, leaf, city, photos=2, **overrides):
    data = form(leaf, city, **overrides)
    data["photos"] = [photo(f"p{i}.jpg") for i in range(photos)]
    return post(client, "/compte/annonces/nouvelle", data, content_type="multipart/form-data")


def only_product():
    db.session.expire_all()
    return db.session.scalar(select(Product))


def test_create_with_two_photos_then_submit(client, seller, leaf, douala):
    f.sign_in(client, seller)
    page = text(client.get("/compte/annonces/nouvelle"))
    assert 'type="file"' in page and 'accept="image/*"' in page and "capture=" not in page
    assert "multiple" in page and "Téléphones" in page and 'enctype="multipart/form-data"' in page

    response = create(client, leaf, douala)
    product = only_product()
    assert response.status_code == 303, text(response)
    assert product.status == S.DRAFT and len(product.images) == 2 and product.seller_id == seller.id

    response = post(client, f"/compte/annonces/{product.public_id}/soumettre",
                    page=f"/compte/annonces/{product.public_id}")
    assert response.status_code == 303
    assert only_product().status == S.PENDING
    assert client.get(f"/p/{product.public_id}").status_code == 404  # not public before moderation
    listing_page = text(client.get("/compte/annonces"))
    assert "Téléphone Tecno Spark" in listing_page and "En attente de validation" in listing_page


def test_create_and_submit_in_one_go(client, seller, leaf, douala):
    f.sign_in(client, seller)
    data = form(leaf, douala, action="submit")
    data["photos"] = [photo()]
    response = post(client, "/compte/annonces/nouvelle", data, content_type="multipart/form-data")
    assert response.status_code == 303
    assert only_product().status == S.PENDING


def test_bad_fields_are_shown(client, seller, leaf, douala):
    f.sign_in(client, seller)
    response = create(client, leaf, douala, price="50")
    assert response.status_code == 400 and "entre 100 et 1 000 000 000" in text(response)
    assert only_product() is None


def test_category_starts_empty_and_is_required(client, seller, leaf, douala):
    f.sign_in(client, seller)
    page = text(client.get("/compte/annonces/nouvelle"))
    select_html = page[page.index('<select id="category"'):]
    first_option = select_html[select_html.index("<option"):select_html.index("</option>")]
    assert 'value=""' in first_option and "Choisissez une catégorie" in first_option
    assert "selected" not in select_html[:select_html.index("</select>")]

    response = create(client, leaf, douala, category="")
    page = text(response)
    assert response.status_code == 400 and "Ce champ est obligatoire." in page
    assert 'class="fld-err" id="category-err"' in page
    assert only_product() is None


def test_edit(client, seller, leaf, douala):
    f.sign_in(client, seller)
    create(client, leaf, douala)
    product = only_product()
    url = f"/compte/annonces/{product.public_id}"
    assert 'value="Téléphone Tecno Spark"' in text(client.get(url))
    response = post(client, url, form(leaf, douala, title="Tecno Spark 10 Pro", price="42000"))
    assert response.status_code == 303
    product = only_product()
    assert product.title == "Tecno Spark 10 Pro" and product.price == 42_000


def test_rejection_reason_is_shown(client, seller, leaf, douala):
    product = f.product(seller=seller, category_=leaf, city_=douala, status=S.REJECTED, images=1,
                        rejection_reason="Numéro de téléphone dans la description")
    f.sign_in(client, seller)
    page = text(client.get(f"/compte/annonces/{product.public_id}"))
    assert "Numéro de téléphone dans la description" in page and "refusée" in page


def test_non_image_upload_gets_400_with_a_clear_message(client, seller, leaf, douala):
    f.sign_in(client, seller)
    create(client, leaf, douala, photos=1)
    product = only_product()
    url = f"/compte/annonces/{product.public_id}/photos"
    response = post(client, url, {"photos": [photo("shell.jpg", b"<?php echo 1; ?>")]},
                    page=f"/compte/annonces/{product.public_id}", content_type="multipart/form-data")
    assert response.status_code == 400
    assert "n'est pas une image valide" in text(response)
    assert len(only_product().images) == 1


def test_another_client_gets_404(client, app, seller, leaf, douala):
    product = f.product(seller=seller, category_=leaf, city_=douala, status=S.DRAFT, images=1)
    intruder = f.user(phone_verified_at=utcnow())
    f.sign_in(client, intruder)
    assert client.get(f"/compte/annonces/{product.public_id}").status_code == 404
    response = post(client, f"/compte/annonces/{product.public_id}/archiver", page="/compte/annonces")
    assert response.status_code == 404
    assert only_product().status == S.DRAFT


def test_anonymous_is_sent_to_login(client, seller):
    for url in ("/compte/annonces", "/compte/annonces/nouvelle", "/compte/favoris"):
        response = client.get(url)
        assert response.status_code == 302 and "/connexion" in response.headers["Location"]


def test_favourite_toggle_with_htmx_and_without(client, seller, leaf, douala):
    product = f.product(seller=seller, category_=leaf, city_=douala, images=1)
    fan = f.user()
    f.sign_in(client, fan)
    page = f"/p/{product.public_id}"
    assert "Ajouter aux favoris" in text(client.get(page))
    response = post(client, f"{page}/favori", page=page, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Dans vos favoris" in text(response) and "<html" not in text(response)
    assert product.title in text(client.get("/compte/favoris"))
    response = post(client, f"{page}/favori", page=page)
    assert response.status_code == 303 and response.headers["Location"].endswith(page)
    assert product.title not in text(client.get("/compte/favoris"))


def test_seller_page_shows_only_active_listings(client, seller, leaf, douala):
    f.product("Vélo actif à vendre", seller=seller, category_=leaf, city_=douala)
    f.product("Brouillon secret", seller=seller, category_=leaf, city_=douala, status=S.DRAFT)
    f.product("Déjà vendu", seller=seller, category_=leaf, city_=douala, status=S.SOLD)
    page = text(client.get(f"/vendeur/{seller.public_id}"))
    assert "Mireille Ngo" in page and "Vélo actif à vendre" in page
    assert "Brouillon secret" not in page and "Déjà vendu" not in page
    assert client.get("/vendeur/inconnu").status_code == 404


def test_review_page(client, seller, leaf, douala):
    from vgk.models import OrderStatus

    product = f.product(seller=seller, category_=leaf, city_=douala)
    buyer = f.user()
    order = f.place_order(product, buyer=buyer)
    order.status = OrderStatus.COMPLETED
    db.session.commit()
    item = order.items[0]
    f.sign_in(client, buyer)
    url = f"/compte/commandes/{order.public_id}/avis/{item.id}"
    response = post(client, url, {"rating": "5", "text": "Parfait"})
    assert response.status_code == 303
    assert "5/5" in text(client.get(f"/vendeur/{seller.public_id}"))


def test_a_completed_order_page_links_the_buyer_to_the_review_form(app, client):
    import re as _re

    from vgk.models import Role, TwoFactor
    from vgk.models.base import utcnow
    from vgk.services.commerce import pickup

    point = f.pickup_point()
    staff = f.user(Role.STAFF, pickup_point=point, two_factor=TwoFactor.SMS, phone_verified_at=utcnow())
    buyer = f.user(phone="+237690555111", phone_verified_at=utcnow())
    order = f.place_order(f.product("Lampe tempête", price=6_000), point=point, buyer=buyer)
    pickup.receive_item(staff, point, order.reference, order.items[0].id)
    pickup.hand_over(staff, point, order.reference, f.last_code("+237690555111"), cash_received=True)
    f.sign_in(client, buyer)
    html = client.get(f"/commande/{order.reference}").get_data(as_text=True)
    link = _re.search(r'href="(/compte/commandes/[^"]+/avis/\d+)"', html)
    assert link and "Noter le vendeur" in html
    assert client.get(link.group(1)).status_code == 200


def _cover(product):
    db.session.expire_all()
    return db.session.get(Product, product.id).cover.id


def test_putting_a_photo_first_makes_it_the_cover(client, seller, leaf, douala):
    product = f.product(seller=seller, category_=leaf, city_=douala, status=S.ACTIVE, images=3)
    first, second, third = [img.id for img in product.images]
    f.sign_in(client, seller)
    edit = f"/compte/annonces/{product.public_id}"
    page = text(client.get(edit))
    assert page.count("Mettre en premier") == 2  # not on the cover itself

    response = post(client, f"{edit}/photos/{third}/deplacer", {"move": "first"}, page=edit)
    assert response.status_code == 303 and _cover(product) == third
    assert "Ordre des photos enregistré." in text(client.get(edit))
    assert db.session.get(Product, product.id).status == S.ACTIVE  # same photos: no new moderation

    # With htmx: one place down, and the photo list comes back to be swapped in place.
    response = post(client, f"{edit}/photos/{third}/deplacer", {"move": "down"}, page=edit,
                    headers={"HX-Request": "true"})
    fragment = text(response)
    assert response.status_code == 200 and 'id="sell-photos"' in fragment
    assert "<html" not in fragment and _cover(product) == first
    assert [img.id for img in db.session.get(Product, product.id).images] == [first, third, second]


def test_moving_a_photo_of_another_seller_or_an_unknown_move_is_refused(client, app, seller, leaf, douala):
    product = f.product(seller=seller, category_=leaf, city_=douala, status=S.DRAFT, images=2)
    second = product.images[1].id
    f.sign_in(client, seller)
    edit = f"/compte/annonces/{product.public_id}"
    response = post(client, f"{edit}/photos/{second}/deplacer", {"move": "sideways"}, page=edit)
    assert response.status_code == 303 and "déplacement de photo n" in text(client.get(edit))
    assert _cover(product) == product.images[0].id

    f.sign_in(client, f.user(phone_verified_at=utcnow()))
    response = post(client, f"{edit}/photos/{second}/deplacer", {"move": "first"}, page="/compte/annonces")
    assert response.status_code == 404 and _cover(product) != second


@pytest.mark.parametrize("status", [S.PENDING, S.DRAFT])
def test_the_seller_previews_a_listing_that_is_not_online_yet(client, seller, leaf, douala, status):
    product = f.product(seller=seller, category_=leaf, city_=douala, status=status, images=1, title="Canapé 3 places",
                        price=25_000)
    f.sign_in(client, seller)
    preview = f"/compte/annonces/{product.public_id}/apercu"
    assert preview in text(client.get("/compte/annonces"))
    assert preview in text(client.get(f"/compte/annonces/{product.public_id}"))

    response = client.get(preview)
    page = text(response)
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    assert "Aperçu — pas encore en ligne" in page and "Canapé 3 places" in page and "FCFA" in page
    assert "25" in page.split("FCFA")[0][-12:]
    assert "Ajouter au panier</button>" not in page and "/panier/ajouter" not in page
    assert db.session.get(Product, product.id).view_count == 0
    assert client.get(f"/p/{product.public_id}").status_code == 404  # the public page stays closed


def test_a_preview_is_404_for_other_people_and_asks_the_anonymous_to_sign_in(client, app, seller, leaf, douala):
    product = f.product(seller=seller, category_=leaf, city_=douala, status=S.PENDING, images=1)
    preview = f"/compte/annonces/{product.public_id}/apercu"
    anonymous = client.get(preview)
    assert anonymous.status_code in (302, 303) and "Aperçu" not in text(anonymous)
    assert client.get(f"/p/{product.public_id}").status_code == 404

    f.sign_in(client, f.user(phone_verified_at=utcnow()))
    assert client.get(preview).status_code == 404
    assert client.get(f"/p/{product.public_id}").status_code == 404
