"""Discovery on the web: a visitor gets an anonymous id when they look at a product, the product page
shows similar items with reasons and what visitors also saw, the home page shows what is trending in the
visitor's city and loads "Pour vous", people turn their history off, admins read the searches."""
import re

from sqlalchemy import select

from tests import factories as f
from tests.web.test_admin_experiments import _admin
from vgk.extensions import db
from vgk.models import BehaviourEvent, Product
from vgk.services.discovery import build, events
from vgk.services.discovery.events import Person
from vgk.web.visitors import COOKIE, OFF


def visible(page):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def kept():
    return [(row.kind, row.visitor, row.user_id, row.product_id) for row in
            db.session.scalars(select(BehaviourEvent).order_by(BehaviourEvent.id))]


def cookie(client):
    found = client.get_cookie(COOKIE)
    return found.value if found else None


SAME_SITE = {"Origin": "http://localhost"}  # what a browser sends with app.js's request


def given_an_id(client, **headers):
    """What app.js does once a page has loaded: ask for a visitor id."""
    return client.post("/visiteur", headers={**SAME_SITE, **headers})


def test_a_visitor_gets_an_id_from_the_scripts_request_and_their_views_count_after(app, client):
    item = f.product("Frigo LG")
    for path in ("/", f"/p/{item.public_id}", "/produits?q=frigo"):  # pages are kept cookie-free
        response = client.get(path)
        assert response.status_code == 200 and "Set-Cookie" not in response.headers, path
    assert cookie(client) is None
    response = given_an_id(client)
    visitor = cookie(client)
    assert response.status_code == 204 and visitor and len(visitor) >= 16
    assert "HttpOnly" in response.headers["Set-Cookie"] and "SameSite=Lax" in response.headers["Set-Cookie"]
    assert "Set-Cookie" not in given_an_id(client).headers and cookie(client) == visitor  # one id, kept
    assert kept() == []  # a browser counts as a person once it sends its id back
    client.get(f"/p/{item.public_id}")
    client.get(f"/p/{item.public_id}")  # the same person again today: not counted twice
    assert kept() == [("view", visitor, None, item.id)]
    db.session.expire_all()
    assert db.session.get(Product, item.id).view_count == 2  # the first visit, then the person's


def test_reloading_or_minting_ids_does_not_inflate_views_or_trends(app, client):
    from vgk.services.discovery import events as recorded

    item = f.product()
    for _ in range(20):  # a robot that never keeps the cookie
        app.test_client().get(f"/p/{item.public_id}")
    for _ in range(5):
        client.get(f"/p/{item.public_id}", headers={"Sec-GPC": "1"})
    db.session.expire_all()
    assert db.session.get(Product, item.id).view_count == 1 and kept() == []
    for n in range(recorded.VISITORS_PER_ADDRESS + 10):  # ids sent back, all from one address
        minted = app.test_client()
        minted.set_cookie(COOKIE, f"minted-visitor-{n:08d}")
        minted.get(f"/p/{item.public_id}")
    people = {row[1] for row in kept()}
    assert len(people) == recorded.VISITORS_PER_ADDRESS
    db.session.expire_all()
    assert db.session.get(Product, item.id).view_count == 1 + recorded.VISITORS_PER_ADDRESS


def test_a_browser_asking_not_to_be_tracked_is_counted_but_not_kept(app, client):
    item = f.product()
    response = client.get(f"/p/{item.public_id}", headers={"Sec-GPC": "1"})
    assert response.status_code == 200 and COOKIE not in response.headers.get("Set-Cookie", "")
    for signal in ({"Sec-GPC": "1"}, {"DNT": "1"}):  # had app.js asked anyway, no id either
        response = given_an_id(client, **signal)
        assert response.status_code == 204 and "Set-Cookie" not in response.headers
    client.set_cookie(COOKIE, OFF)
    assert "Set-Cookie" not in given_an_id(client).headers and cookie(client) == OFF
    client.delete_cookie(COOKIE)
    assert kept() == []
    db.session.expire_all()
    assert db.session.get(Product, item.id).view_count == 1


def test_the_product_page_shows_similar_items_with_reasons_and_what_visitors_also_saw(app, client):
    douala = f.city("Douala", "douala")
    phones = f.category("Téléphones", "telephones")
    item = f.product("Samsung Galaxy A12", category_=phones, city_=douala, price=60_000)
    f.product("Samsung Galaxy A12 double SIM", category_=phones, city_=douala, price=62_000)
    lamp = f.product("Lampe de chevet", city_=douala)
    for n in range(3):
        events.record("view", Person(visitor=f"visitor-{n:016d}"), item.id)
        events.record("view", Person(visitor=f"visitor-{n:016d}"), lamp.id)
    build.rebuild()
    page = visible(client.get(f"/p/{item.public_id}").get_data(as_text=True))
    assert "Articles similaires" in page and "Samsung Galaxy A12 double SIM" in page
    assert "Même catégorie · à Douala · prix proche" in page
    assert "Les visiteurs ont aussi vu Lampe de chevet" in page
    client.get("/langue/en")
    page = visible(client.get(f"/p/{item.public_id}").get_data(as_text=True))
    assert "Same category · in Douala · similar price" in page and "Visitors also viewed" in page


