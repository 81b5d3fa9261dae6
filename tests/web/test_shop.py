"""The buyer's path over HTTP with CSRF on: cart, checkout (guest and client), the order page's
privacy, server-side prices, tracking, cart merge at sign-in, and the client's orders, sales, wallet."""
import re

from sqlalchemy import func, select

from tests import factories as f
from tests.web.test_auth import location, login, post, text
from vgk.extensions import db
from vgk.models import Order, Payout, ProductStatus, WalletEntry, WalletEntryKind
from vgk.models.base import utcnow
from vgk.services.commerce import cart as carts

HX = {"HX-Request": "true"}


def add(client, product, quantity=1, headers=None):
    return post(client, "/panier/ajouter", {"product": product.public_id, "quantity": str(quantity)},
                page=f"/p/{product.public_id}", headers=headers or {})


def checkout(client, point=None, **overrides):
    data = {"name": "Awa Bello", "phone": "6 90 55 51 11", "email": "", "fulfilment": "PICKUP",
            "pickup_point_id": str(point.id) if point else "", "payment_method": "CASH", **overrides}
    return post(client, "/commande", data, page="/commande")


def the_order():
    db.session.expire_all()
    return db.session.scalar(select(Order).order_by(Order.id.desc()))


def order_count():
    return db.session.scalar(select(func.count()).select_from(Order))


# --- cart ------------------------------------------------------------------------------------------

def test_add_to_cart_with_htmx_returns_a_fragment_and_the_count_out_of_band(client):
    item = f.product("Radio", price=8_000, quantity=3)
    page = text(client.get(f"/p/{item.public_id}"))
    assert "Ajouter au panier" in page and 'id="cart-count"' in page

    response = add(client, item, 2, headers=HX)
    html = text(response)
    assert response.status_code == 200
    assert "<html" not in html and "Article ajouté au panier." in html
    assert re.search(r'<span id="cart-count"[^>]*hx-swap-oob="true"[^>]*>2</span>', html)
    assert re.search(r'<span id="cart-count"[^>]*>2</span>', text(client.get("/")))


def test_add_to_cart_without_js_redirects_to_the_cart(client):
    item = f.product("Radio", price=8_000)
    response = add(client, item)
    assert response.status_code == 303 and location(response) == "/panier"
    page = text(client.get("/panier"))
    assert "Radio" in page and "8 000 FCFA" in page and "Commander" in page


def test_adding_more_than_the_stock_or_an_unknown_product_is_refused(client):
    item = f.product("Radio", quantity=1)
    assert add(client, item, 2).status_code == 400
    response = post(client, "/panier/ajouter", {"product": "nope", "quantity": "1"}, page="/panier", headers=HX)
    assert response.status_code == 404 and "cart-count" in text(response)


def test_change_quantity_and_remove(client):
    item = f.product("Chaise", price=5_000, quantity=5)
    add(client, item)
    response = post(client, f"/panier/{item.public_id}/quantite", {"quantity": "3"}, page="/panier")
    assert response.status_code == 303
    assert "15 000 FCFA" in text(client.get("/panier"))
    assert post(client, f"/panier/{item.public_id}/quantite", {"quantity": "9"}, page="/panier").status_code == 400
    assert post(client, f"/panier/{item.public_id}/quantite", {"quantity": "abc"}, page="/panier").status_code == 400
    response = post(client, f"/panier/{item.public_id}/retirer", page="/panier")
    assert response.status_code == 303
    assert "Votre panier est vide." in text(client.get("/panier"))
    assert post(client, f"/panier/{item.public_id}/retirer", page="/panier").status_code == 404


def test_an_item_sold_meanwhile_is_flagged_not_counted_and_checkout_refuses(client):
    sold, kept = f.product("Lampe", price=5_000), f.product("Table", price=20_000)
    add(client, sold), add(client, kept)
    sold.status = ProductStatus.SOLD
    sold.quantity = 0
    db.session.commit()
    page = text(client.get("/panier"))
    assert "Lampe" in page and "plus disponible" in page
    assert "Sous-total : <strong>20 000 FCFA</strong>" in page
    response = checkout(client, f.pickup_point())
    assert response.status_code == 409 and "plus disponible" in text(response)
    assert order_count() == 0
    post(client, f"/panier/{sold.public_id}/retirer", page="/panier")
    assert checkout(client, f.pickup_point()).status_code == 303
    assert the_order().total == 20_000


# --- checkout --------------------------------------------------------------------------------------

