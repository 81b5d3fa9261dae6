"""How domain objects look in JSON. Amounts are integer XAF with a display form ("25 000 FCFA");
ids are public ids; dates are ISO-8601 in UTC; image URLs are absolute."""
from flask_babel import get_locale

from vgk.services.catalogue import reference, social
from vgk.services.messaging import inbox
from vgk.services.selling import listings
from vgk.services.selling.media import image_url
from vgk.text import format_xaf
from vgk.urls import absolute_url


def iso(value):
    return value.isoformat() + "Z" if value is not None else None


def absolute(url):
    return absolute_url(url)


def money(amount):
    return {"amount": int(amount or 0), "display": format_xaf(amount or 0)}


def _locale():
    return str(get_locale() or "fr")


def city_json(city):
    if city is None:
        return None
    return {"slug": city.slug, "name": city.name, "region": city.region, "delivery_fee": city.delivery_fee}


def category_json(category):
    if category is None:
        return None
    return {"slug": category.slug, "name": category.name_for(_locale()), "icon": category.icon}


def pickup_point_json(point):
    if point is None:
        return None
    return {
        "id": point.public_id,
        "name": point.name,
        "address": point.address,
        "opening_hours": point.opening_hours,
        "phone": point.phone,
        "city": city_json(point.city),
    }


def image_json(image):
    return {
        "id": image.id,
        "thumb_url": absolute(image_url(image.thumb_key)),
        "url": absolute(image_url(image.large_key)),
        "width": image.width,
        "height": image.height,
    }


def seller_json(user):
    return {"id": user.public_id, "name": user.name}


def product_card_json(product, favourite=None):
    cover = product.cover
    data = {
        "id": product.public_id,
        "title": product.title,
        "price": product.price,
        "price_display": format_xaf(product.price),
        "negotiable": product.negotiable,
        "condition": product.condition,
        "status": product.status,
        "city": city_json(reference.city_of(product)),
        "category": category_json(reference.category_of(product)),
        "thumbnail_url": absolute(image_url(cover.thumb_key)) if cover else None,
        "created_at": iso(product.published_at or product.created_at),
    }
    if favourite is not None:
        data["is_favorite"] = bool(favourite)
    return data


def product_detail_json(product, favourite=None, rating=None):
    data = product_card_json(product, favourite)
    data.update({
        "description": product.description,
        "quantity": product.quantity,
        "view_count": product.view_count,
        "images": [image_json(image) for image in product.images],
        "seller": seller_json(product.seller),
    })
    if rating is not None:
        data["seller"]["rating"] = rating
    return data


def user_json(user):
    return {
        "id": user.public_id,
        "name": user.name,
        "email": user.email,
        "phone": user.phone,
        "phone_verified": user.phone_verified,
        "role": user.role,
        "locale": user.locale,
        "city": city_json(user.city),
        "two_factor": user.two_factor,
        "pickup_point": pickup_point_json(user.pickup_point),
        "created_at": iso(user.created_at),
    }


def order_item_json(item):
    return {
        "id": item.id,
        "product_id": item.product.public_id if item.product is not None else None,
        "title": item.title,
        "unit_price": item.unit_price,
        "quantity": item.quantity,
        "total": item.unit_price * item.quantity,
        "seller": seller_json(item.seller),
        "received": item.received_at is not None,
        "refused_reason": item.refused_reason,
    }


def order_json(order, *, with_events=False):
    data = {
        "id": order.public_id,
        "reference": order.reference,
        "status": order.status,
        "customer_name": order.customer_name,
        "customer_phone": order.customer_phone,
        "customer_email": order.customer_email,
        "fulfilment": order.fulfilment,
        "pickup_point": pickup_point_json(order.pickup_point),
        "delivery_city": city_json(order.delivery_city),
        "delivery_address": order.delivery_address,
        "payment_method": order.payment_method,
        "subtotal": order.subtotal,
        "delivery_fee": order.delivery_fee,
        "total": order.total,
        "total_display": format_xaf(order.total),
        "reserved_until": iso(order.reserved_until),
        "awaits_phone_check": order.awaits_phone_check,
        "created_at": iso(order.created_at),
        "paid_at": iso(order.paid_at),
        "items": [order_item_json(item) for item in order.items],
    }
    if with_events:
        data["events"] = [
            {"from_status": e.from_status, "to_status": e.to_status, "at": iso(e.created_at)} for e in order.events
        ]
    return data


def cart_json(view, session_key=None, suggested_pickup_point=None):
    """A cart view from the cart service: its lines (with any problem: sold, not enough stock) and subtotal,
    and the pickup point the checkout suggests for it (checkout.default_pickup_point)."""
    return {
        "session_key": session_key,
        "suggested_pickup_point": pickup_point_json(suggested_pickup_point),
        "count": view.count,
        "subtotal": view.subtotal,
        "subtotal_display": format_xaf(view.subtotal),
        "has_problems": bool(view.has_problems),
        "items": [
            {
                "product": product_card_json(line.product),
                "quantity": line.quantity,
                "total": line.total,
                "agreed_price": line.offer.amount if line.offer is not None else None,
                "agreed_note": line.agreed_note or None,
                "available": line.available,
                "problem": str(line.problem) if line.problem else None,
            }
            for line in view.lines
        ],
    }


# --- the same shapes, as OpenAPI component schemas --------------------------------------------

