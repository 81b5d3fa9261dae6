"""Behaviour events: what is recorded for whom, written in batches off the request path, the view count
kept without rewriting the product at every view, opting out, retention and account deletion."""
from datetime import timedelta

from sqlalchemy import func, select

from tests import factories as f
from vgk.extensions import db
from vgk.models import BehaviourEvent, EventKind, Product
from vgk.models.base import utcnow
from vgk.services.accounts import personal
from vgk.services.catalogue import catalog, social
from vgk.services.commerce import cart
from vgk.services.discovery import events
from vgk.services.discovery.events import Person

VISITOR = "visitor-abcdefghij0123"


def kept(**where):
    stmt = select(BehaviourEvent.kind, BehaviourEvent.product_id).order_by(BehaviourEvent.id)
    for name, value in where.items():
        stmt = stmt.where(getattr(BehaviourEvent, name) == value)
    return [tuple(row) for row in db.session.execute(stmt)]


def views_of(product):
    db.session.expire_all()
    return db.session.get(Product, product.id).view_count


def test_events_wait_in_memory_and_are_written_together(app):
    app.config["DISCOVERY_FLUSH_SECONDS"] = 3600  # the writer thread sleeps: only flush() writes
    try:
        item = f.product("Radio")
        before = db.session.get(Product, item.id).updated_at
        for n in range(3):
            catalog.record_view(item, Person(visitor=f"{VISITOR}-{n}"))
        catalog.record_view(item, Person(visitor=f"{VISITOR}-0"))  # the same person again today
        catalog.record_view(item, events.NOBODY)  # not tracked: counted, not kept
        assert kept() == [] and views_of(item) == 0  # nothing written during the "requests"
        assert events.flush() == 4
        assert [row[1] for row in kept()] == [item.id] * 3
        assert views_of(item) == 4
        assert db.session.get(Product, item.id).updated_at == before  # the listing did not "change"
        assert events.flush() == 0
    finally:
        app.config["DISCOVERY_FLUSH_SECONDS"] = 0


def test_services_note_favourites_cart_adds_offers_and_purchases(app):
    buyer, other = f.user(), f.user()
    liked, carted = f.product("Lampe"), f.product("Table")
    social.toggle_favourite(buyer, liked.public_id)
    social.toggle_favourite(buyer, liked.public_id)  # removing is not an interest
    cart.add(liked.public_id, 1, session_key="guest-cart", person=Person(visitor=VISITOR))
    f.place_order(carted, buyer=buyer, payment_method="ORANGE_MONEY")  # put in the cart, then ordered
    assert kept(user_id=buyer.id) == [("favourite", liked.id), ("cart", carted.id), ("purchase", carted.id)]
    assert kept(visitor=VISITOR) == [("cart", liked.id)]
    assert kept(user_id=other.id) == []


def test_a_search_is_kept_lower_case_with_contacts_masked(app):
    events.record(EventKind.SEARCH, Person(visitor=VISITOR), query="  Frigo   LG appelez 677 12 34 56 ", results=0)
    row = db.session.scalars(select(BehaviourEvent)).one()
    assert row.query == "frigo lg appelez •••" and row.results == 0 and row.product_id is None


def test_who_is_tracked():
    client = type("U", (), {"id": 7, "is_authenticated": True, "uses_history": True, "role": "CLIENT"})()
    off = type("U", (), {"id": 8, "is_authenticated": True, "uses_history": False, "role": "CLIENT"})()
    staff = type("U", (), {"id": 9, "is_authenticated": True, "uses_history": True, "role": "STAFF"})()
    assert events.person_of(staff) == events.NOBODY  # staff and admins are never tracked
    assert events.person_of(client, VISITOR) == Person(user_id=7)
    assert events.person_of(off, VISITOR) == events.NOBODY
    assert events.person_of(None, VISITOR) == Person(visitor=VISITOR)
    assert events.person_of(None, VISITOR, declined=True) == events.NOBODY
    for forged in ("short", "x" * 33, "bad id with spaces!", "<script>abcdefghijk</script>", None):
        assert events.person_of(None, forged) == events.NOBODY


