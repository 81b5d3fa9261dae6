"""Conversations from the app: the inbox, a listing's conversation with its seller, the support
conversation, messages (text and photos), offers, read marks, reports and blocks.

Thin over vgk.services.conversations, like the web pages and the Socket.IO events: a conversation the
caller may not read is a 404 (never a 403, which would confirm it exists). Any signed-in person may call
them; the services decide (admins read support and reported conversations)."""
from flask import make_response, request
from flask_babel import lazy_gettext as _l

from vgk.api import bp
from vgk.api.base import api_signed_in, body, current_api_user, integer, ok, page_number, page_of, text
from vgk.api.openapi import envelope, nullable, operation, page_envelope, page_param, query, ref, schemas, section
from vgk.api.schemas import absolute, iso
from vgk.errors import Invalid
from vgk.models import ConversationKind, MessageKind, OfferStatus
from vgk.services.conversations import messages, offers, safety, threads
from vgk.services.selling.media import image_url
from vgk.text import format_xaf
from vgk.urls import public_url

PER_PAGE = 20
ID_MAX = 2**62
STRING, INTEGER, BOOLEAN = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
PERSON = {"type": "object", "required": ["id", "name"], "properties": {"id": STRING, "name": STRING}}

schemas(
    ChatProduct={"type": "object", "required": ["id", "title", "price", "photo_url"], "properties": {
        "id": STRING, "title": STRING, "price": INTEGER, "price_display": STRING, "negotiable": BOOLEAN,
        "status": STRING, "photo_url": nullable(STRING)}},
    Conversation={"type": "object", "required": ["id", "kind", "title", "product", "members", "closed"],
                  "properties": {
                      "id": STRING, "kind": {"enum": list(ConversationKind.ALL)}, "title": STRING,
                      "product": nullable(ref("ChatProduct")), "closed": BOOLEAN,
                      "members": {"type": "array", "items": PERSON, "description": "the other members"}}},
    ChatMessage={"type": "object", "required": ["id", "kind", "mine", "text", "created_at"], "properties": {
        "id": INTEGER, "kind": {"enum": list(MessageKind.ALL)}, "mine": BOOLEAN,
        "text": {"type": "string", "description": "as the caller may see it (contact details masked before an "
                                                  "order links the two people; system lines in their language)"},
        "masked": BOOLEAN, "warning": {"type": "boolean", "description": "asks for payment outside the platform"},
        "sender": nullable(STRING), "sender_name": nullable(STRING), "created_at": STRING,
        "offer": nullable(STRING), "photo_url": nullable(STRING)}},
    InboxEntry={"allOf": [ref("Conversation"), {
        "type": "object", "required": ["last_message", "unread", "last_message_at"], "properties": {
            "last_message": nullable(ref("ChatMessage")), "unread": INTEGER, "last_message_at": STRING}}]},
    ChatOffer={"type": "object", "required": ["id", "amount", "status", "mine"], "properties": {
        "id": STRING, "amount": INTEGER, "amount_display": STRING, "status": {"enum": list(OfferStatus.ALL)},
        "mine": {"type": "boolean", "description": "the caller made it (the other side answers it)"},
        "valid_until": nullable(STRING)}},
)
CONVERSATION = envelope({"conversation": ref("Conversation")})
MESSAGE = envelope({"message": ref("ChatMessage")})
OFFER = envelope({"offer": ref("ChatOffer")})
TAG = "conversations"

