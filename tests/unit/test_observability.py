"""Watching the site run: a request id on every answer and in every line written for it (the jobs it
enqueued included), one access line per request naming the route (never the path's ids or the query
string), /healthz that touches nothing, /metrics closed to strangers and counting requests, failed jobs,
payments and messages."""
import json
import logging

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import event

from tests import factories as f
from tests.conftest import _with_empty_tables, make_app
from tests.jobs_helpers import log_line, write_marker
from vgk import jobs
from vgk.extensions import db
from vgk.integrations.registry import adapters_of
from vgk.ops import logs, metrics
from vgk.services.commerce import payments

ACCESS = "vgk.access"


@pytest.fixture
def site(sqlite_app):
    yield from _with_empty_tables(sqlite_app)


@pytest.fixture
def client(site):
    return site.test_client()


def access_lines(caplog):
    return [record for record in caplog.records if record.name == ACCESS]


def get(client, path, **kwargs):
    """A request whose answer is read to the end and closed, as a server does (the access line is
    written then)."""
    return client.get(path, buffered=True, **kwargs)


def sample(name, **labels):
    return metrics.REGISTRY.get_sample_value(name, labels) or 0.0


# --- request ids -----------------------------------------------------------------------------------

def test_each_answer_gets_a_request_id_and_keeps_a_sane_one_from_the_proxy(client):
    made = get(client, "/").headers["X-Request-ID"]
    assert len(made) == 32 and made != get(client, "/").headers["X-Request-ID"]
    assert get(client, "/", headers={"X-Request-ID": "nginx-4f2a9c1e"}).headers["X-Request-ID"] == "nginx-4f2a9c1e"
    for forged in ('x" level="error', "short", "a" * 200, "id\tforged-line"):
        kept = get(client, "/", headers={"X-Request-ID": forged}).headers["X-Request-ID"]
        assert kept != forged and len(kept) == 32


def test_one_access_line_per_request_with_the_route_never_the_path_or_the_query(client, caplog):
    item = f.product("Radio")
    caplog.set_level(logging.INFO, logger=ACCESS)
    response = get(client, f"/p/{item.public_id}?token=s3cret-t0ken&phone=690555111",
                   headers={"X-Request-ID": "req-00000001"})
    assert response.status_code == 200
    [line] = access_lines(caplog)
    written = json.loads(logs.JsonFormatter().format(line))
    assert {key: written[key] for key in ("level", "request_id", "method", "route", "status", "user_id")} == {
        "level": "info", "request_id": "req-00000001", "method": "GET", "route": "/p/<public_id>", "status": 200,
        "user_id": None}
    assert written["duration_ms"] >= 0 and written["ts"].endswith("Z")
    text = json.dumps(written)
    assert item.public_id not in text and "s3cret" not in text and "690555111" not in text


def test_the_access_line_names_the_signed_in_person_and_an_unknown_path_stays_unnamed(client, caplog):
    buyer = f.user()
    f.sign_in(client, buyer)
    caplog.set_level(logging.INFO, logger=ACCESS)
    get(client, "/compte")
    get(client, "/no/such/page/abc123")
    signed_in, unknown = access_lines(caplog)
    assert signed_in.user_id == buyer.id and signed_in.route == "/compte"
    assert unknown.status == 404 and unknown.route == "unmatched" and "abc123" not in unknown.getMessage()


def test_lines_written_while_a_request_runs_carry_its_id(site, caplog):
    caplog.set_level(logging.WARNING)
    with site.test_request_context("/"), logs.serving("req-00000002"):
        logging.getLogger("vgk.anything").warning("something happened")
    [record] = [r for r in caplog.records if r.name == "vgk.anything"]
    assert json.loads(logs.JsonFormatter().format(record))["request_id"] == "req-00000002"
    assert "[req-00000002]" in logs.TextFormatter(logs.TEXT_FORMAT).format(record)


def test_an_unknown_log_format_refuses_to_start(tmp_path, media_root):
    from config import ConfigError

    with pytest.raises(ConfigError, match="LOG_FORMAT"):
        make_app(f"sqlite:///{tmp_path / 'x.sqlite3'}", media_root, LOG_FORMAT="xml")


# --- /healthz ----------------------------------------------------------------------------------------

