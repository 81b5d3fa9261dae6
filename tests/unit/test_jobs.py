"""The job facade: inline without Redis, through RQ and a real worker with Redis."""
from tests.conftest import make_app
from tests.jobs_helpers import write_marker
from vgk import jobs


def test_jobs_run_inline_without_redis(app, tmp_path):
    marker = tmp_path / "inline.txt"
    assert app.config["REDIS_URL"] is None
    assert jobs.enqueue(write_marker, str(marker), "bonjour") is None
    assert marker.read_text() == "bonjour:vgk"


def test_a_failing_inline_job_does_not_break_the_caller(app, caplog):
    jobs.enqueue(write_marker, "/nonexistent-dir/x/y.txt", "boom")
    assert "inline job tests.jobs_helpers:write_marker failed" in caplog.text


def test_jobs_go_through_redis_and_a_worker(redis_server, tmp_path, media_root):
    app = make_app(f"sqlite:///{tmp_path / 'jobs.sqlite3'}", media_root, REDIS_URL=redis_server.url)
    marker = tmp_path / "queued.txt"
    with app.app_context():
        job = jobs.enqueue(write_marker, str(marker), "rq")
        assert job is not None and job.get_status() == "queued"
        assert not marker.exists()
    result = app.test_cli_runner().invoke(args=["rq-worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert marker.read_text() == "rq:vgk"


def test_worker_command_refuses_to_start_without_redis(app):
    result = app.test_cli_runner().invoke(args=["rq-worker", "--burst"])
    assert result.exit_code != 0
    assert "REDIS_URL" in result.output


def test_queued_jobs_do_not_carry_their_arguments_in_the_description(redis_server, tmp_path, media_root):
    app = make_app(f"sqlite:///{tmp_path / 'jobs2.sqlite3'}", media_root, REDIS_URL=redis_server.url)
    with app.app_context():
        job = jobs.enqueue(write_marker, str(tmp_path / "m.txt"), "secret-code-123456", retries=2)
        assert "123456" not in job.description
        assert job.retries_left == 2


def test_background_jobs_never_run_in_the_caller(app, tmp_path):
    from tests.jobs_helpers import run_background

    marker = tmp_path / "background.txt"
    assert jobs.in_background(write_marker, str(marker), "plus tard") is None
    assert not marker.exists()  # handed to the process's background thread (run here by the test)
    assert run_background(app) == 1 and marker.read_text() == "plus tard:vgk"


def test_background_jobs_go_through_redis_and_a_worker(redis_server, tmp_path, media_root):
    from rq.registry import ScheduledJobRegistry

    app = make_app(f"sqlite:///{tmp_path / 'jobs3.sqlite3'}", media_root, REDIS_URL=redis_server.url)
    marker, later = tmp_path / "now.txt", tmp_path / "later.txt"
    with app.app_context():
        assert jobs.in_background(write_marker, str(marker), "rq").get_status() == "queued"
        scheduled = jobs.in_background(write_marker, str(later), "rq", delay=600)
        assert scheduled.id in ScheduledJobRegistry(queue=jobs.queue()).get_job_ids()
        assert app.extensions.get("vgk_background") is None  # no thread in a process with a worker
    result = app.test_cli_runner().invoke(args=["rq-worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert marker.read_text() == "rq:vgk" and not later.exists()