def test_the_home_page_shows_the_trend_of_the_chosen_city_and_remembers_it(app, client):
    douala, yaounde = f.city("Douala", "douala", position=1), f.city("Yaoundé", "yaounde", position=2)
    f.product("Pagne wax", city_=douala)
    f.product("Moto Yamaha", city_=yaounde)
    for n in range(3):
        events.record("view", Person(visitor=f"visitor-{n:016d}"), db.session.scalar(
            select(Product.id).where(Product.title == "Moto Yamaha")))
    build.rebuild()
    page = visible(client.get("/").get_data(as_text=True))
    assert "Tendances à Douala Ville" in page and "Pagne wax" in page
    page = visible(client.get("/?ville=yaounde").get_data(as_text=True))
    assert "Tendances à Yaoundé" in page and page.rindex("Moto Yamaha") > page.index("Tendances à Yaoundé")
    assert "Tendances à Yaoundé" in visible(client.get("/").get_data(as_text=True))  # remembered
    assert "Tendances à Douala" in visible(client.get("/?ville=douala").get_data(as_text=True))
    assert client.get("/?ville=nowhere").status_code == 200


def test_pour_vous_is_private_and_the_home_page_loads_it_for_people_with_history(app, client):
    douala = f.city("Douala", "douala")
    seen = f.product("Télé Samsung", city_=douala)
    other = f.product("Télé LG", city_=douala)
    for n in range(3):
        events.record("view", Person(visitor=f"visitor-{n:016d}"), seen.id)
        events.record("view", Person(visitor=f"visitor-{n:016d}"), other.id)
    build.rebuild()
    assert 'hx-get="/pour-vous' not in client.get("/").get_data(as_text=True)
    given_an_id(client)
    client.get(f"/p/{seen.public_id}")
    client.get(f"/p/{seen.public_id}")
    assert 'hx-get="/pour-vous' in client.get("/").get_data(as_text=True)
    response = client.get("/pour-vous", headers={"HX-Request": "true"})
    fragment = visible(response.get_data(as_text=True))
    assert response.headers["Cache-Control"] == "no-store" and "<html" not in response.get_data(as_text=True)
    assert "Télé LG" in fragment and "Vu par ceux qui ont regardé « Télé Samsung »" in fragment
    assert "Télé Samsung" not in fragment.replace("« Télé Samsung »", "")


def test_a_visitor_turns_their_history_off_and_it_is_erased(app, client):
    item = f.product()
    given_an_id(client)
    client.get(f"/p/{item.public_id}")
    visitor = cookie(client)
    page = client.get("/pour-vous").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]*)"', page).group(1)
    response = client.post("/pour-vous/historique", data={"csrf_token": token, "use": "0"}, headers=SAME_SITE,
                           follow_redirects=True)
    assert "Votre historique est effacé" in response.get_data(as_text=True)
    assert cookie(client) == OFF and kept() == []
    client.get(f"/p/{item.public_id}")
    assert kept() == [] and visitor
    assert "Utiliser mon historique" in client.get("/pour-vous").get_data(as_text=True)


def test_a_client_turns_their_history_off(app, client):
    me, item = f.user(), f.product()
    f.sign_in(client, me)
    client.get(f"/p/{item.public_id}")
    assert kept() == [("view", None, me.id, item.id)]
    page = client.get("/pour-vous").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/pour-vous/historique", data={"csrf_token": token, "use": "0"})
    db.session.expire_all()
    assert kept() == [] and me.uses_history is False
    client.get(f"/p/{item.public_id}")
    assert kept() == []


def test_a_search_is_noted_with_its_result_count_and_admins_see_it(app, client):
    f.product("Frigo Haier")
    client.set_cookie(COOKIE, "visitor-who-searches-0001")
    client.get("/produits?q=frigo")
    client.get("/produits?q=frigo&page=2")  # the same search, further: not a new one
    client.get("/produits?q=zzzqqq")
    assert [(row.query, row.results) for row in db.session.scalars(
        select(BehaviourEvent).where(BehaviourEvent.kind == "search"))] == [("frigo", 1), ("zzzqqq", 0)]
    _admin(client)
    response = client.get("/admin/recherches?jours=7")
    page = visible(response.get_data(as_text=True))
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "Les plus fréquentes" in page and "frigo 1 1 1" in page
    assert "Prévision des ventes à 7 jours Pas encore évaluée" in page
    build.rebuild()
    page = visible(client.get("/admin/recherches").get_data(as_text=True))
    assert "La règle reste en service : pas encore assez de ventes pour juger un modèle." in page
    assert page.index("zzzqqq", page.index("Sans résultat")) and "frigo" not in page[page.index("Sans résultat"):]


