"""The development outbox page: the latest SMS and emails, so the demo can read its codes."""
from datetime import timedelta

from config import ProductionConfig
from tests.conftest import make_app
from vgk import create_app
from vgk.extensions import db
from vgk.integrations.registry import adapters_of
from vgk.models import OutboxMessage
from vgk.models.base import utcnow


def test_outbox_lists_the_latest_messages_newest_first(app, client):
    now = utcnow()
    for n in range(55):
        db.session.add(OutboxMessage(channel="SMS", recipient=f"+2376900{n:05d}", body=f"message {n:02d}",
                                     created_at=now - timedelta(minutes=60 - n)))
    db.session.commit()
    adapters_of(app).sms.send("+237690000001", "Vidé-Grenier Kamer : votre code de connexion est 482913.")
    adapters_of(app).mail.send("awa@example.cm", "Réinitialisation de votre mot de passe", "Ouvrez ce lien : https://vgk.cm/x")

    response = client.get("/dev/outbox")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "482913" in html and "+237690000001" in html
    assert "awa@example.cm" in html and "Réinitialisation de votre mot de passe" in html
    assert html.count('class="outbox-msg"') == 50
    assert html.index("482913") < html.index("message 54") < html.index("message 53")
    assert "message 06" not in html  # the oldest are left out


def test_outbox_is_empty_at_first(client):
    response = client.get("/dev/outbox")
    assert response.status_code == 200
    assert "Aucun message pour le moment." in response.get_data(as_text=True)


def test_outbox_does_not_exist_without_dev_tools(media_root):
    app = make_app("sqlite://", media_root, DEV_TOOLS=False)
    assert "dev.outbox" not in app.view_functions
    assert app.test_client().get("/dev/outbox").status_code == 404


def test_production_settings_have_no_dev_tools(media_root):
    class Production(ProductionConfig):
        SECRET_KEY = "a-real-secret-for-this-test-of-at-least-32-bytes"
        PUBLIC_URL = "https://vgk.cm"
        CAMPAY_USERNAME = "vgk-app"
        CAMPAY_PASSWORD = "not-used-here"
        SQLALCHEMY_DATABASE_URI = "sqlite://"
        REDIS_URL = None
        MEDIA_ROOT = media_root

    assert ProductionConfig.DEV_TOOLS is False
    app = create_app(Production)
    assert app.test_client().get("/dev/outbox", base_url="https://vgk.cm").status_code == 404


def test_the_outbox_declares_its_access_rule(app):
    assert app.view_functions["dev.outbox"].access == "public"
