"""Administration from the app: the dashboard figures, the user directory (suspend, reinstate), the
moderation queue (approve, reject) and sellers' payout requests (approve, reject).

Same rules as the admin pages (vgk.web.admin): ADMIN only, and only once the account has a second
factor. Every change is audited by its service (vgk.services.backoffice.directory for accounts,
vgk.services.commerce.wallet for payouts, vgk.services.selling.moderation for listings), exactly as on the web.
"""
from functools import wraps

from flask import request
from flask_babel import lazy_gettext as _l

from vgk.api import bp
from vgk.api.base import api_roles, body, current_api_user, ok, page_number, page_of
from vgk.api.openapi import envelope, nullable, operation, page_envelope, page_param, query, ref, schemas
from vgk.api.schemas import iso, product_card_json, seller_json, user_json
from vgk.edge import client_ip
from vgk.errors import Forbidden, Invalid
from vgk.labels import label
from vgk.models import OrderStatus, Role, UserStatus
from vgk.services.accounts import people
from vgk.services.backoffice import analytics, directory
from vgk.services.commerce import wallet
from vgk.services.selling import assist, judgements, moderation
from vgk.text import format_xaf

TAG = "admin"
PER_PAGE = 20


# --- who may call ----------------------------------------------------------------------------------

def admin_with_second_factor(view):
    """ADMIN with a second factor on the account (as the admin pages' admin_only).
    `.access` stays "ADMIN", as api_roles sets it."""

    @wraps(view)
    def second_factor_check(*args, **kwargs):
        if current_api_user().two_factor is None:
            raise Forbidden(_l("Activez d'abord la double authentification pour accéder à l'administration."))
        return view(*args, **kwargs)

    return api_roles(Role.ADMIN)(second_factor_check)