def test_guest_cash_checkout_shows_the_order_to_that_guest_only(app, client):
    item = f.product("Vélo", price=45_000)
    point = f.pickup_point(opening_hours="Lun-Sam 8h-18h")
    add(client, item)
    form = text(client.get("/commande"))
    assert point.name in form and "45 000 FCFA" in form and "optgroup" in form
    response = checkout(client, point)
    order = the_order()
    assert response.status_code == 303 and location(response) == f"/commande/{order.reference}"
    assert order.buyer_id is None and order.total == 45_000 and order.customer_phone == "+237690555111"
    page = text(client.get(location(response)))
    assert order.reference in page and "En attente de paiement" in page and "espèces" in page
    assert point.address in page and "Lun-Sam 8h-18h" in page and "Historique" in page
    assert f.outbox("+237690555111")  # SMS with the handover code

    stranger = app.test_client()
    f.sign_in(stranger, f.user())
    assert stranger.get(f"/commande/{order.reference}").status_code == 404
    assert app.test_client().get(f"/commande/{order.reference}").status_code == 404


def test_client_checkout_is_prefilled_and_the_order_is_theirs(app, client):
    buyer = f.user(name="Jean Fotso", phone="+237690123456")
    f.sign_in(client, buyer)
    item = f.product("Montre", price=15_000)
    add(client, item)
    form = text(client.get("/commande"))
    assert 'value="Jean Fotso"' in form and "+237 690 12 34 56" in form
    response = checkout(client, f.pickup_point(), name="Jean Fotso", phone="690123456")
    order = the_order()
    assert response.status_code == 303 and order.buyer_id == buyer.id
    assert client.get(f"/commande/{order.reference}").status_code == 200
    mine = text(client.get("/compte/commandes"))
    assert order.reference in mine


def test_posted_prices_fees_and_commission_are_ignored(client):
    item = f.product("Frigo", price=120_000)
    add(client, item)
    response = checkout(client, f.pickup_point(), price="1", total="1", delivery_fee="0", commission="0",
                        subtotal="1", unit_price="1")
    order = the_order()
    assert response.status_code == 303
    assert (order.subtotal, order.total, order.delivery_fee) == (120_000, 120_000, 0)
    assert order.commission == 12_000 and order.items[0].unit_price == 120_000


def test_home_delivery_charges_the_city_fee_and_refuses_cash(client):
    douala = f.city("Douala", slug="douala-x", delivery_fee=1_500)
    yaounde = f.city("Yaoundé", slug="yaounde-x", delivery_fee=2_000)
    f.city("Garoua", slug="garoua-x")  # no delivery there
    item = f.product("Table", price=30_000)
    add(client, item)
    form = text(client.get("/commande"))
    assert "1 500 FCFA" in form and "2 000 FCFA" in form and "Garoua" not in form
    response = checkout(client, fulfilment="DELIVERY", delivery_city_id=str(douala.id),
                        delivery_address="Bonamoussadi, face pharmacie", payment_method="CASH")
    assert response.status_code == 400 and "espèces se fait au point relais" in text(response)
    assert order_count() == 0
    response = checkout(client, fulfilment="DELIVERY", delivery_city_id=str(yaounde.id),
                        delivery_address="Bastos, rue 1.234", payment_method="ORANGE_MONEY")
    order = the_order()
    assert response.status_code == 303
    assert (order.delivery_fee, order.total, order.delivery_city_id) == (2_000, 32_000, yaounde.id)


def test_bad_details_are_shown_under_the_fields(client):
    add(client, f.product())
    response = checkout(client, f.pickup_point(), phone="12", name="A")
    html = text(response)
    assert response.status_code == 400 and "fld-err" in html and order_count() == 0
    assert checkout(client, None).status_code == 400  # no pickup point chosen


def test_checkout_with_an_empty_cart_is_refused(client):
    assert "Votre panier est vide." in text(client.get("/commande"))
    response = checkout(client, f.pickup_point())
    assert response.status_code == 400 and order_count() == 0


# --- tracking --------------------------------------------------------------------------------------

def test_tracking_by_reference_and_phone(app, client):
    order = f.place_order(f.product("Sac"), phone="+237690555111")
    assert client.get(f"/commande/{order.reference}").status_code == 404
    wrong = post(client, "/suivi", {"reference": order.reference, "phone": "690555112"})
    assert wrong.status_code == 404 and "Aucune commande" in text(wrong)
    right = post(client, "/suivi", {"reference": order.reference.lower(), "phone": "6 90 55 51 11"})
    assert right.status_code == 303 and location(right) == f"/commande/{order.reference}"
    assert client.get(f"/commande/{order.reference}").status_code == 200


def test_tracking_is_rate_limited_per_ip(app, client):
    app.config["AUTH_RATE_LIMIT"] = "3 per minute"
    try:
        statuses = [post(client, "/suivi", {"reference": "VGK-AAAAAAA", "phone": "690555111"}).status_code
                    for _ in range(4)]
    finally:
        app.config["AUTH_RATE_LIMIT"] = "20 per minute; 200 per hour"
    assert statuses == [404, 404, 404, 429]


