"""Small factories that build real rows through the models (and real services where they exist)."""
import io
import itertools
from datetime import timedelta

from PIL import Image
from werkzeug.security import generate_password_hash

from vgk.extensions import db
from vgk.models import Category, City, Product, ProductStatus, Role, User
from vgk.models.base import utcnow
from vgk.services.selling.media import store_product_image

_seq = itertools.count(1)


def city(name=None, slug=None, **kw):
    n = next(_seq)
    obj = City(name=name or f"Ville {n}", slug=slug or f"ville-{n}", **kw)
    db.session.add(obj)
    db.session.commit()
    return obj


def category(name=None, slug=None, parent=None, **kw):
    n = next(_seq)
    name = name or f"Catégorie {n}"
    obj = Category(name_fr=name, name_en=kw.pop("name_en", name), slug=slug or f"cat-{n}", parent=parent, **kw)
    db.session.add(obj)
    db.session.commit()
    return obj


def pickup_point(city_=None, name=None, **kw):
    from vgk.models import PickupPoint

    n = next(_seq)
    obj = PickupPoint(city=city_ or city(), name=name or f"Point relais {n}", address=kw.pop("address", f"Rue {n}"),
                      **kw)
    db.session.add(obj)
    db.session.commit()
    return obj


def user(role=Role.CLIENT, password="secret-pass-1", **kw):
    n = next(_seq)
    obj = User(
        name=kw.pop("name", f"Utilisateur {n}"),
        email=kw.pop("email", f"user{n}@example.cm"),
        phone=kw.pop("phone", f"+23767{n:07d}"),
        password_hash=generate_password_hash(password),
        role=role,
        **kw,
    )
    db.session.add(obj)
    db.session.commit()
    return obj


def jpeg_bytes(color=(200, 80, 40), size=(640, 480), exif=None):
    out = io.BytesIO()
    image = Image.new("RGB", size, color)
    if exif is not None:
        image.save(out, "JPEG", quality=90, exif=exif)
    else:
        image.save(out, "JPEG", quality=90)
    return out.getvalue()


def product(title=None, *, seller=None, category_=None, city_=None, status=ProductStatus.ACTIVE,
            price=10_000, age_minutes=0, images=0, **kw):
    n = next(_seq)
    obj = Product(
        title=title or f"Produit {n}",
        description=kw.pop("description", "Un objet en bon état."),
        price=price,
        status=status,
        seller=seller or user(),
        category=category_ or category(),
        city=city_ or city(),
        created_at=utcnow() - timedelta(minutes=age_minutes),
        **kw,
    )
    db.session.add(obj)
    db.session.flush()
    for position in range(images):
        db.session.add(store_product_image(obj, jpeg_bytes((40 * position % 255, 120, 90)), position))
    db.session.commit()
    return obj


def sign_in(client, user, method="password"):
    """Open a real sign-in session for the user in this test client (as after a full login)."""
    from vgk.services.accounts import sessions

    auth_session = sessions.start(user, ip="127.0.0.1", user_agent="pytest", method=method)
    with client.session_transaction() as session:
        session["_user_id"] = auth_session.public_id
        session["_fresh"] = True
    return auth_session


def reauthenticated(user):
    """The user, acting in a session where the password was just given (as the services see a
    signed-in person): for calling services that need a recent authentication, such as payouts."""
    from vgk.services.accounts import sessions

    sessions.start(user, ip="127.0.0.1", user_agent="pytest")
    return user


def api_tokens(user):
    """A fresh token pair for the user, as after a full sign-in from the app (a dict)."""
    from vgk.services.accounts import api_tokens as tokens

    return tokens.sign_in(user, ip="127.0.0.1", user_agent="pytest").as_dict()


def api_token(user):
    """An access token for the user."""
    return api_tokens(user)["access_token"]


def bearer(user):
    """Headers that act as the user on the mobile API."""
    return {"Authorization": "Bearer " + api_token(user)}


def outbox(recipient=None):
    """Messages the local SMS/email adapters kept, newest first."""
    from sqlalchemy import select

    from vgk.models import OutboxMessage

    db.session.expire_all()
    stmt = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if recipient:
        stmt = stmt.where(OutboxMessage.recipient == recipient)
    return db.session.scalars(stmt).all()


def last_code(recipient):
    """The 6-digit code in the newest message to the recipient."""
    import re

    for message in outbox(recipient):
        found = re.search(r"\b(\d{6})\b", message.body)
        if found:
            return found.group(1)
    raise AssertionError(f"no code sent to {recipient}")


def cart_with(*products, session_key="visitor-key", user=None, quantity=1):
    """A visitor's (or client's) cart holding the products."""
    from vgk.services.commerce import cart as carts

    for item in products:
        carts.add(item.public_id, quantity, user=user, session_key=None if user else session_key)
    return carts.find(user=user, session_key=None if user else session_key)


def place_order(*products, payment_method="CASH", point=None, buyer=None, session_key=None, confirm=True,
                **details):
    """A placed pickup order for the products (a guest's unless `buyer` is given). A guest's cash order
    is confirmed with the code sent to its phone unless `confirm` is False. The order's `access_token`
    (a guest's) stays on the returned object."""
    from vgk.services.commerce import checkout

    session_key = session_key or f"visitor-{next(_seq)}"
    cart = cart_with(*products, session_key=session_key, user=buyer)
    point = point or pickup_point()
    order = checkout.place_order(
        cart=cart, buyer=buyer, name=details.pop("name", "Awa Bello"), phone=details.pop("phone", "+237690555111"),
        payment_method=payment_method, pickup_point_id=point.id, **details,
    )
    token = order.access_token
    if confirm and order.awaits_phone_check:
        order = checkout.confirm_cash_order(order, last_code(order.customer_phone))
        order.access_token = token
    return order
