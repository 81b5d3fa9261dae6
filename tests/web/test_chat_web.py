"""Conversations on the web: contacting a seller from the product page, the inbox, a conversation read and
written without JavaScript (post, redirect, see it), the htmx poll (304 when nothing is new), masked contacts
and the payment warning, offers and their buttons, reports and blocks, the support and the admin pages."""
import re

import pytest

from tests import factories as f
from tests.api.test_paging import counted_statements
from tests.web.test_auth import post, text
from vgk.extensions import db
from vgk.models import Role, TwoFactor
from vgk.services.conversations import messages, safety, threads

HTMX = {"HX-Request": "true"}


@pytest.fixture
def talk(app):
    seller = f.user(name="Nadège Fotso")
    phone = f.product("Tecno Spark 10", seller=seller, price=65_000, negotiable=True)
    buyer = f.user(name="Awa Bello")
    return seller, buyer, phone, threads.open_about_listing(buyer, phone.public_id)


def url(conversation, tail=""):
    return f"/messages/{conversation.public_id}{tail}"


def test_the_product_page_offers_to_contact_the_seller_but_not_to_the_seller(client, talk):
    seller, buyer, phone, _ = talk
    visitor = text(client.get(f"/p/{phone.public_id}"))
    assert "Contacter le vendeur" in visitor and f"next=/p/{phone.public_id}" in visitor.replace("%2F", "/")
    f.sign_in(client, buyer)
    page = text(client.get(f"/p/{phone.public_id}"))
    assert "Faire une offre" in page
    # The cart stays the main action: the conversation buttons are secondary.
    assert re.search(r'<button type="submit" class="ghost">Contacter le vendeur', page)
    assert '<button type="submit" class="wide">Ajouter au panier' in page
    response = post(client, f"/messages/annonce/{phone.public_id}", page=f"/p/{phone.public_id}", data={"offre": "1"})
    assert response.status_code == 303 and response.headers["Location"].endswith(url(talk[3], "#offer-form"))
    f.sign_in(client, seller)
    assert "Contacter le vendeur" not in text(client.get(f"/p/{phone.public_id}"))


def test_asking_without_javascript_then_the_seller_reads_and_answers(client, talk):
    seller, buyer, _phone, conversation = talk
    f.sign_in(client, buyer)
    response = post(client, url(conversation), data={"body": "Bonjour <b>toujours</b> disponible ?"})
    assert response.status_code == 303
    page = text(client.get(response.headers["Location"]))
    assert "Bonjour &lt;b&gt;toujours&lt;/b&gt; disponible ?" in page and "Envoyé" in page
    assert page.index("Tecno Spark 10") < page.index("Bonjour") and "65 000 FCFA" in page

    f.sign_in(client, seller)
    assert re.search(r'id="unread-badge"[^>]*>1<', text(client.get("/")))
    inbox = text(client.get("/messages"))
    assert "Tecno Spark 10" in inbox and "Awa Bello" in inbox and "toujours" in inbox
    client.get(url(conversation))  # opening it reads it
    assert threads.unread_total(seller) == 0
    assert re.search(r'id="unread-badge"[^>]*hidden', text(client.get("/")))
    post(client, url(conversation), data={"body": "Oui, passez demain."})

    f.sign_in(client, buyer)
    page = text(client.get(url(conversation)))
    assert "Oui, passez demain." in page and "Lu" in page


def test_an_empty_message_is_refused_in_the_form_and_typed_text_is_kept(client, talk):
    _seller, buyer, _phone, conversation = talk
    f.sign_in(client, buyer)
    response = post(client, url(conversation), data={"body": "   "})
    assert response.status_code == 400 and "Écrivez un message." in text(response)
    long = "x" * 2001
    response = post(client, url(conversation), data={"body": long})
    assert response.status_code == 400 and long in text(response)


