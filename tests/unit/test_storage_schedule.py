"""The worker's minute sweep schedules the storage jobs: the offload every STORAGE_OFFLOAD_EVERY_MINUTES when
Dropbox is configured, the backup check every quarter of an hour; each once per minute however many sweeps
run."""
import pytest
from rq import Queue

from tests.conftest import make_app, migrate
from tests.fakes.fixtures import dropbox_fake, dropbox_server  # noqa: F401
from tests.unit.storage_fixtures import dropbox_settings
from vgk.extensions import db
from vgk.integrations.registry import adapters_of
from vgk.jobs import QUEUE_NAME, worker


def _app(redis_server, tmp_path, **settings):
    app = make_app(f"sqlite:///{tmp_path / 'schedule.sqlite3'}", str(tmp_path / "media"), REDIS_URL=redis_server.url,
                   **settings)
    migrate(app)
    return app


@pytest.fixture
def dropbox_rq_app(redis_server, tmp_path, dropbox_fake):
    app = _app(redis_server, tmp_path, **dropbox_settings(dropbox_fake, tmp_path / "backups"))
    with app.app_context():
        yield app
        db.session.remove()


def test_offload_on_its_minutes_and_the_backup_check_every_quarter_hour(dropbox_rq_app):
    queue = Queue(QUEUE_NAME, connection=adapters_of(dropbox_rq_app).queue.connection)
    minute = 29_000_040  # a whole hour (divisible by 60): both are due

    assert worker.schedule_storage(queue, minute) == [
        "vgk.services.storage.offload:offload_job", "vgk.services.storage.backups:backup_job"]
    assert worker.schedule_storage(queue, minute) == []  # a second sweep of the same minute
    assert worker.schedule_storage(queue, minute + 15) == ["vgk.services.storage.backups:backup_job"]
    assert worker.schedule_storage(queue, minute + 7) == []
    assert queue.count == 3


def test_without_dropbox_only_the_backup_check_is_scheduled(redis_server, tmp_path):
    app = _app(redis_server, tmp_path, BACKUP_DIR=str(tmp_path / "kept"))
    with app.app_context():
        queue = Queue(QUEUE_NAME, connection=adapters_of(app).queue.connection)
        assert worker.schedule_storage(queue, 29_000_040) == ["vgk.services.storage.backups:backup_job"]
        db.session.remove()
