"""Finding 10: every forged payment callback was stored whole (up to 205 KB a row). Now an unverified
callback keeps nothing but its cut reference and outcome, a genuine one only the fields that say what
happened, each cut short; an oversized body is refused unread and the webhook is limited per IP."""
import json

from sqlalchemy import select

from tests import factories as f
from vgk.extensions import db
from vgk.integrations.registry import adapters_of
from vgk.models import Order, OrderStatus, PaymentCallback
from vgk.services.commerce import payments


def stored():
    db.session.expire_all()
    return db.session.scalars(select(PaymentCallback).order_by(PaymentCallback.id)).all()


def test_a_forged_callback_stores_next_to_nothing(client):
    junk = {f"field{n}": "x" * 4_000 for n in range(14)}  # 56 KB: under the size refused unread
    response = client.post("/paiements/campay/webhook", data={"reference": "R" * 500, "signature": "0" * 64, **junk})
    assert response.status_code == 400 and response.get_json()["outcome"] == "forged"
    [row] = stored()
    assert row.outcome == "forged" and row.payload == "{}" and row.reference == "R" * 64
    assert len(row.payload) + len(row.reference) < 100


def test_a_genuine_callback_keeps_only_its_bounded_fields(app, client):
    order = f.place_order(f.product(price=25_000), payment_method="MTN_MOMO", phone="677555111")
    payment = payments.start(order, "MTN_MOMO", "677555111")
    gateway = adapters_of(app).payments
    gateway.approve(payment.reference)
    callback = dict(gateway.callback_for(payment.reference))
    callback.update({f"extra{n}": "y" * 4_000 for n in range(12)}, operator="o" * 4_000)
    callback = gateway.sign_callback(callback)  # genuinely signed, with long and unknown fields
    response = client.post("/paiements/campay/webhook", data=callback)
    assert response.status_code == 200 and response.get_json()["outcome"] == "processed"
    [row] = stored()
    kept = json.loads(row.payload)
    assert set(kept) <= set(payments.STORED_FIELDS) and kept["reference"] == payment.reference
    assert kept["status"] == "SUCCESSFUL" and "signature" not in kept
    assert all(len(value) <= payments.STORED_LENGTH for value in kept.values())
    assert len(row.payload) < 1_000
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == OrderStatus.PAID


def test_an_oversized_callback_body_is_refused_unread(client):
    response = client.post("/paiements/campay/webhook", data={"reference": "R1", "blob": "z" * 100_000})
    assert response.status_code == 413 and response.get_json()["success"] is False
    assert stored() == []


def test_a_flood_of_forged_callbacks_is_cut_off(client):
    answers = [client.post("/paiements/campay/webhook", data={"reference": f"R{n}", "signature": "0" * 64}).status_code
               for n in range(70)]
    assert answers[:60] == [400] * 60 and set(answers[60:]) == {429}
    assert len(stored()) == 60