def test_htmx_posts_swap_the_form_and_the_poll_answers_304_when_nothing_is_new(client, talk):
    seller, buyer, _phone, conversation = talk
    f.sign_in(client, buyer)
    response = post(client, url(conversation), data={"body": "Prix ferme ?"}, headers=HTMX)
    assert response.status_code == 200 and response.headers["HX-Trigger"] == "chat-refresh"
    assert '<form id="chat-form"' in text(response) and "<html" not in text(response)
    empty = post(client, url(conversation), data={"body": " "}, headers=HTMX)
    assert empty.status_code == 400 and "Écrivez un message." in text(empty) and "<html" not in text(empty)
    page = text(client.get(url(conversation)))
    poll = re.search(r'hx-get="([^"]+/nouveaux[^"]+)"', page).group(1).replace("&amp;", "&")
    unchanged = client.get(poll, headers=HTMX)
    assert unchanged.status_code == 304 and unchanged.get_data() == b""
    assert unchanged.headers["Cache-Control"] == "no-store"

    messages.post_text(seller, conversation, "Oui, 65 000 ferme.")
    news = client.get(poll, headers=HTMX)
    body = text(news)
    assert news.status_code == 200 and "Oui, 65 000 ferme." in body and "Prix ferme ?" not in body
    assert 'hx-swap-oob="beforeend"' in body and 'id="chat-poll"' in body
    # The seller's message is now read by the buyer, and the new poller asks after it.
    assert threads.unread_total(buyer) == 0
    again = re.search(r'hx-get="([^"]+/nouveaux[^"]+)"', body).group(1).replace("&amp;", "&")
    assert client.get(again, headers=HTMX).status_code == 304


def test_contacts_are_masked_and_payment_outside_is_flagged(client, talk):
    seller, buyer, _phone, conversation = talk
    messages.post_text(seller, conversation, "Appelez-moi au 677 12 34 56 et payez par Orange Money avant.")
    f.sign_in(client, buyer)
    page = text(client.get(url(conversation)))
    assert "677 12 34 56" not in page and "Coordonnées masquées" in page
    assert "ne payez jamais en dehors" in page


def test_offers_show_the_buttons_each_side_may_use(client, talk):
    seller, buyer, _phone, conversation = talk
    f.sign_in(client, buyer)
    response = post(client, url(conversation, "/offre"), page=url(conversation), data={"amount": "55000"})
    assert response.status_code == 303
    page = text(client.get(url(conversation)))
    assert "55 000 FCFA" in page and "En attente de réponse" in page and 'value="accept"' not in page
    too_much = post(client, url(conversation, "/offre"), page=url(conversation), data={"amount": "90000"})
    assert too_much.status_code == 400 and "Proposez moins" in text(too_much)

    f.sign_in(client, seller)
    page = text(client.get(url(conversation)))
    assert 'value="accept"' in page and 'value="counter"' in page and "Faire une offre" not in page
    offer = re.search(r'/offres/([^"]+)"', page).group(1)
    post(client, url(conversation, f"/offres/{offer}"), page=url(conversation),
         data={"decision": "counter", "amount": "60000"})
    f.sign_in(client, buyer)
    counter = re.findall(r'/offres/([^"]+)"', text(client.get(url(conversation))))[-1]
    post(client, url(conversation, f"/offres/{counter}"), page=url(conversation), data={"decision": "accept"})
    page = text(client.get(url(conversation)))
    assert "Offre acceptée : 60 000 FCFA" in page and "Acceptée" in page


def test_report_and_block(client, talk):
    seller, buyer, _phone, conversation = talk
    rude = messages.post_text(seller, conversation, "Message désagréable")
    f.sign_in(client, buyer)
    response = post(client, url(conversation, f"/signaler/{rude.id}"), page=url(conversation),
                    data={"reason": "Insultes"})
    assert response.status_code == 303
    assert "un administrateur va lire" in text(client.get(response.headers["Location"]))
    confirm = text(client.get(url(conversation, "/bloquer")))
    assert "Bloquer Nadège Fotso ?" in confirm
    response = post(client, url(conversation, "/bloquer"))
    assert response.status_code == 303 and response.headers["Location"].endswith("/messages")
    assert threads.blocked(buyer.id, seller.id)
    f.sign_in(client, seller)
    refused = post(client, url(conversation), data={"body": "Pourquoi ?"})
    assert refused.status_code == 403 and "ne reçoit plus vos messages" in text(refused)


def test_photos_are_shown_to_members_only(client, talk):
    seller, buyer, _phone, conversation = talk
    f.sign_in(client, buyer)
    response = client.post(url(conversation, "/photo"), data={
        "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', text(client.get(url(conversation)))).group(1),
        "photo": (__import__("io").BytesIO(f.jpeg_bytes()), "photo.jpg")}, content_type="multipart/form-data")
    assert response.status_code == 303
    src = re.search(r'src="(/messages/[^"]+/photos/\d+)"', text(client.get(url(conversation)))).group(1)
    photo = client.get(src)
    assert photo.status_code == 200 and photo.mimetype == "image/webp" and photo.headers["Cache-Control"] == "no-store"
    f.sign_in(client, f.user())
    assert client.get(src).status_code == 404


