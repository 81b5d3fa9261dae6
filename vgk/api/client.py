"""What a signed-in client does from the app: their listings (with photo uploads), purchases and
sales, reviews, favourites, profile and password, wallet and payouts, in-app notifications.

Thin over the same services as the web pages (vgk.web.sell, vgk.web.account): another client's
listing, order or order line is a 404."""
from flask import request
from flask_babel import lazy_gettext as _l

from vgk.api import bp
from vgk.api.base import (
    api_client,
    api_signed_in,
    body,
    current_api_user,
    integer,
    ok,
    page_number,
    page_of,
    text,
)
from vgk.api.openapi import envelope, nullable, operation, page_envelope, page_param, query, ref, schemas
from vgk.api.schemas import (
    entry_json,
    listing_json,
    money,
    notification_json,
    order_json,
    payout_json,
    product_card_json,
    review_json,
    sale_json,
    user_json,
)
from vgk.edge import auth_limit
from vgk.errors import Invalid
from vgk.extensions import limiter
from vgk.models import Condition, ProductStatus
from vgk.services.accounts import passwords, personal
from vgk.services.catalogue import social
from vgk.services.commerce import orders, wallet
from vgk.services.messaging import inbox
from vgk.services.selling import listings

PER_PAGE = 20
STRING, INTEGER, BOOLEAN = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
TRUE, FALSE = ("true", "1", "on", "yes"), ("false", "0", "off", "no", "")

schemas(
    MyListing={"allOf": [ref("ProductDetail"), {
        "type": "object", "required": ["rejection_reason", "favourites"],
        "properties": {"rejection_reason": nullable(STRING), "favourites": INTEGER,
                       "submitted_at": nullable(STRING), "max_photos": INTEGER},
    }]},
    Sale={"type": "object", "required": ["id", "title", "quantity", "total", "seller_share", "order"], "properties": {
        "id": INTEGER, "title": STRING, "product_id": nullable(STRING), "unit_price": INTEGER, "quantity": INTEGER,
        "total": INTEGER, "commission": INTEGER, "seller_share": INTEGER, "seller_share_display": STRING,
        "received": BOOLEAN, "refused_reason": nullable(STRING),
        "order": {"type": "object", "required": ["reference", "status"], "properties": {
            "reference": STRING, "status": STRING, "created_at": STRING,
            "pickup_point": nullable(ref("PickupPoint"))}},
    }},
    Review={"type": "object", "required": ["id", "rating", "text"], "properties": {
        "id": INTEGER, "rating": {"type": "integer", "minimum": 1, "maximum": 5}, "text": STRING,
        "created_at": nullable(STRING)}},
    Money={"type": "object", "required": ["amount", "display"], "properties": {"amount": INTEGER, "display": STRING}},
    Payout={"type": "object", "required": ["id", "amount", "status"], "properties": {
        "id": STRING, "amount": ref("Money"), "phone": STRING,
        "status": {"enum": ["REQUESTED", "PAID", "REJECTED", "FAILED"]}, "note": STRING,
        "created_at": STRING, "decided_at": nullable(STRING)}},
    WalletEntry={"type": "object", "required": ["id", "amount", "kind", "label"], "properties": {
        "id": INTEGER, "amount": ref("Money"), "kind": {"enum": ["SALE", "PAYOUT", "PAYOUT_REVERSAL"]},
        "label": STRING, "note": STRING, "created_at": STRING}},
    Notification={"type": "object", "required": ["id", "kind", "message", "read", "created_at"], "properties": {
        "id": INTEGER, "kind": STRING, "message": STRING, "link": nullable(STRING),
        "read": BOOLEAN, "read_at": nullable(STRING), "created_at": STRING}},
)

LISTING_FIELDS = {
    "title": {"type": "string", "minLength": 5, "maxLength": 120},
    "description": {"type": "string", "maxLength": 5000},
    "category": {"type": "string", "maxLength": 80, "description": "leaf category slug (or its numeric id)"},
    "condition": {"enum": list(Condition.ALL)},
    "price": {"type": "integer", "minimum": 100, "maximum": 1_000_000_000, "description": "XAF"},
    "negotiable": BOOLEAN,
    "quantity": {"type": "integer", "minimum": 1, "maximum": 99},
    "city": {"type": "string", "maxLength": 60, "description": "city slug (or its numeric id)"},
}
PHOTOS = {"type": "array", "items": {"type": "string", "format": "binary"},
          "description": "JPEG, PNG, WebP or GIF files, checked by content (at most 8 per listing)"}
