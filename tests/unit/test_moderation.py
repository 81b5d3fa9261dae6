"""Moderation: automatic flags, the queue (oldest first), approve / reject (single and bulk), audit, SMS."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests import factories as f
from vgk.errors import Conflict, Invalid, NotFound
from vgk.extensions import db
from vgk.models import AuditEntry, ProductImage, ProductStatus, Role
from vgk.models.base import utcnow
from vgk.services.backoffice import audit
from vgk.services.selling import moderation

PENDING = ProductStatus.PENDING


def pending(title="Télévision Samsung 32 pouces", description="Bon état, télécommande incluse.", age=0, **kw):
    product = f.product(title, description=description, status=PENDING, **kw)
    product.submitted_at = utcnow() - timedelta(minutes=age)
    db.session.commit()
    return product


def image(product, digest):
    db.session.add(ProductImage(product=product, thumb_key=f"t/{digest}", large_key=f"l/{digest}",
                                width=10, height=10, digest=digest))
    db.session.commit()


@pytest.fixture
def admin(app):
    return f.user(Role.ADMIN, name="Admin Kamer")


# --- flags ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Appelez le 6 77 12 34 56", "tel: 677123456", "Contact +237 699 12 34 56", "00237690112233",
    "écrivez à vendeur.douala@gmail.com", "Dispo sur WhatsApp", "whatsap moi", "6XX : 655-12-34-56",
])
def test_contact_flag(app, text):
    assert "contact" in moderation.flags_for(pending(description=text))


@pytest.mark.parametrize("text", [
    "Prix 150 000 FCFA à débattre", "Écran 32 pouces, 2 ports HDMI, année 2019", "Réf 12345678",
    "Dimensions 120 x 60 cm",
])
def test_no_contact_flag(app, text):
    assert "contact" not in moderation.flags_for(pending(description=text))


@pytest.mark.parametrize("text", [
    "Paiement par Orange Money uniquement", "MoMo accepté", "mobile money avant livraison",
    "Envoyez l'argent et je livre", "par transfert", "faites le #150# puis", "code *126# svp",
])
def test_payment_flag(app, text):
    assert "payment" in moderation.flags_for(pending(description=text))


@pytest.mark.parametrize("text", ["Paiement au point relais à la remise", "Monnaie exacte appréciée", "Le moment venu"])
def test_no_payment_flag(app, text):
    assert "payment" not in moderation.flags_for(pending(description=text))


@pytest.mark.parametrize("title", ["Fusil de chasse", "ARME blanche", "Faux billets", "Bracelet en IVOIRE",
                                   "Peau de léopard véritable", "Médicament sur ordonnance", "Cannabis"])
def test_banned_word_flag(app, title):
    assert "banned_word" in moderation.flags_for(pending(title))


@pytest.mark.parametrize("title", ["Armoire en bois", "Darmes", "Fusible 10A", "Ivoirine décorative", "Drogueries"])
def test_no_banned_word_flag_for_similar_words(app, title):
    assert "banned_word" not in moderation.flags_for(pending(title))


def test_banned_words_come_from_config(app):
    app.config["BANNED_WORDS"] = ("tortue marine",)
    try:
        assert "banned_word" in moderation.flags_for(pending("Carapace de TORTUE marine"))
        assert "banned_word" not in moderation.flags_for(pending("Fusil"))
    finally:
        app.config.pop("BANNED_WORDS")
        from config import TestConfig

        app.config["BANNED_WORDS"] = TestConfig.BANNED_WORDS


@pytest.fixture
def phones(app):
    category = f.category()
    for price in (40_000, 45_000, 50_000, 55_000, 60_000):
        f.product(category_=category, price=price)
    return category


@pytest.mark.parametrize("price", [10_000, 250_000])
def test_price_outlier_flag(app, phones, price):
    assert "price_outlier" in moderation.flags_for(pending(category_=phones, price=price))


@pytest.mark.parametrize("price", [13_000, 50_000, 199_000])
def test_no_price_outlier_within_range(app, phones, price):
    assert "price_outlier" not in moderation.flags_for(pending(category_=phones, price=price))


def test_no_price_outlier_below_five_active_products(app):
    category = f.category()
    for price in (40_000, 45_000, 50_000, 55_000):
        f.product(category_=category, price=price)
    f.product(category_=category, price=50_000, status=PENDING)
    assert "price_outlier" not in moderation.flags_for(pending(category_=category, price=100))


def test_duplicate_photo_flag(app):
    other = f.product()
    image(other, "abc123")
    product = pending()
    image(product, "abc123")
    assert "duplicate_photo" in moderation.flags_for(product)


def test_no_duplicate_photo_for_the_same_seller_or_another_picture(app):
    seller = f.user()
    mine = f.product(seller=seller)
    image(mine, "abc123")
    product = pending(seller=seller)
    image(product, "abc123")
    image(f.product(), "zzz999")
    assert "duplicate_photo" not in moderation.flags_for(product)


def test_clean_listing_has_no_flag_and_refresh_stores_them(app):
    product = pending()
    assert moderation.flags_for(product) == []
    product.description = "Orange Money au 677 12 34 56"
    assert moderation.refresh_flags(product) == "contact payment"
    db.session.commit()
    db.session.expire_all()
    assert moderation.flag_list(product) == ["contact", "payment"]


# --- queue and decisions ---------------------------------------------------------------------------

def test_queue_is_pending_oldest_first(app):
    new, old, middle = pending("A", age=1), pending("B", age=30), pending("C", age=10)
    f.product("Active")
    page = moderation.queue(1)
    assert [p.public_id for p in page.items] == [old.public_id, middle.public_id, new.public_id]
    assert page.total == 3 and not page.has_next
    assert [p.public_id for p in moderation.queue(2, per_page=2).items] == [new.public_id]


def test_approve_publishes_audits_and_tells_the_seller(app, admin):
    product = pending()
    moderation.approve(admin, product.public_id, ip="10.0.0.1")
    db.session.expire_all()
    assert product.status == ProductStatus.ACTIVE
    assert product.published_at is not None and product.moderated_at is not None
    assert product.moderated_by_id == admin.id
    entry = db.session.scalar(select(AuditEntry))
    assert (entry.actor_id, entry.action, entry.object_id, entry.ip) == (
        admin.id, "product.approve", product.public_id, "10.0.0.1")
    assert audit.decode(entry.before)["status"] == "PENDING" and audit.decode(entry.after)["status"] == "ACTIVE"
    assert "en ligne" in f.outbox(product.seller.phone)[0].body


def test_approve_keeps_the_first_publication_date(app, admin):
    first = utcnow() - timedelta(days=3)
    product = pending(published_at=first)
    moderation.approve(admin, product.public_id)
    db.session.expire_all()
    assert abs((product.published_at - first).total_seconds()) < 1


def test_reject_needs_a_reason_and_the_seller_sees_it(app, admin):
    product = pending()
    for reason in ("", "  x ", "a" * 501):
        with pytest.raises(Invalid):
            moderation.reject(admin, product.public_id, reason)
    moderation.reject(admin, product.public_id, "Photos floues, refaites-les à la lumière du jour.")
    db.session.expire_all()
    assert product.status == ProductStatus.REJECTED
    assert product.rejection_reason == "Photos floues, refaites-les à la lumière du jour."
    assert "refusée" in f.outbox(product.seller.phone)[0].body
    entry = db.session.scalar(select(AuditEntry))
    assert entry.action == "product.reject" and "Photos floues" in entry.after


@pytest.mark.parametrize("status", [ProductStatus.ACTIVE, ProductStatus.REJECTED, ProductStatus.DRAFT])
def test_non_pending_is_a_conflict(app, admin, status):
    product = f.product(status=status)
    with pytest.raises(Conflict):
        moderation.approve(admin, product.public_id)
    with pytest.raises(Conflict):
        moderation.reject(admin, product.public_id, "Hors sujet")
    with pytest.raises(NotFound):
        moderation.approve(admin, "nope")


def test_bulk_approve_and_reject_audit_each(app, admin):
    a, b, c, d = pending("A"), pending("B"), pending("C"), pending("D")
    done, failed = moderation.approve_many(admin, [a.public_id, b.public_id, "missing"])
    assert len(done) == 2 and list(failed) == ["missing"]
    with pytest.raises(Invalid):
        moderation.reject_many(admin, [c.public_id], "")
    done, failed = moderation.reject_many(admin, [c.public_id, d.public_id, a.public_id], "Article interdit")
    assert len(done) == 2 and list(failed) == [a.public_id]
    db.session.expire_all()
    assert [p.status for p in (a, b, c, d)] == ["ACTIVE", "ACTIVE", "REJECTED", "REJECTED"]
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["product.approve"] * 2 + ["product.reject"] * 2


def test_take_down_withdraws_a_live_product_audits_and_tells_the_seller(app, admin):
    product = f.product("Perceuse Bosch")
    db.session.commit()
    with pytest.raises(Invalid):
        moderation.take_down(admin, product.public_id, "  ")
    moderation.take_down(admin, product.public_id, "Contrefaçon signalée.", ip="10.0.0.2")
    db.session.expire_all()
    assert product.status == ProductStatus.REJECTED and product.rejection_reason == "Contrefaçon signalée."
    entry = db.session.scalar(select(AuditEntry))
    assert (entry.action, entry.object_id, entry.ip) == ("product.takedown", product.public_id, "10.0.0.2")
    assert audit.decode(entry.before)["status"] == "ACTIVE"
    assert "retirée de la vente" in f.outbox(product.seller.phone)[0].body
    with pytest.raises(Conflict):
        moderation.take_down(admin, product.public_id, "Encore une fois.")
    with pytest.raises(NotFound):
        moderation.take_down(admin, "inconnue", "Contrefaçon signalée.")


def test_for_review_finds_one_product_whatever_its_status(app):
    waiting, live = pending("Radio"), f.product("Lampe")
    db.session.commit()
    assert moderation.for_review(waiting.public_id).title == "Radio"
    assert moderation.for_review(live.public_id).status == ProductStatus.ACTIVE
    assert moderation.for_review("inconnue") is None and moderation.for_review(None) is None