# --- sign-in merge ---------------------------------------------------------------------------------

def test_the_visitor_cart_joins_the_saved_cart_at_sign_in(client):
    buyer = f.user(phone="+237690000777")
    saved, visiting = f.product("Saved"), f.product("Visiting")
    f.cart_with(saved, user=buyer)
    add(client, visiting)
    response = login(client, "+237690000777")
    assert response.status_code in (302, 303)
    view = carts.view(user=buyer)
    assert sorted(line.product.title for line in view.lines) == ["Saved", "Visiting"]
    assert re.search(r'<span id="cart-count"[^>]*>2</span>', text(client.get("/panier")))


# --- the client's area -----------------------------------------------------------------------------

def _sale(seller, price):
    """A finished sale credited to the seller's wallet."""
    order = f.place_order(f.product(price=price, seller=seller))
    for item in order.items:
        db.session.add(WalletEntry(user_id=seller.id, amount=item.seller_share, kind=WalletEntryKind.SALE,
                                   order_item_id=item.id, note=order.reference))
    db.session.commit()
    return order


def test_wallet_shows_the_ledger_balance_and_validates_payout_requests(app, client):
    seller = f.user(phone_verified_at=utcnow())
    _sale(seller, 10_000), _sale(seller, 5_000)  # 9 000 + 4 500 after commission
    f.sign_in(client, seller)
    page = text(client.get("/compte/portefeuille"))
    assert "13 500 FCFA" in page
    too_small = post(client, "/compte/portefeuille", {"amount": "500", "phone": "690555111"})
    assert too_small.status_code == 400 and "minimum" in text(too_small)
    too_large = post(client, "/compte/portefeuille", {"amount": "20000", "phone": "690555111"})
    assert too_large.status_code == 400 and "insuffisant" in text(too_large)
    assert db.session.scalar(select(func.count()).select_from(Payout)) == 0
    ok = post(client, "/compte/portefeuille", {"amount": "10 000", "phone": "690555111"})
    assert ok.status_code == 303
    page = text(client.get("/compte/portefeuille"))
    assert "3 500 FCFA" in page and "Demandé" in page
    total = db.session.scalar(select(func.sum(WalletEntry.amount)).where(WalletEntry.user_id == seller.id))
    assert total == 3_500


def test_wallet_shows_money_pending_and_reads_its_lines_in_words(app, client):
    seller = f.user(phone_verified_at=utcnow())
    waiting = f.place_order(f.product("Téléphone Samsung", price=50_000, seller=seller))  # taken, not collected
    done = _sale(seller, 20_000)  # credited: 18 000
    db.session.add(Payout(user_id=seller.id, amount=5_000, phone="+237690555111"))
    db.session.flush()
    payout = db.session.scalar(select(Payout).where(Payout.user_id == seller.id))
    db.session.add(WalletEntry(user_id=seller.id, amount=-5_000, kind=WalletEntryKind.PAYOUT, payout_id=payout.id,
                               note=f"retrait {payout.public_id}"))
    db.session.commit()
    f.sign_in(client, seller)
    page = client.get("/compte/portefeuille").get_data(as_text=True)
    pending = re.search(r'id="wallet-pending">([^<]*)<', page).group(1)
    available = re.search(r'id="wallet-balance">([^<]*)<', page).group(1)
    assert (available, pending) == ("13 000 FCFA", "45 000 FCFA")  # 18 000 - 5 000; 50 000 less commission
    words = text(client.get("/compte/portefeuille"))
    assert f"Vente — Commande {done.reference} —" in words
    assert "Retrait vers +237 690 55 51 11" in words
    assert waiting.reference not in words  # not in the ledger until collected
    assert "PAYOUT" not in words and "SALE" not in words and "retrait " + payout.public_id not in words


def test_my_orders_and_my_sales_show_only_mine(app, client):
    me, other = f.user(), f.user()
    mine = f.place_order(f.product("Mon achat"), buyer=me)
    theirs = f.place_order(f.product("Leur achat"), buyer=other)
    sold = f.place_order(f.product("Ma vente", seller=me))
    f.place_order(f.product("Leur vente", seller=other))
    f.sign_in(client, me)
    orders_page = text(client.get("/compte/commandes"))
    assert mine.reference in orders_page and theirs.reference not in orders_page
    sales_page = text(client.get("/compte/ventes"))
    assert "Ma vente" in sales_page and sold.reference in sales_page and "Leur vente" not in sales_page
    assert client.get(f"/commande/{theirs.reference}").status_code == 404
    assert app.test_client().get("/compte/commandes").status_code == 302