LISTING = envelope({"listing": ref("MyListing")})
UPLOAD = ("Photos are checked by their content: a file that is not an image, or an image above the pixel budget "
          "(`fields.image = too_large`), is a 400, a request too large a 413; 503 when too many photos are being "
          "processed at once (retry in a moment).")


def _me():
    return current_api_user()


# --- reading listing fields ---------------------------------------------------------------------

def _flag(data, name):
    value = data.get(name)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in TRUE + FALSE:
        return value.strip().lower() in TRUE
    raise Invalid(_l("Valeur invalide."), {name: "invalid"})


def _ref(data, name, max_length):
    """A category or city: its slug, or its numeric id (as the web form's slug or the model's id)."""
    value = data.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    value = text(data, name, max_length=max_length)
    return int(value) if value and value.isascii() and value.isdigit() else value


def _listing_fields(data):
    """The listing fields present in the body, read by type; a name that is not a listing field is a 400."""
    unknown = [name for name in data if name not in listings.FIELDS and name not in ("submit", "photos")]
    if unknown:
        raise Invalid(_l("Champ inconnu."), {str(name)[:40]: "unknown" for name in unknown[:10]})
    fields = {}
    for name in ("title", "description", "condition"):
        if name in data:
            fields[name] = text(data, name, max_length=5000) or ""
    for name in ("price", "quantity"):
        if name in data:
            fields[name] = integer(data, name, required=True)
    if "negotiable" in data:
        fields["negotiable"] = _flag(data, "negotiable")
    for name, max_length in (("category", 80), ("city", 60)):
        if name in data:
            fields[name] = _ref(data, name, max_length)
    return fields


def _photos():
    return [f.read() for f in request.files.getlist("photos") if f and f.filename]


# --- my listings --------------------------------------------------------------------------------

@bp.get("/client/listings/")
@api_client
@operation(
    "My listings", tag="client", ok=page_envelope(ref("MyListing")),
    params=[query("status", {"enum": list(ProductStatus.ALL)}, "only listings in this state"),
            page_param()],
)
def my_listings():
    status = text(request.args, "status", max_length=16)
    if status is not None and status not in ProductStatus.ALL:
        raise Invalid(_l("Valeur invalide."), {"status": "invalid"})
    page = page_number()
    found = listings.my_listings_page(_me(), status, page, PER_PAGE)
    return page_of([listing_json(p, n) for p, n in found.items], page=page, per_page=PER_PAGE, count=found.total,
                   endpoint="api.my_listings")


@bp.post("/client/listings/")
@api_client
@operation(
    "Put an item up for sale", tag="client", status=201, ok=LISTING, errors=(413, 503),
    description="Kept as a DRAFT, or sent to moderation at once with `submit=true` (then it needs a photo and a "
                "verified phone, or nothing is created). " + UPLOAD,
    multipart={"type": "object", "required": ["title", "price", "category", "city"], "properties": {
        **LISTING_FIELDS,
        "negotiable": {"type": "string", "enum": ["true", "false"]},
        "submit": {"type": "string", "enum": ["true", "false"]},
        "photos": PHOTOS,
    }},
)
def create_listing():
    data = body()
    fields = _listing_fields(data)
    submit = _flag(data, "submit") if "submit" in data else False
    product = listings.create(_me(), photos=_photos(), submit=submit, **fields)
    return ok(201, listing=listing_json(product))


@bp.get("/client/listings/<product_id>/")
@api_client
@operation("One of my listings", tag="client", ok=LISTING)
def my_listing(product_id):
    return ok(listing=listing_json(listings.get_own(_me(), product_id)))


@bp.patch("/client/listings/<product_id>/")
@api_client
@operation(
    "Edit one of my listings", tag="client", ok=LISTING, errors=(409,),
    description="Only the fields sent change. A change of title, description or category sends an ACTIVE "
                "listing back to moderation; price, quantity and negotiable do not.",
    body={"type": "object", "properties": LISTING_FIELDS},
)
def edit_listing(product_id):
    product = listings.update(_me(), product_id, **_listing_fields(body()))
    return ok(listing=listing_json(product))


@bp.post("/client/listings/<product_id>/photos/")
@api_client
@operation(
    "Add photos to one of my listings", tag="client", status=201, ok=LISTING, errors=(409, 413, 503),
    description="An ACTIVE listing goes back to moderation. " + UPLOAD,
    multipart={"type": "object", "required": ["photos"], "properties": {"photos": PHOTOS}},
)
def add_listing_photos(product_id):
    return ok(201, listing=listing_json(listings.add_photos(_me(), product_id, _photos())))