def test_a_browser_asking_not_to_be_tracked_is_not_tracked_when_signed_in_either(app, client):
    me, item = f.user(), f.product()
    f.sign_in(client, me)
    gpc = {"Sec-GPC": "1"}
    page = client.get(f"/p/{item.public_id}", headers=gpc).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post(f"/p/{item.public_id}/favori", data={"csrf_token": token}, headers=gpc)
    assert kept() == []
    client.post(f"/p/{item.public_id}/favori", data={"csrf_token": token})  # unliked, then
    client.post(f"/p/{item.public_id}/favori", data={"csrf_token": token})  # liked without the signal
    assert [row[0] for row in kept()] == ["favourite"]


def test_the_history_switch_takes_only_0_or_1_and_a_visitor_can_erase_under_gpc(app, client):
    item = f.product()
    client.set_cookie(COOKIE, "visitor-with-history-0001")
    client.get(f"/p/{item.public_id}")
    page = client.get("/pour-vous", headers={"Sec-GPC": "1"}).get_data(as_text=True)
    assert "Votre navigateur demande à ne pas être suivi" in page and "Effacer l’historique de ce navigateur" in page
    token = re.search(r'name="csrf_token" value="([^"]*)"', page).group(1)
    for bad in ("2", "true", ""):
        assert client.post("/pour-vous/historique", data={"csrf_token": token, "use": bad},
                           headers=SAME_SITE).status_code == 400
    assert len(kept()) == 1
    client.post("/pour-vous/historique", data={"csrf_token": token, "use": "0"}, headers={"Sec-GPC": "1", **SAME_SITE})
    assert kept() == [] and cookie(client) == OFF


def test_signing_in_carries_the_visitors_choice_and_never_leaves_their_history_behind(app, client):
    from tests.web.test_auth import login

    item = f.product()
    quiet = f.user(phone="+237690001122")
    client.set_cookie(COOKIE, OFF)
    login(client, "+237690001122")
    db.session.expire_all()
    assert quiet.uses_history is False  # "no history" chosen on this phone holds for the account

    other = app.test_client()
    off = f.user(phone="+237690003344", uses_history=False)
    other.set_cookie(COOKIE, "visitor-before-signin-01")
    other.get(f"/p/{item.public_id}")
    assert len(kept()) == 1
    login(other, "+237690003344")
    assert kept() == [] and off.uses_history is False  # not adopted: erased


def test_a_history_turned_off_elsewhere_drops_the_events_still_waiting(app):
    app.config["DISCOVERY_FLUSH_SECONDS"] = 3600
    try:
        me, item = f.user(), f.product()
        events.record("view", events.person_of(me), item.id)
        me.uses_history = False  # in another process, say
        db.session.commit()
        events.flush()
        assert kept() == []
        db.session.expire_all()
        assert db.session.get(Product, item.id).view_count == 1
    finally:
        app.config["DISCOVERY_FLUSH_SECONDS"] = 0


def test_seen_together_never_repeats_the_similar_items(app, client):
    douala = f.city("Douala", "douala")
    item = f.product("Samsung Galaxy A12", city_=douala)
    alike = f.product("Samsung Galaxy A12 double SIM", category_=item.category, city_=douala)
    for n in range(3):
        events.record("view", Person(visitor=f"visitor-{n:016d}"), item.id)
        events.record("view", Person(visitor=f"visitor-{n:016d}"), alike.id)
    build.rebuild()
    page = visible(client.get(f"/p/{item.public_id}").get_data(as_text=True))
    assert "Articles similaires" in page and page.count("Samsung Galaxy A12 double SIM") == 1
    assert "Les visiteurs ont aussi vu" not in page


def test_the_public_home_page_never_shows_the_city_read_from_history_the_private_block_does(app, client):
    douala, kribi = f.city("Douala", "douala", position=1), f.city("Kribi", "kribi", position=2)
    f.product("Pagne wax", city_=douala)
    canoe = f.product("Pirogue", city_=kribi)
    client.set_cookie(COOKIE, "visitor-who-browses-kribi")
    client.get(f"/p/{canoe.public_id}")
    home = client.get("/")
    page = visible(home.get_data(as_text=True))
    assert "Tendances à Douala" in page and "Tendances à Kribi" not in page
    assert 'hx-get="/pour-vous?vue=douala"' in home.get_data(as_text=True)
    block = client.get("/pour-vous?vue=douala", headers={"HX-Request": "true"})
    html = block.get_data(as_text=True)
    assert block.headers["Cache-Control"] == "no-store"
    assert 'id="trending"' in html and 'hx-swap-oob="true"' in html and "Tendances à Kribi" in html
    assert 'hx-swap-oob' not in client.get("/pour-vous?vue=kribi", headers={"HX-Request": "true"}).get_data(
        as_text=True)
