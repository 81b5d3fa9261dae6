"""Favourites and my listings on the API are read a page at a time: the same few SQL statements for 5
or 60 items, and page 2 holds the next items in order."""
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event

from tests import factories as f
from vgk.extensions import db
from vgk.models import Favourite, ProductStatus
from vgk.models.base import utcnow


@contextmanager
def counted_statements():
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def liked_by(user, n):
    """n favourites of the user, liked one minute apart (the last one liked first in the list)."""
    products = [f.product(f"Objet {i:02d}", images=1 if i < 3 else 0) for i in range(n)]
    for i, product in enumerate(products):
        db.session.add(Favourite(user_id=user.id, product_id=product.id, created_at=utcnow() + timedelta(minutes=i)))
    db.session.commit()
    return products


def listed_by(seller, n):
    """n listings of the seller, updated one minute apart (the last one updated first in the list)."""
    products = [f.product(f"Annonce {i:02d}", seller=seller, status=ProductStatus.DRAFT, images=1 if i < 3 else 0)
                for i in range(n)]
    for i, product in enumerate(products):
        product.updated_at = utcnow() + timedelta(minutes=i)
    db.session.commit()
    for product in products[:2]:
        db.session.add(Favourite(user_id=f.user().id, product_id=product.id))
    db.session.commit()
    return products


def statements_for(api, path, user):
    token = f.api_token(user)
    api.get(path, token=token)  # once before counting: the first request of a test also sweeps expired holds
    db.session.expire_all()
    with counted_statements() as statements:
        response = api.get(path, token=token)
    assert response.status_code == 200, response.get_json()
    return len(statements), response.get_json()


@pytest.mark.parametrize("path, make", [("client/favourites/", liked_by), ("client/listings/", listed_by)])
def test_the_number_of_statements_does_not_grow_with_the_list(api, path, make):
    few, many = f.user(), f.user()
    make(few, 5)
    make(many, 60)
    count_few, page_few = statements_for(api, path, few)
    count_many, page_many = statements_for(api, path, many)
    assert page_few["count"] == 5 and len(page_few["results"]) == 5
    assert page_many["count"] == 60 and len(page_many["results"]) == 20
    assert count_many == count_few, (count_few, count_many)


def test_page_two_of_my_favourites_holds_the_next_ones(api):
    user = f.user()
    products = liked_by(user, 25)
    newest_first = [p.public_id for p in reversed(products)]
    first = api.get("client/favourites/", user=user).get_json()
    second = api.get("client/favourites/", user=user, query={"page": "2"}).get_json()
    assert [r["id"] for r in first["results"]] == newest_first[:20]
    assert [r["id"] for r in second["results"]] == newest_first[20:]
    assert second["count"] == 25 and second["next"] is None and second["previous"] is not None


def test_page_two_of_my_listings_holds_the_next_ones(api):
    seller = f.user()
    products = listed_by(seller, 25)
    newest_first = [p.public_id for p in reversed(products)]
    second = api.get("client/listings/", user=seller, query={"page": "2"}).get_json()
    assert [r["id"] for r in second["results"]] == newest_first[20:]
    assert second["count"] == 25 and second["next"] is None
    favourites = {r["id"]: r["favourites"] for r in second["results"]}
    assert [favourites[p.public_id] for p in products[:5]] == [1, 1, 0, 0, 0]


@pytest.mark.parametrize("raw", ["0", "-1", "501", "abc", "１２", "¹", "2.0", "99999999999999999999"])
def test_a_page_that_is_not_a_page_is_a_400_naming_it(api, raw):
    response = api.get("client/favourites/", user=f.user(), query={"page": raw})
    assert response.status_code == 400
    assert set(response.get_json()["error"]["fields"]) == {"page"}