@bp.delete("/client/listings/<product_id>/photos/<image_id>/")
@api_client
@operation("Remove a photo from one of my listings", tag="client", ok=LISTING, errors=(409,),
           description="A published listing keeps at least one photo (400).")
def remove_listing_photo(product_id, image_id):
    return ok(listing=listing_json(listings.remove_photo(_me(), product_id, image_id)))


def _action(name, service, summary, description=""):
    def view(product_id):
        return ok(listing=listing_json(service(_me(), product_id)))

    view.__name__ = f"{name}_listing"
    view = operation(summary, tag="client", ok=LISTING, errors=(409,), description=description)(view)
    view = api_client(view)
    bp.post(f"/client/listings/<product_id>/{name}/")(view)
    return view


_action("submit", listings.submit, "Send a draft or refused listing to moderation",
        "It needs at least one photo and a verified phone (400 otherwise).")
_action("mark_sold", listings.mark_sold, "Mark one of my listings sold (sold elsewhere)")
_action("archive", listings.archive, "Take one of my listings off sale")
_action("relist", listings.relist, "Put an archived or sold listing back on sale (through moderation again)")


# --- purchases, sales, reviews ------------------------------------------------------------------

@bp.get("/client/orders/")
@api_client
@operation("My purchases, newest first", tag="client", ok=page_envelope(ref("Order")),
           params=[page_param()])
def my_orders():
    page = page_number()
    rows, count = orders.buyer_orders_page(_me(), page, PER_PAGE)
    return page_of([order_json(o) for o in rows], page=page, per_page=PER_PAGE, count=count,
                   endpoint="api.my_orders")


@bp.get("/client/orders/<order_id>/")
@api_client
@operation("One of my purchases with its history", tag="client", ok=envelope({"order": ref("Order")}),
           description="`order_id` is the order's `id` (its public id), not its reference.")
def my_order(order_id):
    return ok(order=order_json(orders.for_buyer_by_id(_me(), order_id), with_events=True))


@bp.get("/client/sales/")
@api_client
@operation("The items I sold, with their order's reference and state", tag="client", ok=page_envelope(ref("Sale")),
           params=[page_param()])
def my_sales():
    page = page_number()
    rows, count = orders.sales_page(_me(), page, PER_PAGE)
    return page_of([sale_json(item) for item in rows], page=page, per_page=PER_PAGE, count=count,
                   endpoint="api.my_sales")


@bp.post("/client/orders/<order_id>/items/<item_id>/review/")
@api_client
@operation(
    "Rate the seller of an item I received", tag="client", status=201, ok=envelope({"review": ref("Review")}),
    errors=(409,), description="Once per order line, after the order was collected or delivered (409 otherwise).",
    body={"type": "object", "required": ["rating"], "properties": {
        "rating": {"type": "integer", "minimum": 1, "maximum": 5}, "text": {"type": "string", "maxLength": 1000}}},
)
def review_item(order_id, item_id):
    data = body()
    review = social.review_order_item(_me(), order_id, item_id, integer(data, "rating", required=True),
                                      text(data, "text", max_length=5000) or "")
    return ok(201, review=review_json(review))


@bp.get("/client/favourites/")
@api_client
@operation("My favourite products, most recently liked first", tag="client", ok=page_envelope(ref("ProductCard")),
           params=[page_param()])
def my_favourites():
    page = page_number()
    found = social.favourites_page(_me(), page, PER_PAGE)
    return page_of([product_card_json(p, True) for p in found.items], page=page, per_page=PER_PAGE,
                   count=found.total, endpoint="api.my_favourites")


# --- profile ------------------------------------------------------------------------------------

PROFILE = envelope({"user": ref("User")})


@bp.get("/client/profile/")
@api_signed_in
@operation("My profile", tag="client", ok=PROFILE)
def profile():
    return ok(user=user_json(_me()))


@bp.patch("/client/profile/")
@api_signed_in
@operation(
    "Change my name, city or language", tag="client", ok=PROFILE,
    description="Only the fields sent change; `city: null` clears the city.",
    body={"type": "object", "properties": {
        "name": {"type": "string", "minLength": 2, "maxLength": 120},
        "city": nullable({"type": "string", "maxLength": 60}),
        "locale": {"enum": ["fr", "en"]},
    }},
)
def edit_profile():
    data = body()
    user = _me()
    name = text(data, "name", max_length=200) if "name" in data else user.name
    city = text(data, "city", max_length=60) if "city" in data else (user.city.slug if user.city else None)
    locale = text(data, "locale", max_length=5) if "locale" in data else user.locale
    if locale not in ("fr", "en"):
        raise Invalid(_l("Valeur invalide."), {"locale": "invalid"})
    return ok(user=user_json(personal.update_profile(user, name=name, city=city, locale=locale)))


