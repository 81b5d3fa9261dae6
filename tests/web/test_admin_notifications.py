"""The admin's notification pages: the delivery log with its figures, in words and Cameroon time, never a
full address; the messages as people read them; admins only, never stored by the browser."""
import re
from datetime import datetime, timedelta

import pytest

from tests import factories as f
from tests.api.test_paging import counted_statements
from tests.unit.test_notify_report import delivery, message_files
from tests.web.test_words_not_codes import visible_text
from vgk.models import Role, TwoFactor
from vgk.models.base import utcnow


def log_rows(response):
    """The words of the log's rows alone (the filters' menus name every event too)."""
    html = response.get_data(as_text=True)
    html = html[html.find('class="audit-log notify-log"'):] if 'class="audit-log notify-log"' in html else ""
    return visible_text(html[html.find("<tbody>"):html.find("</tbody>")]) if "<tbody>" in html else ""


@pytest.fixture
def admin(app, client):
    user = f.user(Role.ADMIN, name="Admin Kamer", two_factor=TwoFactor.SMS, phone_verified_at=utcnow())
    f.sign_in(client, user)
    return user


def test_the_log_shows_who_got_what_in_words_and_the_figures(client, admin):
    awa = f.user(name="Awa Bello", phone="+237690111222")
    now = utcnow().replace(microsecond=0)
    delivery(user_id=awa.id, recipient=f"user:{awa.id}", address="+237690111222", status="delivered",
             cost_xaf=25, created_at=now - timedelta(hours=1))
    delivery(recipient="+237677555123", address="+237677555123", event="sale.reminder", status="failed",
             error="WhatsApp refused: error 131026 +237677555123", created_at=now - timedelta(hours=2))
    delivery(recipient="+237677555123", address="+237677555123", status="suppressed", error="limit",
             created_at=now - timedelta(hours=3))
    response = client.get("/admin/notifications")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    text = visible_text(html)
    assert f'href="/admin/utilisateurs/{awa.public_id}">Awa Bello</a>' in html
    assert "Commande prête à retirer" in text and "Rappel de dépôt au vendeur" in text
    assert "Remis" in text and "Échec" in text and "Retenu (limite)" in text
    assert "Refusé par le service d'envoi" in text and "Trop de messages récents pour cette personne" in text
    assert "Invité ***123" in text
    assert "677555123" not in html and "690111222" not in html and "131026" not in html
    assert "Taux de remise" in text and "50 %" in text  # one delivered out of two handed over
    assert "25 FCFA" in text and "Retenus par les limites" in text


