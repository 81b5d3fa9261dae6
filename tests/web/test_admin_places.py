"""Administration of places (city delivery fees, pickup points) and of the category tree."""
import pytest

from tests import factories as f
from tests.web.test_admin_users import csrf
from vgk.extensions import db
from vgk.models import Category, City, PickupPoint, Role, TwoFactor
from vgk.models.base import utcnow


@pytest.fixture
def admin(app, client):
    user = f.user(Role.ADMIN, name="Admin Kamer", two_factor=TwoFactor.SMS, phone_verified_at=utcnow())
    f.sign_in(client, user)
    return user


def post(client, url, **data):
    return client.post(url, data={"csrf_token": csrf(client, "/admin"), **data})


def fresh(model, key):
    db.session.expire_all()
    return db.session.get(model, key)


def test_the_page_lists_cities_and_points(client, admin):
    point = f.pickup_point(f.city("Douala", delivery_fee=1_500), name="Point relais Akwa")
    html = client.get("/admin/lieux").get_data(as_text=True)
    assert "Douala" in html and "Point relais Akwa" in html and 'value="1500"' in html
    assert f'id="point-{point.public_id}"' in html


def test_delivery_fee_set_and_cleared(client, admin):
    city = f.city("Bafoussam")
    assert post(client, f"/admin/villes/{city.id}", delivery_fee="2 000").status_code == 302
    assert fresh(City, city.id).delivery_fee == 2_000
    assert post(client, f"/admin/villes/{city.id}", delivery_fee="").status_code == 302
    assert fresh(City, city.id).delivery_fee is None
    response = post(client, f"/admin/villes/{city.id}", delivery_fee="beaucoup")
    assert response.status_code == 400 and "Frais de livraison invalides" in response.get_data(as_text=True)
    assert post(client, "/admin/villes/999999", delivery_fee="1").status_code == 404


def test_create_update_and_deactivate_a_point(client, admin):
    city = f.city("Garoua")
    response = post(client, "/admin/points", city=str(city.id), name="Point relais Garoua centre",
                    address="Avenue Ahidjo, face marché", opening_hours="Lun-Sam 8h-18h", phone="690 11 22 33")
    assert response.status_code == 302
    point = db.session.query(PickupPoint).filter_by(name="Point relais Garoua centre").one()
    assert (point.city_id, point.phone, point.is_active) == (city.id, "+237690112233", True)
    response = post(client, f"/admin/points/{point.public_id}", city=str(city.id), name="Point relais Garoua",
                    address="Avenue Ahidjo", opening_hours="", phone="")
    assert response.status_code == 302
    assert fresh(PickupPoint, point.id).name == "Point relais Garoua"
    assert post(client, f"/admin/points/{point.public_id}/desactiver").status_code == 302
    assert fresh(PickupPoint, point.id).is_active is False
    assert post(client, f"/admin/points/{point.public_id}/desactiver").status_code == 409


def test_point_validation_errors(client, admin):
    response = post(client, "/admin/points", city="", name="X", address="", phone="123")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choisissez une ville" in html and "au moins 3 caractères" in html and "Numéro de téléphone invalide" in html
    assert db.session.query(PickupPoint).count() == 0
    assert post(client, "/admin/points/inconnu", city="1", name="abc", address="abcde").status_code == 404


def test_categories_create_and_rename(client, admin):
    parent = f.category("Maison", slug="maison")
    html = client.get("/admin/categories").get_data(as_text=True)
    assert "Maison" in html and "maison" in html
    response = post(client, "/admin/categories", parent=str(parent.id), slug="electromenager",
                    name_fr="Électroménager", name_en="Home appliances")
    assert response.status_code == 302
    child = db.session.query(Category).filter_by(slug="electromenager").one()
    assert (child.parent_id, child.name_fr, child.name_en) == (parent.id, "Électroménager", "Home appliances")
    assert post(client, f"/admin/categories/{child.id}", name_fr="Gros électroménager",
                name_en="Large appliances").status_code == 302
    assert fresh(Category, child.id).name_fr == "Gros électroménager"


def test_category_validation_errors(client, admin):
    f.category("Maison", slug="maison")
    response = post(client, "/admin/categories", slug="maison", name_fr="", name_en="Home", parent="99999")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "déjà utilisé" in html and "nom en français" in html and "parente introuvable" in html
    response = post(client, "/admin/categories", slug="Pas Bon!", name_fr="Bon", name_en="Good")
    assert response.status_code == 400 and "Identifiant invalide" in response.get_data(as_text=True)
    category = db.session.query(Category).filter_by(slug="maison").one()
    assert post(client, f"/admin/categories/{category.id}", name_fr="", name_en="").status_code == 400
    assert fresh(Category, category.id).name_fr == "Maison"


def test_non_admins_get_403(client):
    f.sign_in(client, f.user(Role.CLIENT))
    assert client.get("/admin/lieux").status_code == 403
    assert client.get("/admin/categories").status_code == 403