def _register():
    from vgk.api.openapi import nullable, ref, schemas

    string, integer, boolean = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
    schemas(
        Category={"type": "object", "required": ["slug", "name"],
                  "properties": {"slug": string, "name": string, "icon": string}},
        Image={"type": "object", "required": ["id", "thumb_url", "url"],
               "properties": {"id": integer, "thumb_url": string, "url": string, "width": integer, "height": integer}},
        Seller={"type": "object", "required": ["id", "name"], "properties": {
            "id": string, "name": string,
            "rating": {"type": "object", "properties": {"average": nullable({"type": "number"}), "count": integer}},
        }},
        ProductCard={"type": "object", "required": ["id", "title", "price", "price_display", "condition", "status"],
                     "properties": {
                         "id": string, "title": string, "price": {"type": "integer", "minimum": 0},
                         "price_display": string, "negotiable": boolean,
                         "condition": {"enum": ["NEUF", "COMME_NEUF", "BON", "ACCEPTABLE"]},
                         "status": {"enum": ["DRAFT", "PENDING", "ACTIVE", "REJECTED", "RESERVED", "SOLD", "ARCHIVED"]},
                         "city": nullable(ref("City")), "category": nullable(ref("Category")),
                         "thumbnail_url": nullable(string), "created_at": nullable(string),
                         "is_favorite": boolean,
                     }},
        ProductDetail={"allOf": [ref("ProductCard"), {
            "type": "object", "required": ["description", "images", "seller", "quantity"],
            "properties": {"description": string, "quantity": integer, "view_count": integer,
                           "images": {"type": "array", "items": ref("Image")}, "seller": ref("Seller")},
        }]},
    )
    _register_orders()




# --- a client's own things ---------------------------------------------------------------------

def listing_json(product, favourites=None):
    data = product_detail_json(product)
    data.update({
        "rejection_reason": product.rejection_reason,
        "favourites": social.favourite_count(product) if favourites is None else favourites,
        "submitted_at": iso(product.submitted_at),
        "max_photos": listings.MAX_PHOTOS,
    })
    return data

def _register_orders():
    from vgk.api.openapi import nullable, ref, schemas

    string, integer, boolean = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
    schemas(
        OrderItem={"type": "object", "required": ["id", "title", "unit_price", "quantity", "total"], "properties": {
            "id": integer, "product_id": nullable(string), "title": string, "unit_price": integer,
            "quantity": integer, "total": integer, "seller": ref("Seller"), "received": boolean,
            "refused_reason": nullable(string),
        }},
        Order={"type": "object", "required": ["id", "reference", "status", "total", "items"], "properties": {
            "id": string, "reference": string,
            "status": {"enum": ["PENDING_PAYMENT", "PAID", "AT_PICKUP", "READY", "COMPLETED", "OUT_FOR_DELIVERY",
                                "DELIVERED", "CANCELLED", "EXPIRED", "REFUNDED"]},
            "customer_name": string, "customer_phone": string, "customer_email": nullable(string),
            "fulfilment": {"enum": ["PICKUP", "DELIVERY"]}, "pickup_point": nullable(ref("PickupPoint")),
            "delivery_city": nullable(ref("City")), "delivery_address": nullable(string),
            "payment_method": {"enum": ["MTN_MOMO", "ORANGE_MONEY", "CARD", "CASH"]},
            "subtotal": integer, "delivery_fee": integer, "total": integer, "total_display": string,
            "reserved_until": nullable(string),
            "awaits_phone_check": {"type": "boolean", "description": "a guest's cash order waiting for the code "
                                   "sent by SMS (`visitor/confirm_order/`); until then held briefly, sellers not told"},
            "created_at": string, "paid_at": nullable(string),
            "items": {"type": "array", "items": ref("OrderItem")},
            "events": {"type": "array", "items": {"type": "object", "properties": {
                "from_status": nullable(string), "to_status": string, "at": string}}},
        }},
        Cart={"type": "object", "required": ["count", "subtotal", "items"], "properties": {
            "session_key": nullable(string), "count": integer, "subtotal": integer, "subtotal_display": string,
            "has_problems": boolean,
            "suggested_pickup_point": {**nullable(ref("PickupPoint")), "description": "the pickup point to "
                                       "preselect when ordering: in the city of most items, else the caller's "
                                       "city, else the first"},
            "items": {"type": "array", "items": {"type": "object", "required": ["product", "quantity"], "properties": {
                "product": ref("ProductCard"), "quantity": integer, "total": integer, "available": boolean,
                "problem": nullable(string), "agreed_price": nullable(integer), "agreed_note": nullable(string)}}},
        }},
    )


_register()



def sale_json(item):
    order = item.order
    return {
        "id": item.id, "title": item.title,
        "product_id": item.product.public_id if item.product is not None else None,
        "unit_price": item.unit_price, "quantity": item.quantity, "total": item.line_total,
        "commission": item.commission, "seller_share": item.seller_share,
        "seller_share_display": money(item.seller_share)["display"],
        "received": item.received_at is not None, "refused_reason": item.refused_reason,
        "order": {"reference": order.reference, "status": order.status, "created_at": iso(order.created_at),
                  "pickup_point": pickup_point_json(order.pickup_point)},
    }


def payout_json(payout):
    return {"id": payout.public_id, "amount": money(payout.amount), "phone": payout.phone, "status": payout.status,
            "note": payout.note or "", "created_at": iso(payout.created_at), "decided_at": iso(payout.decided_at)}


def entry_json(entry):
    """A wallet movement (vgk.services.commerce.wallet.LedgerLine); `label` says it in words."""
    return {"id": entry.id, "amount": money(entry.amount), "kind": entry.kind, "label": entry.label,
            "note": entry.note or "",
            "created_at": iso(entry.created_at)}


def notification_json(notice):
    return {"id": notice.id, "kind": notice.kind, "message": inbox.text(notice),
            "link": absolute(notice.link) if notice.link else None, "read": notice.read_at is not None,
            "read_at": iso(notice.read_at), "created_at": iso(notice.created_at)}


def review_json(review):
    return {"id": review.id, "rating": review.rating, "text": review.text or "", "created_at": iso(review.created_at)}