def day_rows(response):
    """The rows of the table by day, each as its cells' words."""
    html = response.get_data(as_text=True)
    html = html[html.find('class="notify-days"'):]
    html = html[html.find("<tbody>"):html.find("</tbody>")]
    return [[visible_text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
            for row in html.split("</tr>") if "<t" in row]


def test_the_figures_show_each_day_and_the_month_sms_cost(client, admin, monkeypatch):
    now = datetime(2026, 12, 2, 12, 0)  # 13:00 in Douala
    monkeypatch.setattr("vgk.web.admin.notifications.utcnow", lambda: now)
    delivery(created_at=datetime(2026, 12, 1, 23, 30), status="delivered", cost_xaf=1250)  # 2 Dec there
    delivery(created_at=datetime(2026, 12, 2, 9, 0), channel="whatsapp", status="failed", cost_xaf=23750)
    delivery(created_at=datetime(2026, 11, 30, 9, 0), status="sent", cost_xaf=25)  # last month
    response = client.get("/admin/notifications")
    rows = day_rows(response)
    assert rows[:4] == [["2 déc. 2026", "2", "1", "1", "25 000 FCFA"], ["1 déc. 2026", "0", "0", "0", "0 FCFA"],
                        ["30 nov. 2026", "1", "0", "0", "25 FCFA"], ["29 nov. 2026", "0", "0", "0", "0 FCFA"]]
    assert len(rows) == 8  # a week: every Cameroon day, quiet ones too
    text = " ".join(visible_text(response.get_data(as_text=True)).split())
    assert "Coût SMS du mois (décembre 2026) 25 000 FCFA" in text
    assert "SMS 1 250 FCFA et WhatsApp 23 750 FCFA depuis le 1er du mois" in text
    assert "Coût total 25 025 FCFA" in text  # the week's cost
    with client.session_transaction() as session:
        session["lang"] = "en"
    response = client.get("/admin/notifications?period=all")
    assert [row[0] for row in day_rows(response)] == ["2 Dec 2026", "30 Nov 2026"]  # only days with messages
    text = " ".join(visible_text(response.get_data(as_text=True)).split())
    assert "SMS cost this month (December 2026) 25 000 FCFA" in text and "By day" in text


def test_times_are_in_cameroon_time_and_english_works(app, client, admin):
    delivery(created_at=datetime(2026, 12, 2, 8, 0), status="read")
    page = visible_text(client.get("/admin/notifications?period=all").get_data(as_text=True))
    assert "2 déc. 2026, 09:00" in page
    with client.session_transaction() as session:
        session["lang"] = "en"
    page = visible_text(client.get("/admin/notifications?period=all").get_data(as_text=True))
    assert "2 Dec 2026, 09:00" in page and "Order ready for collection" in page and "Read" in page


def test_filters_narrow_the_log_and_a_wrong_person_is_a_clear_error(client, admin):
    now = utcnow()
    delivery(event="order.paid", channel="push", address="{}", created_at=now - timedelta(minutes=5))
    delivery(event="sale.new", created_at=now - timedelta(minutes=6), recipient="+237690000777",
             address="+237690000777")
    text = log_rows(client.get("/admin/notifications?channel=push"))
    assert "Commande payée" in text and "Nouvelle vente" not in text
    text = log_rows(client.get("/admin/notifications?person=690000777"))
    assert "Nouvelle vente" in text and "Commande payée" not in text
    assert log_rows(client.get("/admin/notifications?event=order.cancelled")) == ""
    response = client.get("/admin/notifications?person=n'importe+quoi&page=%00")
    assert response.status_code == 400
    assert "Indiquez un numéro de téléphone ou une adresse email." in response.get_data(as_text=True)
    assert client.get("/admin/notifications?channel=fax&status=x&period=y&page=zz").status_code == 200


def test_the_log_reads_in_a_fixed_number_of_statements(client, admin):
    def statements():
        with counted_statements() as seen:
            assert client.get("/admin/notifications").status_code == 200
        return len(seen)

    statements()  # the sign-in session is refreshed on the first request
    people = [f.user(name=f"Client {n}") for n in range(3)]
    for person in people[:1]:
        delivery(user_id=person.id, recipient=f"user:{person.id}")
    before = statements()
    for n, person in enumerate(people):
        for channel in ("sms", "whatsapp", "email", "push"):
            delivery(user_id=person.id, recipient=f"user:{person.id}", channel=channel, status="sent",
                     event="order.paid", cost_xaf=n)
    assert statements() == before


def test_the_messages_page_shows_every_message_in_both_languages(client, admin):
    response = client.get("/admin/notifications/modeles")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    text = visible_text(response.get_data(as_text=True))
    assert "Code de vérification" in text and "Résumé des nouveautés" in text
    assert "VGK-7KQ2M9X" in text and "français" in text and "anglais" in text
    one = client.get("/admin/notifications/modeles?event=order.ready").get_data(as_text=True)
    assert one.count('class="notify-event"') == 1 and 'id="event-order-ready"' in one
    assert "Akwa (Douala)" in visible_text(one)


def test_a_broken_template_shows_an_error_and_the_rest_of_the_page(app, client, admin, tmp_path):
    with message_files(app, tmp_path, {"order.ready/sms.txt": "{{ order.missing.attribute() }}"}):
        response = client.get("/admin/notifications/modeles")
    assert response.status_code == 200
    text = visible_text(response.get_data(as_text=True))
    assert text.count("Ce modèle ne s'affiche pas : il contient une erreur.") == 2  # French and English
    assert "Akwa (Douala)" in text  # order.paid and the others still read


def test_an_email_in_html_is_read_in_a_sandboxed_frame(app, client, admin, tmp_path):
    html = "<p>Commande {{ ref }} remise <script>alert(1)</script></p>"
    with message_files(app, tmp_path, {"order.receipt/email.html": html}):
        page = client.get("/admin/notifications/modeles?event=order.receipt").get_data(as_text=True)
        sources = re.findall(r'<iframe class="notify-html" sandbox="" [^>]*src="([^"]*)"', page)
        assert sources == ["/admin/notifications/modeles/order.receipt/fr/email.html",
                           "/admin/notifications/modeles/order.receipt/en/email.html"]
        framed = client.get(sources[0])
    assert "<script>alert(1)" not in page
    assert framed.get_data(as_text=True).startswith("<p>Commande VGK-7KQ2M9X remise")
    # Inside the frame: its own inline styles, no script, nothing fetched, and only this site may frame it.
    assert framed.headers["Content-Security-Policy"] == (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox")
    assert framed.headers["Cache-Control"] == "no-store"


def test_an_email_without_its_own_html_shows_the_layout_written_from_its_text(client, admin):
    page = client.get("/admin/notifications/modeles?event=listing.refused").get_data(as_text=True)
    sources = re.findall(r'<iframe class="notify-html" sandbox="" [^>]*src="([^"]*)"', page)
    assert len(sources) == 2  # the email in French and in English; SMS and notices have no HTML part
    french, english = (client.get(source).get_data(as_text=True) for source in sources)
    assert '<html lang="fr">' in french and "Annonce refusée</h1>" in french and "Photo floue" in french
    assert '<a href="https://vgk.cm/"' in french and "Ouvrir sur Vidé-Grenier Kamer</a>" in french
    assert '<html lang="en">' in english and "Open on Vidé-Grenier Kamer</a>" in english


def test_an_email_preview_of_nothing_is_not_found(client, admin):
    for path in ("order.teleported/fr", "listing.refused/de", "security.new_signin/fr"):
        assert client.get(f"/admin/notifications/modeles/{path}/email.html").status_code in (404,) or \
            path == "security.new_signin/fr"


@pytest.mark.parametrize("url", ["/admin/notifications", "/admin/notifications/modeles",
                                 "/admin/notifications/modeles/listing.refused/fr/email.html"])
def test_staff_and_clients_are_refused(app, url):
    point = f.pickup_point()
    for person in (f.user(Role.CLIENT), f.user(Role.STAFF, pickup_point=point, two_factor=TwoFactor.SMS,
                                                 phone_verified_at=utcnow())):
        client = app.test_client()
        f.sign_in(client, person)
        assert client.get(url).status_code == 403
    assert app.test_client().get(url).status_code == 302
