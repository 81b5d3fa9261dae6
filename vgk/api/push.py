"""Notifications on the phone (Web Push) from the app's web view or a browser client: the VAPID public key
to subscribe with, handing a subscription over, and taking it back. Thin over
vgk.services.accounts.push_subscriptions, like the account page's "Notifications sur ce téléphone"."""
from flask import current_app

from vgk.api import bp
from vgk.api.base import api_signed_in, body, current_api_user, ok
from vgk.api.openapi import envelope, nullable, operation, ref, schemas
from vgk.edge import user_agent
from vgk.services.accounts import push_subscriptions

TAG = "notifications"
STRING = {"type": "string"}

schemas(PushSubscription={
    "type": "object", "required": ["endpoint", "keys"], "description": "as PushManager.subscribe() gives it "
    "(PushSubscription.toJSON()); the endpoint is an https URL",
    "properties": {
        "endpoint": {"type": "string", "format": "uri", "maxLength": push_subscriptions.MAX_ENDPOINT},
        "keys": {"type": "object", "required": ["p256dh", "auth"], "properties": {
            "p256dh": {"type": "string", "description": "base64url, the 65-byte P-256 public key"},
            "auth": {"type": "string", "description": "base64url, the 16-byte auth secret"}}}}})


@bp.get("/client/push_subscriptions/key/")
@api_signed_in
@operation("The key to subscribe to notifications with (the applicationServerKey)", tag=TAG,
           ok=envelope({"public_key": nullable(STRING)}),
           description="`public_key` is base64url (VAPID); null when the site sends no push notifications.")
def push_key():
    return ok(public_key=current_app.config.get("VAPID_PUBLIC_KEY") or None)


@bp.post("/client/push_subscriptions/")
@api_signed_in
@operation("Receive notifications on this device", tag=TAG, status=201, body=ref("PushSubscription"),
           description="The same endpoint handed over again belongs to the caller from now on; "
           "a person keeps their 10 most recent devices. 400 when the subscription is not valid.")
def push_subscribe():
    push_subscriptions.subscribe(current_api_user(), body(), user_agent=user_agent())
    return ok(201)


@bp.post("/client/push_subscriptions/remove/")
@api_signed_in
@operation("Stop notifications on this device", tag=TAG, ok=envelope({"removed": {"type": "boolean"}}),
           body={"type": "object", "required": ["endpoint"], "properties": {"endpoint": STRING}},
           description="`removed` is false when the caller had no subscription at that endpoint.")
def push_unsubscribe():
    return ok(removed=push_subscriptions.unsubscribe(current_api_user(), body().get("endpoint")))
