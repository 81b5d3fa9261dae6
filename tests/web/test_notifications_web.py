"""The notifications page of the account (any signed-in user): newest first, the unread count in
the account navigation, "mark all read" with and without htmx, nobody else's notices."""
import re

from tests import factories as f
from tests.web.test_auth import post, text
from vgk.extensions import db
from vgk.models import Role, TwoFactor
from vgk.models.base import utcnow
from vgk.services.messaging import inbox

HTMX = {"HX-Request": "true"}


def told(user, *messages):
    for message in messages:
        inbox.notify(user, inbox.ORDER, message, link="/commande/VGK-TEST")
    db.session.commit()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/compte/notifications")
    assert response.status_code == 302 and "next=" in response.headers["Location"]


def test_the_page_lists_newest_first_and_the_nav_counts_unread(client, app):
    user, other = f.user(), f.user()
    told(user, "Première nouvelle", "Deuxième nouvelle")
    told(other, "Secret d'un autre")
    f.sign_in(client, user)
    page = text(client.get("/compte/notifications"))
    assert page.index("Deuxième nouvelle") < page.index("Première nouvelle")
    assert "Secret d'un autre" not in page and 'href="/commande/VGK-TEST"' in page
    nav = text(client.get("/compte"))
    assert 'href="/compte/notifications"' in nav and '<span class="badge"' in nav and ">2</span>" in nav


def test_mark_all_read_without_javascript(client, app):
    user, other = f.user(), f.user()
    told(user, "Une nouvelle")
    told(other, "Pour un autre")
    f.sign_in(client, user)
    response = post(client, "/compte/notifications/lues", page="/compte/notifications")
    assert response.status_code == 303 and response.headers["Location"].endswith("/compte/notifications")
    assert inbox.unread_count(user) == 0 and inbox.unread_count(other) == 1
    page = text(client.get("/compte/notifications"))
    assert "Une nouvelle" in page and "Tout marquer comme lu" not in page


def test_mark_all_read_with_htmx_returns_the_list_only(client, app):
    user = f.user()
    told(user, "Une nouvelle")
    f.sign_in(client, user)
    response = post(client, "/compte/notifications/lues", page="/compte/notifications", headers=HTMX)
    assert response.status_code == 200
    fragment = text(response)
    assert "<html" not in fragment and "Une nouvelle" in fragment
    assert inbox.unread_count(user) == 0
    # The menu's unread badge is replaced out of band, now without a count.
    oob = re.search(r'<a id="nav-notifications"[^>]*hx-swap-oob="true"[^>]*>(.*?)</a>', fragment, re.S)
    assert oob is not None and "badge" not in oob.group(1)


def test_staff_have_the_page_too_and_it_pages(client, app):
    staff = f.user(Role.STAFF, pickup_point=f.pickup_point(), two_factor=TwoFactor.SMS, phone_verified_at=utcnow())
    told(staff, *[f"nouvelle {n}" for n in range(25)])
    f.sign_in(client, staff)
    first = text(client.get("/compte/notifications"))
    assert "nouvelle 24" in first and "nouvelle 4<" not in first and "page=2" in first
    second = text(client.get("/compte/notifications?page=2"))
    assert "nouvelle 4" in second and "nouvelle 24" not in second
    assert client.get("/compte/notifications?page=abc").status_code == 200


def test_notices_follow_the_readers_language_and_old_ones_keep_their_text(client, app):
    from vgk.models import Notification

    seller = f.user(locale="fr")
    order = f.place_order(f.product("Radio", seller=seller))
    db.session.add(Notification(user_id=seller.id, kind=inbox.ORDER, message="Une ancienne nouvelle",
                                created_at=utcnow()))
    db.session.commit()
    f.sign_in(client, seller)
    page = text(client.get("/compte/notifications"))
    assert f"Vendu : « Radio » (commande {order.reference})." in page and "Une ancienne nouvelle" in page
    client.get("/langue/en")
    page = text(client.get("/compte/notifications"))
    assert f"Sold: « Radio » (order {order.reference})." in page and "Vendu" not in page
    assert "Une ancienne nouvelle" in page
    # "Mark all read" (htmx) answers the list in the same language.
    fragment = text(post(client, "/compte/notifications/lues", page="/compte/notifications", headers=HTMX))
    assert f"Sold: « Radio » (order {order.reference})." in fragment