@bp.post("/client/change_password/")
@limiter.limit(auth_limit)
@api_signed_in
@operation(
    "Change my password", tag="client", errors=(403, 429), ok=envelope({"message": STRING}),
    description="Other devices and apps are signed out; this token keeps working. An account made with Google "
                "sets its first password without `current_password`, within ten minutes of signing in or of "
                "`auth/reauthenticate/` (else 403 `reauth_required`).",
    body={"type": "object", "required": ["new_password"], "properties": {
        "current_password": {"type": "string", "maxLength": 200},
        "new_password": {"type": "string", "maxLength": 200}}},
)
def change_password():
    data = body()
    passwords.change_password(_me(), text(data, "current_password", max_length=200),
                             text(data, "new_password", required=True, max_length=200))
    return ok(message=str(_l("Mot de passe changé. Vos autres appareils ont été déconnectés.")))


# --- wallet -------------------------------------------------------------------------------------

@bp.get("/client/wallet/")
@api_client
@operation("My wallet: balance, money pending, recent ledger lines and payouts", tag="client", ok=envelope({
    "balance": ref("Money"), "pending": ref("Money"), "entries": {"type": "array", "items": ref("WalletEntry")},
    "payouts": {"type": "array", "items": ref("Payout")}}))
def my_wallet():
    user = _me()
    return ok(balance=money(wallet.balance(user)), pending=money(wallet.pending(user)),
              entries=[entry_json(e) for e in wallet.ledger(user, limit=50)],
              payouts=[payout_json(p) for p in wallet.payouts_of(user, limit=50)])


@bp.post("/client/payout/")
@api_client
@operation(
    "Ask for my balance to be sent to Mobile Money", tag="client", status=201, errors=(403,),
    ok=envelope({"payout": ref("Payout"), "message": STRING}),
    description="The amount (integer XAF) is held at once and sent after an admin's approval. "
                "`phone` defaults to the account's number. Money leaving the account needs the password (or a "
                "fresh second factor) given within ten minutes, at sign-in or with `auth/reauthenticate/`: "
                "else 403 `reauth_required` and nothing is held.",
    body={"type": "object", "required": ["amount"], "properties": {
        "amount": {"type": "integer", "minimum": 1}, "phone": {"type": "string", "maxLength": 40}}},
)
def request_payout():
    data = body()
    amount = integer(data, "amount", required=True)
    payout = wallet.request_payout(_me(), amount, text(data, "phone", max_length=40) or _me().phone)
    return ok(201, payout=payout_json(payout), message=str(_l(
        "Retrait de %(amount)s demandé : il sera envoyé après validation.", amount=money(payout.amount)["display"])))


# --- notifications ------------------------------------------------------------------------------

@bp.get("/client/notifications/")
@api_signed_in
@operation(
    "My notifications, newest first, and how many are unread; each message in the user's language of the "
    "moment (their profile's locale)", tag="client",
    ok={"allOf": [page_envelope(ref("Notification")),
                  {"type": "object", "required": ["unread"], "properties": {"unread": INTEGER}}]},
    params=[page_param()],
)
def my_notifications():
    page = page_number()
    user = _me()
    rows, count = inbox.page_for(user, page, PER_PAGE)
    response = page_of([notification_json(n) for n in rows], page=page, per_page=PER_PAGE, count=count,
                       endpoint="api.my_notifications")
    data = response.get_json()
    data["unread"] = inbox.unread_count(user)
    return ok(**{k: v for k, v in data.items() if k != "success"})


@bp.post("/client/notifications/read/")
@api_signed_in
@operation(
    "Mark notifications read (those listed, or all)", tag="client",
    ok=envelope({"marked": INTEGER, "unread": INTEGER}),
    body={"type": "object", "properties": {"ids": {"type": "array", "maxItems": 500, "items": INTEGER}}},
)
def read_notifications():
    data = body()
    ids = data.get("ids")
    user = _me()
    marked = inbox.mark_read(user, ids)
    return ok(marked=marked, unread=inbox.unread_count(user))