section(
    "Live events (Socket.IO): connect to the site's Socket.IO endpoint with "
    "`{\"auth\": {\"token\": \"<access_token>\"}}` (a refused or expired token refuses the connection). "
    "Each person hears, in their own room: `message` {conversation, message (a ChatMessage as they see it), "
    "unread (their unread total; not sent to the writer)}, `read` {conversation, reader, read}, "
    "`delivered` {conversation, reader, delivered}, `unread` {total} "
    "(also right after connecting). Send `join` {conversation} to hear `typing` {conversation, name} there, "
    "`leave` {conversation}, `typing` {conversation}, `read` {conversation, up_to?}, `delivered` "
    "{conversation, up_to}, `send` {conversation, text}; each is acknowledged with `{\"ok\": true, ...}` or "
    "`{\"ok\": false, \"error\", \"code\"}` (members only: anyone else is told the conversation is not found). "
    "Nothing is lost without the socket: `conversations/{id}/messages/?after=` gives what is new."
)
section(
    "Plain WebSocket (no Socket.IO): `ws://<host>/ws/chat/{conversation id}/` (a listing's or the support "
    "conversation) and `ws://<host>/ws/group_chat/{group id}/`, with the same access token (Authorization "
    "header, or `?token=`) and `?last_id=` to receive what was missed; JSON frames such as "
    "`{\"type\": \"message\", \"content\": \"Hello!\", \"message_type\": \"TEXT\"}`. The frames, close "
    "codes and limits are described in /mobile/api/docs/websocket.json."
)


def _me():
    return current_api_user()


# --- JSON ---------------------------------------------------------------------------------------

def _product_json(product):
    if product is None:
        return None
    cover = product.cover
    return {"id": product.public_id, "title": product.title, "price": product.price,
            "price_display": format_xaf(product.price), "negotiable": product.negotiable, "status": product.status,
            "photo_url": absolute(image_url(cover.thumb_key)) if cover else None}


def _conversation_json(conversation, me):
    members = [member.user for member in conversation.members]
    return {"id": conversation.public_id, "kind": conversation.kind, "title": conversation.title,
            "product": _product_json(conversation.product), "closed": conversation.closed_at is not None,
            "members": [{"id": user.public_id, "name": user.name} for user in members if user.id != me.id]}


def _message_json(seen, conversation):
    data = messages.as_data(seen)
    data["photo_url"] = None
    if seen.message.kind == MessageKind.PHOTO:
        data["photo_url"] = public_url("api.conversation_photo", conversation_id=conversation.public_id,
                                       message_id=seen.message.id)
    return data


def _offer_json(offer, me):
    return {"id": offer.public_id, "amount": offer.amount, "amount_display": format_xaf(offer.amount),
            "status": offer.status, "mine": offer.made_by_id == me.id, "valid_until": iso(offer.valid_until)}


def _conversation(conversation_id):
    return threads.find(_me(), conversation_id)


# --- the inbox ----------------------------------------------------------------------------------

@bp.get("/client/conversations/")
@api_signed_in
@operation("My conversations, the most recent first, with their last message and unread count", tag=TAG,
           ok=page_envelope(ref("InboxEntry")), params=[page_param()])
def my_conversations():
    me, page = _me(), page_number()
    found = threads.inbox(me, page, PER_PAGE)
    results = []
    for row in found.items:
        conversation = row.conversation
        entry = _conversation_json(conversation, me)  # the inbox loaded the members with the page
        last = messages.view(row.last, me, conversation) if row.last is not None else None
        entry.update(last_message=_message_json(last, conversation) if last else None, unread=row.unread,
                     last_message_at=iso(conversation.last_message_at))
        results.append(entry)
    return page_of(results, page=page, per_page=PER_PAGE, count=found.total, endpoint="api.my_conversations")


@bp.get("/client/conversations/unread/")
@api_signed_in
@operation("How many messages I have not read, in all my conversations", tag=TAG, ok=envelope({"total": INTEGER}))
def unread_messages():
    return ok(total=threads.unread_total(_me()))


@bp.post("/client/conversations/open_for_product/")
@api_signed_in
@operation(
    "Open (or find) my conversation with the seller about a listing", tag=TAG, ok=CONVERSATION, errors=(403, 404, 429),
    description="404 when the listing is not on sale; 400 on one's own listing; 403 when the seller blocked the "
                "caller; 429 after too many new conversations in a day.",
    body={"type": "object", "required": ["product"], "properties": {"product": {"type": "string", "maxLength": 16}}},
)
def open_for_product():
    me = _me()
    product = text(body(), "product", required=True, max_length=16)
    return ok(conversation=_conversation_json(threads.open_about_listing(me, product), me))