def _reason(data):
    """The optional free-text reason of a refusal (the service says when it is missing or too short)."""
    value = data.get("reason", "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Invalid(_l("Valeur invalide."), {"reason": "invalid"})
    return value[:1000]


# --- shapes ----------------------------------------------------------------------------------------

def admin_user_json(user):
    return {**user_json(user), "status": user.status, "last_login_at": iso(user.last_login_at)}


def queue_entry_json(product):
    return {
        **product_card_json(product),
        "description": product.description,
        "seller": seller_json(product.seller),
        "submitted_at": iso(product.submitted_at),
        "image_count": len(product.images),
        "flags": [
            {"code": code, "label": str(moderation.LABELS.get(code, code)),
             "explanation": str(moderation.EXPLANATIONS.get(code, ""))}
            for code in moderation.flag_list(product)
        ],
        "risk_score": product.risk_score,
        "risk_reasons": [{"code": code, "label": label(code, "risk_reason")}
                         for code in judgements.risk_reasons(product) if code in assist.RISK_REASONS],
    }


def payout_json(payout):
    return {
        "id": payout.public_id,
        "amount": payout.amount,
        "amount_display": format_xaf(payout.amount),
        "phone": payout.phone,
        "status": payout.status,
        "note": payout.note or None,
        "seller": seller_json(payout.user),
        "created_at": iso(payout.created_at),
        "decided_at": iso(payout.decided_at),
    }


def dashboard_json(figures):
    return {
        "days": figures.days,
        "since": iso(figures.since),
        "city": figures.city.slug if figures.city is not None else None,
        "gmv": figures.gmv,
        "gmv_display": format_xaf(figures.gmv),
        "orders": figures.orders,
        "orders_by_status": dict(figures.orders_by_status),
        "commission": figures.commission,
        "commission_display": format_xaf(figures.commission),
        "new_users": figures.new_users,
        "active_listings": figures.active_listings,
        "by_city": [
            {"slug": c.slug, "name": c.name, "gmv": c.gmv, "orders": c.orders, "commission": c.commission,
             "new_users": c.new_users, "active_listings": c.active_listings}
            for c in figures.by_city
        ],
        "daily": [{"day": d.day.isoformat(), "gmv": d.gmv, "orders": d.orders} for d in figures.daily],
    }


_int0 = {"type": "integer", "minimum": 0}
_string = {"type": "string"}
schemas(
    AdminUser={"allOf": [ref("User"), {
        "type": "object", "required": ["status"],
        "properties": {"status": {"enum": list(UserStatus.ALL)}, "last_login_at": nullable(_string)},
    }]},
    AdminQueueEntry={"allOf": [ref("ProductCard"), {
        "type": "object", "required": ["description", "seller", "flags"],
        "properties": {
            "description": _string, "seller": ref("Seller"), "submitted_at": nullable(_string),
            "image_count": _int0,
            "flags": {"type": "array", "items": {
                "type": "object", "required": ["code", "label", "explanation"],
                "properties": {"code": {"enum": list(moderation.FLAGS)}, "label": _string, "explanation": _string},
            }},
            "risk_score": nullable({"type": "integer", "minimum": 0, "maximum": 100}),
            "risk_reasons": {"type": "array", "items": {
                "type": "object", "required": ["code", "label"],
                "properties": {"code": {"enum": list(assist.RISK_REASONS)}, "label": _string},
            }},
        },
    }]},
    AdminPayout={
        "type": "object", "required": ["id", "amount", "phone", "status", "seller", "created_at"],
        "properties": {
            "id": _string, "amount": {"type": "integer", "minimum": 1}, "amount_display": _string, "phone": _string,
            "status": {"enum": ["REQUESTED", "PAID", "REJECTED", "FAILED"]}, "note": nullable(_string),
            "seller": ref("Seller"), "created_at": _string, "decided_at": nullable(_string),
        },
    },
    AdminDashboard={
        "type": "object",
        "required": ["days", "city", "gmv", "orders", "orders_by_status", "commission", "new_users",
                     "active_listings", "by_city", "daily"],
        "properties": {
            "days": {"enum": list(analytics.PERIODS)},
            "since": _string,
            "city": nullable(_string),
            "gmv": {**_int0, "description": "XAF, paid orders placed in the window (not cancelled or refunded)"},
            "gmv_display": _string,
            "orders": _int0,
            "orders_by_status": {"type": "object", "propertyNames": {"enum": list(OrderStatus.ALL)},
                                 "additionalProperties": _int0},
            "commission": {**_int0, "description": "XAF earned on completed or delivered orders"},
            "commission_display": _string,
            "new_users": _int0,
            "active_listings": _int0,
            "by_city": {"type": "array", "items": {
                "type": "object", "required": ["slug", "name", "gmv", "orders", "commission", "new_users",
                                               "active_listings"],
                "properties": {"slug": _string, "name": _string, "gmv": _int0, "orders": _int0, "commission": _int0,
                               "new_users": _int0, "active_listings": _int0},
            }},
            "daily": {"type": "array", "items": {
                "type": "object", "required": ["day", "gmv", "orders"],
                "properties": {"day": _string, "gmv": _int0, "orders": _int0},
            }},
        },
    },
)

REASON_BODY = {"type": "object", "properties": {"reason": {"type": "string", "minLength": 3, "maxLength": 500}}}


# --- dashboard -------------------------------------------------------------------------------------

@bp.get("/admin/dashboard_stats/")
@admin_with_second_factor
@operation(
    "Marketplace figures for the last 7, 30 or 90 days", tag=TAG, ok=envelope({"stats": ref("AdminDashboard")}),
    description="Amounts are integer XAF. `city` narrows the figures to one city (its slug; an unknown slug "
                "means all cities, answered as `city: null`); `by_city` always lists every city.",
    params=[query("days", {"enum": [str(d) for d in analytics.PERIODS]}, "7, 30 (default) or 90"),
            query("city", {"type": "string", "maxLength": 80}, "city slug")],
)
def admin_dashboard_stats():
    days = request.args.get("days", "").strip()
    if days and days not in {str(d) for d in analytics.PERIODS}:
        raise Invalid(_l("Valeur invalide."), {"days": "invalid"})
    city = request.args.get("city", "").strip()[:80] or None
    return ok(stats=dashboard_json(analytics.dashboard(days or analytics.DEFAULT_PERIOD, city=city)))


# --- users -----------------------------------------------------------------------------------------

@bp.get("/admin/users/")
@admin_with_second_factor
@operation(
    "Search accounts", tag=TAG, ok=page_envelope(ref("AdminUser")),
    description="Newest first. `q` matches the name, the email or the phone digits.",
    params=[query("q", {"type": "string", "maxLength": 100}), query("role", {"enum": list(Role.ALL)}),
            query("status", {"enum": list(UserStatus.ALL)}), page_param()],
)
def admin_users():
    number = page_number()
    filters = directory.UserFilters.from_params(request.args, strict=True)
    filters.page = number
    found = directory.search_users(filters, PER_PAGE)
    return page_of([admin_user_json(u) for u in found.items], page=number, per_page=PER_PAGE, count=found.total,
                   endpoint="api.admin_users")


USER_ANSWER = envelope({"user": ref("AdminUser"), "message": _string})


@bp.post("/admin/users/<user_id>/suspend/")
@admin_with_second_factor
@operation("Suspend an account (its sessions and tokens end)", tag=TAG, errors=(409,), ok=USER_ANSWER,
           description="Not one's own account (400, `fields.user = self`); a deleted account is a 409.")
def admin_suspend_user(user_id):
    user = directory.suspend(current_api_user(), people.user_by_public_id(user_id), ip=client_ip())
    return ok(user=admin_user_json(user), message=str(_l("Compte suspendu : ses sessions sont fermées.")))


@bp.post("/admin/users/<user_id>/reinstate/")
@admin_with_second_factor
@operation("Reactivate a suspended account", tag=TAG, errors=(409,), ok=USER_ANSWER,
           description="An account that is not suspended is a 409.")
def admin_reinstate_user(user_id):
    user = directory.reinstate(current_api_user(), people.user_by_public_id(user_id), ip=client_ip())
    return ok(user=admin_user_json(user), message=str(_l("Compte réactivé.")))


# --- moderation ------------------------------------------------------------------------------------

@bp.get("/admin/pending_products/")
@admin_with_second_factor
@operation(
    "Listings waiting for moderation, with their automatic flags", tag=TAG, ok=page_envelope(ref("AdminQueueEntry")),
    description="The riskiest first (`risk_score`, 0 to 100, judged when the listing is submitted; null until "
                "then, and last), then the oldest submission. Flags: contact, payment, banned_word, price_outlier, "
                "duplicate_photo.",
    params=[page_param()],
)
def admin_pending_products():
    number = page_number()
    queue = moderation.queue(number, PER_PAGE)
    return page_of([queue_entry_json(p) for p in queue.items], page=number, per_page=PER_PAGE, count=queue.total,
                   endpoint="api.admin_pending_products")


PRODUCT_ANSWER = envelope({"product": ref("ProductCard"), "message": _string})


@bp.post("/admin/<product_id>/approve_product/")
@admin_with_second_factor
@operation("Publish a pending listing", tag=TAG, errors=(409,), ok=PRODUCT_ANSWER,
           description="The seller gets an SMS. A listing that is not pending is a 409.")
def admin_approve_product(product_id):
    product = moderation.approve(current_api_user(), product_id, ip=client_ip())
    return ok(product=product_card_json(product), message=str(_l("Annonce publiée.")))


@bp.post("/admin/<product_id>/reject_product/")
@admin_with_second_factor
@operation("Refuse a pending listing with a reason the seller sees", tag=TAG, errors=(409,), ok=PRODUCT_ANSWER,
           body={**REASON_BODY, "required": ["reason"]},
           description="`reason`: 3 to 500 characters. The seller gets an SMS. A listing that is not pending is a 409.")
def admin_reject_product(product_id):
    product = moderation.reject(current_api_user(), product_id, _reason(body()), ip=client_ip())
    return ok(product=product_card_json(product), message=str(_l("Annonce refusée : le vendeur voit la raison.")))


@bp.post("/admin/<product_id>/take_down_product/")
@admin_with_second_factor
@operation("Withdraw a listing on sale with a reason the seller sees", tag=TAG, errors=(409,), ok=PRODUCT_ANSWER,
           body={**REASON_BODY, "required": ["reason"]},
           description="`reason`: 3 to 500 characters. The listing leaves the catalogue (status REJECTED with the "
                       "reason); audited; the seller gets an SMS and an in-app notice. A listing not on sale is a 409.")
def admin_take_down_product(product_id):
    product = moderation.take_down(current_api_user(), product_id, _reason(body()), ip=client_ip())
    message = _l("Annonce retirée de la vente : le vendeur est prévenu.")
    return ok(product=product_card_json(product), message=str(message))


# --- payouts ---------------------------------------------------------------------------------------

@bp.get("/admin/payouts/")
@admin_with_second_factor
@operation("Sellers' payout requests waiting for a decision", tag=TAG,
           ok=envelope({"count": _int0, "results": {"type": "array", "items": ref("AdminPayout")}}),
           description="Oldest request first; the amount is already held from the seller's wallet.")
def admin_payouts():
    pending = wallet.pending_payouts()
    return ok(count=len(pending), results=[payout_json(p) for p in pending])


PAYOUT_ANSWER = envelope({"payout": ref("AdminPayout"), "message": _string})


@bp.post("/admin/payouts/<payout_id>/approve/")
@admin_with_second_factor
@operation("Send a payout to the seller's Mobile Money", tag=TAG, errors=(409,), ok=PAYOUT_ANSWER,
           description="409 when already decided, or when the transfer fails (the amount returns to the wallet).")
def admin_approve_payout(payout_id):
    payout = wallet.approve_payout(current_api_user(), payout_id, ip=client_ip())
    return ok(payout=payout_json(payout), message=str(_l("Retrait de %(amount)s envoyé à %(name)s.",
                                                         amount=format_xaf(payout.amount), name=payout.user.name)))


@bp.post("/admin/payouts/<payout_id>/reject/")
@admin_with_second_factor
@operation("Refuse a payout with a reason (the amount returns to the wallet)", tag=TAG, errors=(409,),
           ok=PAYOUT_ANSWER, body={**REASON_BODY, "required": ["reason"]})
def admin_reject_payout(payout_id):
    payout = wallet.reject_payout(current_api_user(), payout_id, _reason(body()), ip=client_ip())
    return ok(payout=payout_json(payout),
              message=str(_l("Retrait refusé : le montant est revenu dans le portefeuille de %(name)s.",
                             name=payout.user.name)))
