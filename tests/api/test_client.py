"""A client's account from the app: purchases and their history, sales, reviews, favourites,
profile and password, wallet and payouts, notifications; 401 without a token, 403 for the wrong
role, 404 for another client's order or order line."""
import pytest

from tests import factories as f
from vgk.extensions import db
from vgk.models import Role, TwoFactor, WalletEntry, WalletEntryKind
from vgk.models.base import utcnow
from vgk.services.commerce import pickup
from vgk.services.messaging import inbox


@pytest.fixture
def staff(app):
    return f.user(Role.STAFF, pickup_point=f.pickup_point(), two_factor=TwoFactor.SMS, phone_verified_at=utcnow())


@pytest.fixture
def admin(app):
    return f.user(Role.ADMIN, two_factor=TwoFactor.SMS, phone_verified_at=utcnow())


def completed_order(buyer, seller, title="Télé"):
    """A cash order the buyer collected (the seller brought the item, the buyer paid at the point)."""
    point = f.pickup_point()
    worker = f.user(Role.STAFF, pickup_point=point, two_factor=TwoFactor.SMS, phone_verified_at=utcnow())
    order = f.place_order(f.product(title, seller=seller, price=50_000), point=point, buyer=buyer)
    pickup.receive_item(worker, point, order.reference, order.items[0].id)
    pickup.hand_over(worker, point, order.reference, f.last_code("+237690555111"), cash_received=True)
    return order


CLIENT_ONLY = [("GET", "client/orders/"), ("GET", "client/orders/zzzz/"), ("GET", "client/sales/"),
               ("POST", "client/orders/zzzz/items/1/review/"), ("GET", "client/favourites/"),
               ("GET", "client/wallet/"), ("POST", "client/payout/")]
SIGNED_IN = [("GET", "client/profile/"), ("PATCH", "client/profile/"), ("POST", "client/change_password/"),
             ("GET", "client/notifications/"), ("POST", "client/notifications/read/")]


def test_no_token_is_401_and_staff_or_admin_are_403_on_client_only_endpoints(api, staff, admin):
    for method, path in CLIENT_ONLY + SIGNED_IN:
        assert api.call(method, path).status_code == 401, path
    for method, path in CLIENT_ONLY:
        for user in (staff, admin):
            assert api.call(method, path, user=user).status_code == 403, (path, user.role)
    for user in (staff, admin):
        assert api.get("client/profile/", user=user).get_json()["user"]["role"] == user.role
        assert api.get("client/notifications/", user=user).status_code == 200


def test_my_orders_and_one_with_its_history(api):
    buyer, seller = f.user(), f.user()
    order = completed_order(buyer, seller)
    f.place_order(f.product(), buyer=f.user())  # someone else's
    page = api.get("client/orders/", user=buyer).get_json()
    assert page["count"] == 1 and page["results"][0]["reference"] == order.reference
    assert page["next"] is None and page["previous"] is None
    detail = api.get(f"client/orders/{order.public_id}/", user=buyer).get_json()["order"]
    assert detail["status"] == "COMPLETED"
    assert [e["to_status"] for e in detail["events"]][0] == "PENDING_PAYMENT"
    assert api.get(f"client/orders/{order.public_id}/", user=seller).status_code == 404
    assert api.get(f"client/orders/{order.reference}/", user=buyer).status_code == 404
    assert api.get("client/orders/", user=buyer, query={"page": "x"}).status_code == 400


def test_orders_are_paginated(api, monkeypatch):
    monkeypatch.setitem(api.app.config, "MAX_UNPAID_ORDERS", 21)  # pagination, not the cap of unpaid orders
    buyer = f.user()
    for _ in range(21):
        f.place_order(f.product(), buyer=buyer)
    first = api.get("client/orders/", user=buyer).get_json()
    assert first["count"] == 21 and len(first["results"]) == 20 and first["next"].endswith("page=2")
    second = api.get("client/orders/", user=buyer, query={"page": 2}).get_json()
    assert len(second["results"]) == 1 and second["next"] is None and second["previous"]


