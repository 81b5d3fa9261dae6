"""With RQ: a committed notify puts its job in the queue (a deferred one in the scheduler), a rolled back one
nothing; the job only carries the delivery's id. Addresses are masked when shown."""
from datetime import datetime

from rq import Queue
from rq.registry import ScheduledJobRegistry

from tests import factories as f
from tests.conftest import make_app, migrate
from vgk.extensions import db
from vgk.integrations.registry import adapters_of
from vgk.jobs import QUEUE_NAME
from vgk.services.notifications import notify
from vgk.services.notifications.addresses import masked


def test_jobs_are_queued_on_commit_and_never_on_rollback(redis_server, tmp_path, media_root):
    app = make_app(f"sqlite:///{tmp_path / 'notify.sqlite3'}", media_root, REDIS_URL=redis_server.url)
    migrate(app)
    with app.app_context():
        queue = Queue(QUEUE_NAME, connection=adapters_of(app).queue.connection)
        buyer = f.user(phone="+237690007788")
        notify(buyer, "order.ready", {"ref": "VGK-1", "point": "Akwa", "code": "482913"})
        db.session.rollback()
        assert queue.count == 0
        [sms] = [row for row in notify(buyer, "order.ready", {"ref": "VGK-1", "point": "Akwa", "code": "482913"})
                 if row.channel == "sms"]
        assert queue.count == 0
        db.session.commit()
        [job] = queue.jobs
        assert job.args[1] == (sms.id,) and "+237690007788" not in job.description
        assert job.retries_left == 3
        notify(buyer, "alert.price_drop", {"title": "Vélo", "amount": 20000}, at=datetime(2026, 6, 1, 21, 30))
        db.session.commit()
        assert queue.count == 1
        assert len(ScheduledJobRegistry(queue=queue)) == 1  # leaves when the quiet hours end
        db.session.remove()


def test_addresses_are_masked_for_display():
    assert masked("sms", "+237690007788") == "***788"
    assert masked("email", "amina@example.cm") == "a***@example.cm"
    assert masked("push", '{"endpoint": "https://push.example/abc"}') == "push"