def test_turning_history_off_erases_it_and_stops_it(app):
    client = f.user()
    item = f.product()
    catalog.record_view(item, events.person_of(client))
    assert kept(user_id=client.id)
    events.set_uses_history(client, False)
    assert kept(user_id=client.id) == []
    catalog.record_view(item, events.person_of(client))
    assert kept() == [] and views_of(item) == 2  # still counted on the listing


def test_a_visitor_who_signs_in_brings_their_history(app):
    client, item = f.user(), f.product()
    catalog.record_view(item, Person(visitor=VISITOR))
    assert events.adopt(client, VISITOR) == 1
    assert kept(user_id=client.id) == [("view", item.id)] and kept(visitor=VISITOR) == []
    client.uses_history = False
    catalog.record_view(f.product(), Person(visitor=VISITOR))
    assert events.adopt(client, VISITOR) == 0 and len(kept(visitor=VISITOR)) == 1


def test_deleting_the_account_deletes_the_history(app):
    client, item = f.user(), f.product()
    catalog.record_view(item, events.person_of(client))
    personal.delete_account(client)
    assert kept() == []


def test_old_events_go_after_the_retention_period(app):
    item = f.product()
    for days in (1, 89, 91, 400):
        db.session.add(BehaviourEvent(kind="view", visitor=VISITOR, product_id=item.id,
                                      created_at=utcnow() - timedelta(days=days)))
    db.session.commit()
    assert events.prune() == 2
    assert db.session.scalar(select(func.count()).select_from(BehaviourEvent)) == 2


def test_search_figures_for_the_admins(app):
    for n, (query, results) in enumerate([("frigo", 4), ("frigo", 5), ("Frigo", 3), ("pagne wax", 0),
                                          ("pagne wax", 0), ("télé", 12)]):
        events.record(EventKind.SEARCH, Person(visitor=f"visitor-{n:016d}"), query=query, results=results)
    top = events.search_figures()
    assert [(q.query, q.searches, q.people, q.most_results) for q in top] == [
        ("frigo", 3, 3, 5), ("pagne wax", 2, 2, 0), ("télé", 1, 1, 12)]
    assert [q.query for q in events.search_figures(zero_only=True)] == ["pagne wax"]


def test_an_offer_is_an_interest_of_the_buyer(app):
    from vgk.services.conversations import offers, threads

    seller, buyer = f.user(), f.user()
    phone = f.product("Tecno Spark 10", seller=seller, price=65_000, negotiable=True)
    conversation = threads.open_about_listing(buyer, phone.public_id)
    offers.make(buyer, conversation, "50000")
    assert kept(user_id=buyer.id) == [("offer", phone.id)] and kept(user_id=seller.id) == []


def test_a_persons_events_not_yet_written_already_count_for_them(app):
    app.config["DISCOVERY_FLUSH_SECONDS"] = 3600
    try:
        first, second = f.product(), f.product()
        me, other = Person(visitor=VISITOR), Person(visitor="visitor-someone-else-000")
        catalog.record_view(first, me)
        catalog.record_view(second, other)
        social_like = f.user()
        events.record(EventKind.FAVOURITE, me, second.id)
        events.record(EventKind.SEARCH, me, query="radio", results=2)
        assert events.waiting_for(me) == [(second.id, "favourite"), (first.id, "view")]
        assert events.waiting_for(events.person_of(social_like)) == []
        events.flush()
        assert events.waiting_for(me) == []
    finally:
        app.config["DISCOVERY_FLUSH_SECONDS"] = 0


def test_stored_searches_keep_no_contact_nor_control_characters():
    assert events.clean_query("https://wa.me/237699123456 frigo") == "••• frigo"
    assert events.clean_query("jean@gmail.com télé") == "••• télé"
    assert events.clean_query("\x01\x02\x1b[31m radio") == "[31m radio"