def test_my_sales_show_the_order_reference_and_state(api):
    buyer, seller = f.user(), f.user()
    order = completed_order(buyer, seller, "Radio")
    sales = api.get("client/sales/", user=seller).get_json()
    assert sales["count"] == 1
    sale = sales["results"][0]
    assert sale["title"] == "Radio" and sale["order"]["reference"] == order.reference
    assert sale["order"]["status"] == "COMPLETED" and sale["seller_share"] == 45_000 and sale["received"] is True
    assert api.get("client/sales/", user=buyer).get_json()["count"] == 0


def test_review_of_a_received_item_once(api):
    buyer, seller = f.user(), f.user()
    order = completed_order(buyer, seller)
    item = order.items[0]
    path = f"client/orders/{order.public_id}/items/{item.id}/review/"
    for body, field in (({}, "rating"), ({"rating": 9}, "rating"), ({"rating": "x"}, "rating"),
                        ({"rating": 4, "text": "x" * 1001}, "text")):
        response = api.post(path, user=buyer, json=body)
        assert response.status_code == 400 and field in response.get_json()["error"]["fields"], body
    assert api.post(path, user=seller, json={"rating": 5}).status_code == 404
    other_order = completed_order(f.user(), seller)
    assert api.post(f"client/orders/{other_order.public_id}/items/{item.id}/review/", user=buyer,
                    json={"rating": 5}).status_code == 404
    response = api.post(path, user=buyer, json={"rating": 5, "text": "Parfait"})
    assert response.status_code == 201 and response.get_json()["review"]["rating"] == 5
    assert api.post(path, user=buyer, json={"rating": 4}).status_code == 409


def test_an_order_not_yet_received_cannot_be_reviewed(api):
    buyer = f.user()
    order = f.place_order(f.product(), buyer=buyer)
    response = api.post(f"client/orders/{order.public_id}/items/{order.items[0].id}/review/", user=buyer,
                        json={"rating": 5})
    assert response.status_code == 409


def test_favourites(api):
    from vgk.services.catalogue import social

    user = f.user()
    liked = f.product("Lampe")
    social.toggle_favourite(user, liked.public_id)
    social.toggle_favourite(f.user(), f.product().public_id)
    page = api.get("client/favourites/", user=user).get_json()
    assert page["count"] == 1 and page["results"][0]["id"] == liked.public_id
    assert page["results"][0]["is_favorite"] is True


def test_profile_read_and_partly_changed(api):
    douala = f.city("Douala", slug="douala")
    user = f.user(name="Awa Bello")
    response = api.patch("client/profile/", user=user, json={"city": "douala", "locale": "en"})
    profile = response.get_json()["user"]
    assert profile["name"] == "Awa Bello" and profile["city"]["slug"] == douala.slug and profile["locale"] == "en"
    response = api.patch("client/profile/", user=user, json={"name": "Awa B.", "city": None})
    assert response.get_json()["user"]["city"] is None and response.get_json()["user"]["name"] == "Awa B."
    for body, field in (({"name": "A"}, "name"), ({"city": "nowhere"}, "city"), ({"locale": "de"}, "locale"),
                        ({"name": 3.5}, "name")):
        response = api.patch("client/profile/", user=user, json=body)
        assert response.status_code == 400 and field in response.get_json()["error"]["fields"], body


def test_change_password_keeps_this_token_and_signs_out_the_others(api):
    user = f.user(password="old-secret-pass-1")
    other_device = f.api_token(user)
    token = f.api_token(user)
    wrong = api.post("client/change_password/", token=token,
                     json={"current_password": "nope", "new_password": "new-secret-pass-2"})
    assert wrong.status_code == 400 and wrong.get_json()["error"]["fields"] == {"current_password": "wrong"}
    weak = api.post("client/change_password/", token=token,
                    json={"current_password": "old-secret-pass-1", "new_password": "abc"})
    assert weak.status_code == 400
    assert api.post("client/change_password/", token=token, json={}).status_code == 400
    done = api.post("client/change_password/", token=token,
                    json={"current_password": "old-secret-pass-1", "new_password": "new-secret-pass-2"})
    assert done.status_code == 200
    assert api.get("client/profile/", token=token).status_code == 200
    assert api.get("client/profile/", token=other_device).status_code == 401


