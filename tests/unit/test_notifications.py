"""Delivery jobs: failures are logged with the recipient masked and without the text, then raised
again (the inline runner logs them and the request goes on; RQ records them as failed jobs)."""
import logging

import pytest
from rq import Queue
from rq.registry import FailedJobRegistry, ScheduledJobRegistry

from tests.conftest import make_app, migrate
from tests.fakes.fixtures import africastalking_fake  # noqa: F401
from tests.servers import free_port
from vgk.integrations.mail import MailError
from vgk.integrations.registry import adapters_of
from vgk.integrations.sms import SmsError
from vgk.jobs import QUEUE_NAME
from vgk.services.messaging import notifications

NUMBER = "+237690000123"
SECRET_TEXT = "Vidé-Grenier Kamer : votre code de connexion est 482913."


@pytest.fixture
def failing_sms_app(africastalking_fake, tmp_path, media_root):
    """Africa's Talking configured with a key the provider refuses."""
    app = make_app(
        f"sqlite:///{tmp_path / 'notifications.sqlite3'}", media_root,
        AFRICASTALKING_USERNAME=africastalking_fake.username,
        AFRICASTALKING_API_KEY="revoked-key",
        AFRICASTALKING_BASE_URL=africastalking_fake.url,
    )
    migrate(app)
    return app


def test_a_refused_sms_is_logged_masked_and_raised_again(failing_sms_app, caplog):
    caplog.set_level(logging.INFO)
    with failing_sms_app.app_context(), pytest.raises(SmsError):
        notifications.deliver_sms(NUMBER, SECRET_TEXT)
    assert "SMS to ***123 via africastalking failed" in caplog.text
    assert "authentication is invalid" in caplog.text
    assert "482913" not in caplog.text and NUMBER not in caplog.text


def test_inline_a_failed_sms_does_not_break_the_caller(failing_sms_app, caplog):
    caplog.set_level(logging.INFO)
    with failing_sms_app.app_context():
        notifications.send_sms(NUMBER, SECRET_TEXT)  # no exception reaches the caller
    assert "SMS to ***123 via africastalking failed" in caplog.text
    assert "inline job vgk.services.messaging.notifications:deliver_sms failed" in caplog.text
    assert "482913" not in caplog.text and NUMBER not in caplog.text


def test_an_unexpected_adapter_error_loses_its_words_not_its_place(tmp_path, media_root, caplog):
    # No migration: the outbox table is missing and the database error would quote the text.
    app = make_app(f"sqlite:///{tmp_path / 'empty.sqlite3'}", media_root)
    caplog.set_level(logging.INFO)
    with app.app_context():
        with pytest.raises(notifications.DeliveryFailed, match="OperationalError"):
            notifications.deliver_sms(NUMBER, SECRET_TEXT)
        notifications.send_sms(NUMBER, SECRET_TEXT)
    assert "SMS to ***123 via outbox failed: OperationalError" in caplog.text
    assert "vgk/integrations/sms.py" in caplog.text  # where it broke is kept
    assert "482913" not in caplog.text and NUMBER not in caplog.text


def test_a_refused_email_is_logged_masked_and_raised_again(tmp_path, media_root, caplog):
    app = make_app(f"sqlite:///{tmp_path / 'mail.sqlite3'}", media_root, SMTP_HOST="127.0.0.1",
                   SMTP_PORT=free_port(), SMTP_SECURITY="none")
    caplog.set_level(logging.INFO)
    with app.app_context():
        with pytest.raises(MailError):
            notifications.deliver_email("amina@example.cm", "Votre code", SECRET_TEXT)
        notifications.send_email("amina@example.cm", "Votre code", SECRET_TEXT)
    assert "email to a***@example.cm via smtp failed: SMTP delivery failed: ConnectionRefusedError" in caplog.text
    assert "inline job vgk.services.messaging.notifications:deliver_email failed" in caplog.text
    assert "482913" not in caplog.text and "amina@example.cm" not in caplog.text


def test_a_delivered_sms_is_logged_masked(app, caplog):
    caplog.set_level(logging.INFO)
    notifications.send_sms(NUMBER, SECRET_TEXT)
    assert "SMS to ***123 sent via outbox (reference outbox)" in caplog.text
    assert "482913" not in caplog.text


def test_with_a_queue_the_failure_is_recorded_by_rq(africastalking_fake, redis_server, tmp_path, media_root):
    app = make_app(
        f"sqlite:///{tmp_path / 'rq.sqlite3'}", media_root, REDIS_URL=redis_server.url,
        AFRICASTALKING_USERNAME=africastalking_fake.username,
        AFRICASTALKING_API_KEY="revoked-key",
        AFRICASTALKING_BASE_URL=africastalking_fake.url,
    )
    migrate(app)
    with app.app_context():
        queue = adapters_of(app).queue
        queue.empty()
        notifications.send_sms(NUMBER, SECRET_TEXT)
    result = app.test_cli_runner().invoke(args=["rq-worker", "--burst"])
    assert result.exit_code == 0, result.output

    # The failure is recorded and the job waits to be tried again later.
    scheduled = ScheduledJobRegistry(queue=Queue(QUEUE_NAME, connection=queue.connection))
    [job_id] = scheduled.get_job_ids()
    assert queue.fetch_job(job_id).retries_left == notifications.DELIVERY_RETRIES - 1
    scheduled.remove(job_id, delete_job=True)


def test_a_delivery_that_keeps_failing_ends_in_rq_failed_jobs_without_the_text(
    africastalking_fake, redis_server, tmp_path, media_root, monkeypatch
):
    monkeypatch.setattr(notifications, "DELIVERY_RETRIES", 0)
    app = make_app(
        f"sqlite:///{tmp_path / 'rq-final.sqlite3'}", media_root, REDIS_URL=redis_server.url,
        AFRICASTALKING_USERNAME=africastalking_fake.username,
        AFRICASTALKING_API_KEY="revoked-key",
        AFRICASTALKING_BASE_URL=africastalking_fake.url,
    )
    migrate(app)
    with app.app_context():
        queue = adapters_of(app).queue
        queue.empty()
        notifications.send_sms(NUMBER, SECRET_TEXT)
    result = app.test_cli_runner().invoke(args=["rq-worker", "--burst"])
    assert result.exit_code == 0, result.output
    registry = FailedJobRegistry(queue=Queue(QUEUE_NAME, connection=queue.connection))
    [job_id] = registry.get_job_ids()
    job = queue.fetch_job(job_id)
    traceback_text = job.latest_result().exc_string
    assert "SmsError" in traceback_text
    assert "482913" not in traceback_text
    assert "482913" not in job.description
    registry.remove(job_id, delete_job=True)