@bp.post("/client/conversations/support/")
@api_signed_in
@operation("Open (or find) my conversation with the support team", tag=TAG, ok=CONVERSATION, errors=(400, 403, 429),
           description="Admins answer from their support queue (400 for an admin).")
def open_support():
    me = _me()
    return ok(conversation=_conversation_json(threads.open_support(me), me))


# --- messages -----------------------------------------------------------------------------------

@bp.get("/client/conversations/<conversation_id>/messages/")
@api_signed_in
@operation(
    "Messages of a conversation, oldest first: the newest page, a page before a message, or what is new",
    tag=TAG, params=[
        query("before", {"type": "integer", "minimum": 1}, "the page of messages before this message id"),
        query("after", {"type": "integer", "minimum": 0}, "the messages after this message id (at most 100)")],
    description="`has_more`: older messages remain (with `before` or neither), or more new ones than given "
                "(with `after`). `receipts`: how far the other members have received and read.",
    ok=envelope({
        "conversation": ref("Conversation"), "messages": {"type": "array", "items": ref("ChatMessage")},
        "has_more": BOOLEAN,
        "offers": {"type": "array", "items": ref("ChatOffer"), "description": "the offers the messages name"},
        "receipts": {"type": "object", "required": ["delivered", "read"],
                     "properties": {"delivered": INTEGER, "read": INTEGER}}}),
)
def conversation_messages(conversation_id):
    me, conversation = _me(), _conversation(conversation_id)
    before = integer(request.args, "before", low=1, high=ID_MAX)
    after = integer(request.args, "after", low=0, high=ID_MAX)
    if before is not None and after is not None:
        raise Invalid(_l("Valeur invalide."), {"after": "invalid"})
    if after is not None:
        shown = messages.since(me, conversation, after)
        more = len(shown) >= messages.SINCE_MAX
    else:
        shown, more = messages.page(me, conversation, before)
    delivered, read = messages.receipts(me, conversation)
    named = {seen.message.offer.id: seen.message.offer for seen in shown if seen.message.offer is not None}
    return ok(conversation=_conversation_json(conversation, me),
              messages=[_message_json(seen, conversation) for seen in shown], has_more=more,
              offers=[_offer_json(offer, me) for offer in named.values()],
              receipts={"delivered": delivered, "read": read})


@bp.post("/client/conversations/<conversation_id>/send_text/")
@api_signed_in
@operation(
    "Write in a conversation", tag=TAG, status=201, ok=MESSAGE, errors=(403, 429),
    description="403 when the conversation is closed or the other person blocked the caller; 429 when writing "
                "too fast.",
    body={"type": "object", "required": ["text"], "properties": {"text": {"type": "string", "maxLength": 2000}}},
)
def send_text(conversation_id):
    me, conversation = _me(), _conversation(conversation_id)
    message = messages.post_text(me, conversation, text(body(), "text", required=True, max_length=messages.TEXT_MAX))
    return ok(201, message=_message_json(messages.view(message, me, conversation), conversation))


@bp.post("/client/conversations/<conversation_id>/send_photo/")
@api_signed_in
@operation(
    "Send a photo in a conversation", tag=TAG, status=201, ok=MESSAGE, errors=(403, 413, 429, 503),
    description="Checked by its content and re-encoded without its metadata; only the members can fetch it.",
    multipart={"type": "object", "required": ["photo"],
               "properties": {"photo": {"type": "string", "format": "binary"}}},
)
def send_photo(conversation_id):
    me, conversation = _me(), _conversation(conversation_id)
    upload = request.files.get("photo")
    message = safety.post_photo(me, conversation, upload.read() if upload else b"")
    return ok(201, message=_message_json(messages.view(message, me, conversation), conversation))


@bp.get("/client/conversations/<conversation_id>/photos/<message_id>/")
@api_signed_in
@operation("A photo sent in a conversation (members only)", tag=TAG, binary="image/webp")
def conversation_photo(conversation_id, message_id):
    data = safety.photo(_me(), conversation_id, message_id)
    response = make_response(data)
    response.mimetype = "image/webp"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/client/conversations/<conversation_id>/mark_read/")