def test_wallet_and_payout_request(api):
    seller = f.user()
    db.session.add(WalletEntry(user_id=seller.id, amount=30_000, kind=WalletEntryKind.SALE, note="vente"))
    db.session.commit()
    wallet = api.get("client/wallet/", user=seller).get_json()
    assert wallet["balance"] == {"amount": 30_000, "display": wallet["balance"]["display"]}
    assert "30" in wallet["balance"]["display"] and len(wallet["entries"]) == 1 and wallet["payouts"] == []
    for body, field in (({}, "amount"), ({"amount": "x"}, "amount"), ({"amount": 10}, "amount"),
                        ({"amount": 50_000}, "amount"), ({"amount": 5_000, "phone": "123"}, "phone")):
        response = api.post("client/payout/", user=seller, json=body)
        assert response.status_code == 400 and field in response.get_json()["error"]["fields"], body
    response = api.post("client/payout/", user=seller, json={"amount": 20_000, "phone": "670000111"})
    assert response.status_code == 201
    payout = response.get_json()["payout"]
    assert payout["amount"]["amount"] == 20_000 and payout["status"] == "REQUESTED"
    wallet = api.get("client/wallet/", user=seller).get_json()
    assert wallet["balance"]["amount"] == 10_000 and wallet["payouts"][0]["id"] == payout["id"]


def test_wallet_says_what_is_pending_and_labels_lines_in_words(api):
    seller = f.user()
    order = f.place_order(f.product("Téléphone Samsung", price=50_000, seller=seller))  # cash, not collected
    item = order.items[0]
    db.session.add(WalletEntry(user_id=seller.id, amount=item.seller_share, kind=WalletEntryKind.SALE,
                               order_item_id=item.id, note=order.reference))
    db.session.commit()
    other = f.place_order(f.product("Radio", price=10_000, seller=seller))
    wallet = api.get("client/wallet/", user=seller).get_json()
    assert wallet["pending"]["amount"] == other.items[0].seller_share == 9_000
    assert wallet["entries"][0]["label"] == f"Vente — Commande {order.reference} — Téléphone Samsung"


def test_notifications_are_read_in_the_users_language_of_the_moment(api):
    seller = f.user(locale="fr")
    order = f.place_order(f.product("Radio", seller=seller))
    [notice] = api.get("client/notifications/", user=seller).get_json()["results"]
    assert notice["message"].startswith(f"Vendu : « Radio » (commande {order.reference}).")
    assert api.patch("client/profile/", user=seller, json={"locale": "en"}).status_code == 200
    [notice] = api.get("client/notifications/", user=seller).get_json()["results"]
    assert notice["message"].startswith(f"Sold: « Radio » (order {order.reference}).")


def test_notifications_list_and_read(api):
    user, other = f.user(), f.user()
    mine = [inbox.notify(user, inbox.ORDER, f"message {n}", link="/commande/X") for n in range(3)]
    theirs = inbox.notify(other, inbox.ORDER, "pas à vous")
    db.session.commit()
    page = api.get("client/notifications/", user=user).get_json()
    assert page["count"] == 3 and page["unread"] == 3
    assert page["results"][0]["message"] == "message 2" and page["results"][0]["link"].endswith("/commande/X")
    response = api.post("client/notifications/read/", user=user, json={"ids": [mine[0].id, theirs.id]})
    assert response.get_json() == {"success": True, "marked": 1, "unread": 2}
    assert api.post("client/notifications/read/", user=user, json={"ids": ["x"]}).status_code == 400
    assert api.post("client/notifications/read/", user=user, json={"ids": 3}).status_code == 400
    assert api.post("client/notifications/read/", user=user, json={}).get_json()["unread"] == 0
    assert api.get("client/notifications/", user=other).get_json()["unread"] == 1