def test_support_from_the_account_menu_and_the_admin_queue(client, app):
    person = f.user(name="Paul Mbarga")
    f.sign_in(client, person)
    assert "Aide / Contacter le support" in text(client.get("/compte"))
    response = post(client, "/messages/support", page="/compte")
    assert response.status_code == 303
    post(client, response.headers["Location"].split("#")[0], data={"body": "Ma commande est en retard."})

    admin = f.user(Role.ADMIN, two_factor=TwoFactor.SMS, name="Admin VGK")
    f.sign_in(client, admin)
    queue = text(client.get("/admin/support"))
    assert "Paul Mbarga" in queue and "En attente" in queue
    link = re.search(r'href="(/messages/[^"]+)"', queue).group(1)
    post(client, link, data={"body": "Nous regardons."})
    assert "En attente" not in text(client.get("/admin/support"))


def test_admins_settle_reported_conversations(client, talk):
    seller, buyer, _phone, conversation = talk
    rude = messages.post_text(seller, conversation, "Message désagréable")
    safety.report(buyer, conversation, rude.id, "Insultes")
    admin = f.user(Role.ADMIN, two_factor=TwoFactor.SMS)
    f.sign_in(client, admin)
    assert re.search(r"Conversations signalées <span class=\"badge\">1<", text(client.get("/admin")))
    page = text(client.get("/admin/conversations-signalees"))
    assert "Message désagréable" in page and "Insultes" in page
    response = post(client, f"/admin/conversations-signalees/{conversation.public_id}",
                    page="/admin/conversations-signalees", data={"hide": str(rude.id), "action": "close"})
    assert response.status_code == 302
    assert "Message désagréable" not in text(client.get("/admin/conversations-signalees"))
    db.session.refresh(conversation)
    assert messages.page(buyer, conversation)[0] == [] and conversation.closed_at is not None


def test_admins_create_a_group(client, app):
    admin = f.user(Role.ADMIN, two_factor=TwoFactor.SMS)
    one, two = f.user(phone="+237690000111"), f.user(email="deux@example.cm")
    f.sign_in(client, admin)
    refused = post(client, "/admin/groupes/nouveau", data={"title": "Vendeurs", "members": "+237 690 00 09 99"})
    assert refused.status_code == 400 and "+237 690 00 09 99" in text(refused)
    response = post(client, "/admin/groupes/nouveau",
                    data={"title": "Vendeurs de Douala", "members": "+237 690 00 01 11\ndeux@example.cm"})
    assert response.status_code == 302
    group = threads.inbox(one).items[0].conversation
    assert group.title == "Vendeurs de Douala" and set(threads.member_ids(group)) == {admin.id, one.id, two.id}


def test_the_conversation_reads_in_english(client, talk):
    seller, buyer, _phone, conversation = talk
    messages.post_text(seller, conversation, "Appelez-moi au 677 12 34 56.")
    f.sign_in(client, buyer)
    client.get("/langue/en?next=/")
    page = text(client.get(url(conversation)))
    assert "Contact details hidden" in page and "Make an offer" in page and "Send" in page
    assert "Coordonnées masquées" not in page


def test_the_poll_also_answers_304_to_its_etag(client, talk):
    _seller, buyer, _phone, conversation = talk
    messages.post_text(buyer, conversation, "Bonjour")
    f.sign_in(client, buyer)
    first = client.get(url(conversation, "/nouveaux?apres=0"), headers=HTMX)
    assert first.status_code == 200 and "Bonjour" in text(first) and first.headers["ETag"]
    again = client.get(url(conversation, "/nouveaux?apres=0"), headers={**HTMX, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_the_inbox_reads_in_a_fixed_number_of_statements(client, talk):
    seller, buyer, phone, conversation = talk
    messages.post_text(buyer, conversation, "Bonjour")
    f.sign_in(client, seller)

    def statements():
        with counted_statements() as seen:
            assert client.get("/messages").status_code == 200
        return len(seen)

    statements()  # the sign-in session is refreshed on the first request
    before = statements()
    for n in range(3):
        other = f.user(name=f"Acheteur {n}")
        messages.post_text(other, threads.open_about_listing(other, phone.public_id), f"Question {n}")
    assert statements() == before