def test_healthz_answers_without_the_database_a_session_or_the_metrics(site, client, caplog):
    statements = []

    def seen(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", seen)
    before = sample("vgk_http_requests_total", route="/healthz", method="GET", status="200")
    caplog.set_level(logging.INFO, logger=ACCESS)
    try:
        response = get(client, "/healthz")
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert response.status_code == 200 and response.get_data(as_text=True) == "ok\n"
    assert response.headers["Cache-Control"] == "no-store" and "Set-Cookie" not in response.headers
    assert statements == [] and access_lines(caplog) == []  # logged at debug level only
    assert sample("vgk_http_requests_total", route="/healthz", method="GET", status="200") == before


# --- /metrics ------------------------------------------------------------------------------------------

def test_metrics_need_the_token_when_one_is_configured(site, client):
    site.config["METRICS_TOKEN"] = "a-long-metrics-token-for-the-scraper"
    try:
        assert get(client, "/metrics").status_code == 403
        assert get(client, "/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
        allowed = get(client, "/metrics", headers={"Authorization": "Bearer a-long-metrics-token-for-the-scraper"},
                      environ_base={"REMOTE_ADDR": "203.0.113.9"})
    finally:
        site.config["METRICS_TOKEN"] = None
    assert allowed.status_code == 200 and allowed.headers["Cache-Control"] == "no-store"
    assert "vgk_http_requests_total" in allowed.get_data(as_text=True)


def test_without_a_token_only_a_local_caller_not_behind_a_proxy_reads_the_metrics(client):
    assert get(client, "/metrics").status_code == 200  # the test client calls from 127.0.0.1
    assert get(client, "/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 403
    assert get(client, "/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 403


def test_requests_are_counted_by_route_method_and_status_with_their_latency(client):
    item = f.product("Radio")
    labels = {"route": "/p/<public_id>", "method": "GET"}
    count, timed = sample("vgk_http_requests_total", status="200", **labels), \
        sample("vgk_http_request_duration_seconds_count", **labels)
    get(client, f"/p/{item.public_id}")
    get(client, f"/p/{item.public_id}")
    text = get(client, "/metrics").get_data(as_text=True)
    families = {family.name: family for family in text_string_to_metric_families(text)}
    counted = {tuple(sorted(s.labels.items())): s.value for s in families["vgk_http_requests"].samples
               if s.name == "vgk_http_requests_total"}
    assert counted[(("method", "GET"), ("route", "/p/<public_id>"), ("status", "200"))] == count + 2
    assert sample("vgk_http_request_duration_seconds_count", **labels) == timed + 2
    assert families["vgk_queue_up"].samples[0].value == 0  # no Redis: jobs run in the web process


def test_failed_jobs_are_counted(site):
    before = sample("vgk_jobs_failed_total", job="tests.jobs_helpers:write_marker")
    jobs.enqueue(write_marker, "/nonexistent-dir/x/y.txt", "boom")
    assert sample("vgk_jobs_failed_total", job="tests.jobs_helpers:write_marker") == before + 1


def test_payments_settled_and_sms_sent_are_counted_once(site):
    gateway = adapters_of(site).payments
    paid = sample("vgk_payments_total", provider="simulated", outcome="successful")
    sms = sample("vgk_messages_total", channel="sms", provider="outbox", outcome="sent")
    order = f.place_order(f.product(price=25_000), payment_method="MTN_MOMO", phone="+237677555111")
    payment = payments.start(order, "MTN_MOMO", "+237677555111")
    gateway.approve(payment.reference)
    transaction = gateway.transaction(payment.reference)
    assert payments.settle(payment.reference, transaction) == "processed"
    assert payments.settle(payment.reference, transaction) == "duplicate"
    assert sample("vgk_payments_total", provider="simulated", outcome="successful") == paid + 1
    assert any("paiement reçu" in m.body for m in f.outbox("+237677555111"))  # the buyer's receipt
    texts = len([m for m in f.outbox() if m.channel == "SMS"])  # the seller's too
    assert sample("vgk_messages_total", channel="sms", provider="outbox", outcome="sent") == sms + texts


# --- jobs carry the request id to the worker ------------------------------------------------------

def test_a_job_carries_the_request_id_into_the_worker_s_lines(redis_server, tmp_path, media_root, caplog):
    app = make_app(f"sqlite:///{tmp_path / 'rid.sqlite3'}", media_root, REDIS_URL=redis_server.url)
    with app.app_context(), logs.serving("req-00000003"):
        job = jobs.enqueue(log_line, "sent from the worker")
    assert job.meta["request_id"] == "req-00000003"
    caplog.set_level(logging.INFO, logger="tests.jobs")
    result = app.test_cli_runner().invoke(args=["rq-worker", "--burst"])
    assert result.exit_code == 0, result.output
    [record] = [r for r in caplog.records if r.name == "tests.jobs"]
    assert record.getMessage() == "sent from the worker" and record.request_id == "req-00000003"


def test_with_a_multiprocess_directory_a_scrape_adds_up_every_process(tmp_path):
    """Several gunicorn processes and the job worker: each writes its counts, any one scrape sums them."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    count = "from vgk.ops import metrics; metrics.count_message('SMS', 'africastalking', 'sent')"
    for _process in range(2):
        subprocess.run([sys.executable, "-c", count], env=env, check=True, timeout=60)
    scrape = "from vgk.ops import metrics; print(metrics.exposition(lambda: None)[0].decode())"
    text = subprocess.run([sys.executable, "-c", scrape], env=env, check=True, timeout=60, capture_output=True,
                          text=True).stdout
    assert 'vgk_messages_total{channel="sms",outcome="sent",provider="africastalking"} 2.0' in text


@pytest.fixture
def cached_site(tmp_path, media_root):
    """An app with the page cache on (made before the test runs: migrating resets the log handlers)."""
    from tests.conftest import migrate

    app = make_app(f"sqlite:///{tmp_path / 'cached.sqlite3'}", media_root, PAGE_CACHE_SECONDS=30)
    migrate(app)
    return app


def test_a_page_the_cache_answers_gets_its_request_id_and_its_line_too(cached_site, caplog):
    client = cached_site.test_client()
    assert get(client, "/").headers.get("X-Cache") == "miss"
    caplog.set_level(logging.INFO, logger=ACCESS)
    hit = get(client, "/", headers={"X-Request-ID": "req-00000004"})
    assert hit.headers["X-Cache"] == "hit" and hit.headers["X-Request-ID"] == "req-00000004"
    [line] = access_lines(caplog)
    assert (line.route, line.status, line.request_id, line.user_id) == ("/", 200, "req-00000004", None)


def test_a_job_kept_for_the_background_thread_carries_the_request_id(site, caplog):
    from tests.jobs_helpers import run_background

    with logs.serving("req-00000005"):
        jobs.in_background(log_line, "sent from the background thread")
    caplog.set_level(logging.INFO, logger="tests.jobs")
    assert run_background(site) == 1
    [record] = [r for r in caplog.records if r.name == "tests.jobs"]
    assert record.request_id == "req-00000005"