@api_signed_in
@operation(
    "I have read the conversation (up to a message, by default its newest)", tag=TAG,
    ok=envelope({"read": INTEGER, "unread": INTEGER}),
    body={"type": "object", "properties": {"up_to": {"type": "integer", "minimum": 0}}},
)
def mark_read(conversation_id):
    me, conversation = _me(), _conversation(conversation_id)
    up_to = integer(body(), "up_to", low=0, high=ID_MAX)
    read = messages.mark_read(me, conversation, up_to)
    return ok(read=read, unread=threads.unread_total(me))


@bp.post("/client/conversations/<conversation_id>/report/")
@api_signed_in
@operation(
    "Report a message somebody else wrote in the conversation", tag=TAG, status=201, errors=(429,),
    ok=envelope({"message": STRING}),
    body={"type": "object", "required": ["message"], "properties": {
        "message": {"type": "integer", "minimum": 1}, "reason": {"type": "string", "maxLength": 500}}},
)
def report_message(conversation_id):
    me, conversation = _me(), _conversation(conversation_id)
    data = body()
    safety.report(me, conversation, integer(data, "message", required=True, low=1, high=ID_MAX),
                  text(data, "reason", max_length=safety.REASON_MAX) or "")
    return ok(201, message=str(_l("Merci : un administrateur va lire ce message.")))


# --- offers -------------------------------------------------------------------------------------

@bp.post("/client/conversations/<conversation_id>/make_offer/")
@api_signed_in
@operation(
    "Offer a price below the listed one (the buyer, on a negotiable listing)", tag=TAG, status=201, ok=OFFER,
    errors=(403, 409, 429),
    description="Replaces the caller's offer still waiting. Once accepted, the buyer checks out at that price "
                "(the agreed price comes from the site, never from the order request).",
    body={"type": "object", "required": ["amount"], "properties": {
        "amount": {"type": "integer", "minimum": 1, "maximum": offers.MAX_AMOUNT, "description": "XAF"}}},
)
def make_offer(conversation_id):
    me, conversation = _me(), _conversation(conversation_id)
    amount = integer(body(), "amount", required=True, low=1, high=offers.MAX_AMOUNT)
    return ok(201, offer=_offer_json(offers.make(me, conversation, amount), me))


@bp.post("/client/conversations/offers/<offer_id>/answer/")
@api_signed_in
@operation(
    "Accept, decline or counter the other side's offer", tag=TAG, ok=OFFER, errors=(403, 409),
    description="Answers the offer that now stands: the counter-offer when countering. 409 when it was "
                "already answered or the listing left the shop.",
    body={"type": "object", "required": ["decision"], "properties": {
        "decision": {"enum": list(offers.DECISIONS)},
        "amount": {"type": "integer", "minimum": 1, "maximum": offers.MAX_AMOUNT,
                   "description": "XAF, for a counter-offer"}}},
)
def answer_offer(offer_id):
    me, data = _me(), body()
    decision = text(data, "decision", required=True, max_length=16)
    if decision not in offers.DECISIONS:
        raise Invalid(_l("Valeur invalide."), {"decision": "invalid"})
    amount = integer(data, "amount", low=1, high=offers.MAX_AMOUNT)
    return ok(offer=_offer_json(offers.answer(me, offer_id, decision, amount), me))


# --- blocks -------------------------------------------------------------------------------------

PERSON_BODY = {"type": "object", "required": ["user"], "properties": {"user": {"type": "string", "maxLength": 16}}}


@bp.post("/client/conversations/block/")
@api_signed_in
@operation("Stop receiving messages and offers from a person", tag=TAG, ok=envelope({"user": PERSON}),
           errors=(404,), body=PERSON_BODY)
def block_person():
    other = safety.block(_me(), text(body(), "user", required=True, max_length=16))
    return ok(user={"id": other.public_id, "name": other.name})


@bp.post("/client/conversations/unblock/")
@api_signed_in
@operation("Receive messages from a person again", tag=TAG, body=PERSON_BODY)
def unblock_person():
    safety.unblock(_me(), text(body(), "user", required=True, max_length=16))
    return ok()
