"""Categories reordered (up and down among their siblings, in place with htmx) and retired: a retired
category leaves the browse menu and the listing form, its listings stay visible, and it can be restored."""
import json

import pytest
from sqlalchemy import select

from tests import factories as f
from tests.web.test_admin_places import admin  # noqa: F401
from tests.web.test_admin_users import csrf
from vgk.extensions import db
from vgk.models import AuditEntry, Category, Role
from vgk.models.base import utcnow
from vgk.services.catalogue import catalog
from vgk.services.selling import listings


@pytest.fixture
def tree(app):
    home = f.category("Maison", slug="maison")
    phones = f.category("Téléphones", slug="telephones")
    fridges = f.category("Frigos", slug="frigos", parent=home)
    chairs = f.category("Chaises", slug="chaises", parent=home)
    return {"home": home, "phones": phones, "fridges": fridges, "chairs": chairs}


def post(client, url, htmx=False, **data):
    headers = {"HX-Request": "true", "HX-Target": "category-list"} if htmx else {}
    return client.post(url, data={"csrf_token": csrf(client, "/admin/categories"), **data}, headers=headers)


def order_of(html, *slugs):
    return sorted(slugs, key=lambda slug: html.index(f"<code>{slug}</code>"))


def test_moving_a_category_down_and_up_changes_the_order_visitors_see(client, admin, tree):
    assert [c.slug for c in catalog.category_tree()] == ["maison", "telephones"]
    response = post(client, f"/admin/categories/{tree['home'].id}/deplacer", direction="down")
    assert response.status_code == 302
    db.session.expire_all()
    assert [c.slug for c in catalog.category_tree()] == ["telephones", "maison"]
    html = client.get("/admin/categories").get_data(as_text=True)
    assert order_of(html, "maison", "telephones") == ["telephones", "maison"]
    assert "Catégorie « Maison » déplacée." in html
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "category.move")).one()
    assert json.loads(entry.after) == {"position": 1}
    # a subcategory moves among its siblings only
    assert post(client, f"/admin/categories/{tree['fridges'].id}/deplacer", direction="up").status_code == 302
    db.session.expire_all()
    home = next(c for c in catalog.category_tree() if c.slug == "maison")
    assert [c.slug for c in home.children] == ["frigos", "chaises"]


def test_a_move_with_htmx_answers_the_list_alone(client, admin, tree):
    response = post(client, f"/admin/categories/{tree['phones'].id}/deplacer", htmx=True, direction="up")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith('<div id="category-list">')
    assert "<html" not in html and "Catégorie « Téléphones » déplacée." in html
    assert order_of(html, "maison", "telephones") == ["telephones", "maison"]
    response = post(client, f"/admin/categories/{tree['phones'].id}/deplacer", htmx=True, direction="up")
    assert response.status_code == 409 and "déjà en première ou dernière place" in response.get_data(as_text=True)
    assert post(client, f"/admin/categories/{tree['phones'].id}/deplacer", direction="sideways").status_code == 400
    assert post(client, "/admin/categories/999999/deplacer", direction="up").status_code == 404


def test_a_retired_category_leaves_the_menu_and_the_listing_form_but_keeps_its_listings(client, admin, tree):
    listed = f.product("Frigo Samsung", category_=tree["fridges"])
    assert post(client, f"/admin/categories/{tree['fridges'].id}/retirer").status_code == 302
    db.session.expire_all()
    home = next(c for c in catalog.category_tree() if c.slug == "maison")
    assert [c.slug for c in home.children] == ["chaises"]
    assert "frigos" not in [c.slug for c in listings.leaf_categories()]
    menu = client.get("/produits").get_data(as_text=True)
    assert 'value="chaises"' in menu and 'value="frigos"' not in menu
    assert "Frigo Samsung" in client.get("/produits?category=frigos").get_data(as_text=True)
    seller = f.user(phone_verified_at=utcnow())
    f.sign_in(client, seller)
    sell_form = client.get("/compte/annonces/nouvelle").get_data(as_text=True)
    assert 'value="chaises"' in sell_form and 'value="frigos"' not in sell_form
    product_page = client.get(f"/p/{listed.public_id}")
    assert product_page.status_code == 200 and "Frigo Samsung" in product_page.get_data(as_text=True)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "category.retire")).one()
    assert (json.loads(entry.before), json.loads(entry.after)) == ({"retired": False}, {"retired": True})


def test_retiring_a_parent_hides_its_subcategories_from_the_listing_form(app, tree):
    admin = f.user(Role.ADMIN)
    from vgk.services.backoffice import places

    places.set_retired(admin, tree["home"], True)
    assert [c.slug for c in catalog.category_tree()] == ["telephones"]
    assert {c.slug for c in listings.leaf_categories()} == {"telephones"}


def test_a_retired_category_can_be_restored(client, admin, tree):
    post(client, f"/admin/categories/{tree['phones'].id}/retirer")
    html = client.get("/admin/categories").get_data(as_text=True)
    assert "Retirée le" in html and "Remettre en service" in html
    assert post(client, f"/admin/categories/{tree['phones'].id}/retirer").status_code == 409
    response = post(client, f"/admin/categories/{tree['phones'].id}/remettre", htmx=True)
    assert response.status_code == 200 and "remise en service" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Category, tree["phones"].id).retired_at is None
    assert "telephones" in [c.slug for c in catalog.category_tree()]
    journal = client.get("/admin/journal").get_data(as_text=True)
    assert "Catégorie retirée" in journal and "Catégorie remise en service" in journal
    assert "Retirée : Oui → Non" in journal


def test_non_admins_cannot_reorder_or_retire(app, client, tree):
    f.sign_in(client, f.user())
    token = csrf(client, "/compte")
    for action in ("deplacer", "retirer", "remettre"):
        url = f"/admin/categories/{tree['phones'].id}/{action}"
        assert client.post(url, data={"csrf_token": token, "direction": "up"}).status_code in (403, 404)
    db.session.expire_all()
    assert db.session.get(Category, tree["phones"].id).retired_at is None
