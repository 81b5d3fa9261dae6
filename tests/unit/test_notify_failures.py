"""When a channel fails: the caller's change stands, the delivery log says what happened, and the logs show
the recipient masked and never the message (it often holds a one-time code). Under RQ a failure that may
pass later is left to RQ's retry."""
import logging

import pytest
from rq import Queue
from rq.registry import ScheduledJobRegistry

from tests.conftest import make_app, migrate
from tests.fakes.fixtures import africastalking_fake  # noqa: F401
from tests.servers import free_port
from vgk.extensions import db
from vgk.integrations.registry import adapters_of
from vgk.jobs import QUEUE_NAME
from vgk.models import NotificationDelivery
from vgk.services.notifications import Guest, notify
from vgk.services.notifications.engine import DELIVERY_RETRIES

NUMBER = "+237690000123"
CODE = {"code": "482913", "minutes": 10}


def _sms_app(tmp_path, media_root, fake, name, **settings):
    app = make_app(f"sqlite:///{tmp_path / name}", media_root, AFRICASTALKING_USERNAME=fake.username,
                   AFRICASTALKING_BASE_URL=fake.url, **settings)
    migrate(app)
    return app


@pytest.fixture
def refusing_app(africastalking_fake, tmp_path, media_root):
    """Africa's Talking with a key it refuses (built before the test: migrating resets the log handlers)."""
    return _sms_app(tmp_path, media_root, africastalking_fake, "refused.sqlite3", AFRICASTALKING_API_KEY="revoked")


@pytest.fixture
def mail_down_app(tmp_path, media_root):
    app = make_app(f"sqlite:///{tmp_path / 'mail.sqlite3'}", media_root, SMTP_HOST="127.0.0.1",
                   SMTP_PORT=free_port(), SMTP_SECURITY="none")
    migrate(app)
    return app


def _row():
    return db.session.query(NotificationDelivery).filter_by(channel="sms").one()


def test_a_refused_sms_is_logged_masked_and_the_caller_goes_on(refusing_app, caplog):
    caplog.set_level(logging.INFO)
    with refusing_app.app_context():
        notify(Guest(phone=NUMBER), "security.code", CODE)
        db.session.commit()  # no exception reaches the caller
        row = _row()
        assert (row.status, row.attempts) == ("failed", 1) and "authentication" in row.error
        assert "482913" not in row.context  # the sealed code is wiped once the message is settled
    assert f"notification {row.id} via sms failed" in caplog.text
    assert "482913" not in caplog.text and NUMBER not in caplog.text


def test_an_unexpected_adapter_error_loses_its_words_not_its_place(app, monkeypatch, caplog):
    class Broken:
        name = "broken"

        def deliver(self, message):
            raise RuntimeError(f"cannot store {message.to}: {message.text}")

    monkeypatch.setattr(adapters_of(app), "sms", Broken())
    caplog.set_level(logging.INFO)
    notify(Guest(phone=NUMBER), "security.code", CODE)
    db.session.commit()
    row = _row()
    assert (row.status, row.error) == ("failed", "error: RuntimeError")
    assert "RuntimeError" in caplog.text and "vgk/services/notifications/delivery.py" in caplog.text
    assert "482913" not in caplog.text and NUMBER not in caplog.text


def test_an_email_server_that_is_down_is_tried_again_later(mail_down_app, caplog):
    caplog.set_level(logging.INFO)
    with mail_down_app.app_context():
        notify(Guest(email="amina@example.cm"), "security.code", CODE)
        db.session.commit()
        row = db.session.query(NotificationDelivery).filter_by(channel="email").one()
        assert (row.status, row.attempts) == ("queued", 1)  # waits for its next try
        assert "ConnectionRefusedError" in row.error
    assert f"notification {row.id} via email: SMTP delivery failed: ConnectionRefusedError" in caplog.text
    assert "482913" not in caplog.text and "amina@example.cm" not in caplog.text


def test_with_rq_a_provider_error_is_retried_by_rq_without_the_text(africastalking_fake, redis_server, tmp_path,
                                                                     media_root):
    africastalking_fake.http_status = 500
    app = _sms_app(tmp_path, media_root, africastalking_fake, "rq.sqlite3",
                   AFRICASTALKING_API_KEY=africastalking_fake.api_key, REDIS_URL=redis_server.url)
    with app.app_context():
        queue = adapters_of(app).queue
        queue.empty()
        notify(Guest(phone=NUMBER), "security.code", CODE)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["rq-worker", "--burst"])
    assert result.exit_code == 0, result.output
    scheduled = ScheduledJobRegistry(queue=Queue(QUEUE_NAME, connection=queue.connection))
    [job_id] = scheduled.get_job_ids()
    job = queue.fetch_job(job_id)
    assert job.retries_left == DELIVERY_RETRIES - 1
    assert "482913" not in job.description and "482913" not in str(job.args)
    with app.app_context():
        assert (_row().status, _row().attempts) == ("queued", 1)
    scheduled.remove(job_id, delete_job=True)


@pytest.fixture(autouse=True)
def _reset(africastalking_fake):
    yield
    africastalking_fake.reset()
