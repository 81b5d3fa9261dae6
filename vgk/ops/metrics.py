"""Prometheus metrics (prometheus_client): requests by route, method and status, their latency, failed
jobs, payments settled and notifications sent (SMS included) by provider and outcome; the job queue's
depth, failed jobs, live workers and the scheduler's last beat are read from Redis at each scrape.

Counters are counted where the thing happens once (the access middleware, `vgk.jobs.perform`, the
payments service's `settle`, the notifications' `deliver`). With PROMETHEUS_MULTIPROC_DIR set (several
gunicorn processes, the job worker), every process writes its counts to files in that directory and a
scrape adds them up (prometheus_client's multiprocess mode: the directory must be emptied before the
processes start, and the variable set in their environment, not from Python). Without it, a scrape
shows this process's counts.

/metrics is not public (`allowed`): a bearer METRICS_TOKEN, or, when none is configured, a caller on
the loopback interface whose request came through no proxy."""
from __future__ import annotations

import hmac
import ipaddress
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

disable_created_metrics()  # no "_created" series beside each counter: they double a scrape for nothing here
REGISTRY = CollectorRegistry(auto_describe=True)
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_REQUESTS = Counter("vgk_http_requests", "HTTP requests answered, by route (the URL rule), method and status",
                        ["route", "method", "status"], registry=REGISTRY)
HTTP_LATENCY = Histogram("vgk_http_request_duration_seconds", "Time to answer an HTTP request, by route and method",
                         ["route", "method"], buckets=LATENCY_BUCKETS, registry=REGISTRY)
JOBS_FAILED = Counter("vgk_jobs_failed", "Jobs that raised an error (each try), by job function",
                      ["job"], registry=REGISTRY)
JOBS_FALLBACK = Counter("vgk_jobs_kept_in_process", "Jobs run in the web process because Redis could not "
                        "take them", ["job"], registry=REGISTRY)
PAYMENTS = Counter("vgk_payments", "Payments settled, by provider and outcome (successful, failed, mismatch)",
                   ["provider", "outcome"], registry=REGISTRY)
MESSAGES = Counter("vgk_messages", "Notifications handed to a provider, by channel (sms, email, whatsapp, push), "
                   "provider and outcome (sent, failed, retried)", ["channel", "provider", "outcome"],
                   registry=REGISTRY)

# What a scrape reads of the background work: {"depth": n, "failed": n, "workers": n,
# "scheduler_age": seconds or None}, or None when it cannot be read (no Redis, Redis down).
StateReader = Callable[[], Mapping[str, Any] | None]


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def count_payment(provider: str, outcome: str) -> None:
    PAYMENTS.labels(provider=provider or "unknown", outcome=outcome).inc()


def count_message(channel: str, provider: str, outcome: str) -> None:
    MESSAGES.labels(channel=channel.lower(), provider=provider or "unknown", outcome=outcome).inc()


def count_failed_job(path: str) -> None:
    JOBS_FAILED.labels(job=path).inc()


def count_job_kept(path: str) -> None:
    JOBS_FALLBACK.labels(job=path).inc()


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    HTTP_REQUESTS.labels(route=route, method=method, status=str(status)).inc()
    HTTP_LATENCY.labels(route=route, method=method).observe(seconds)


class _Process(Collector):
    """This process's metrics (single-process mode)."""

    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()


class _BackgroundWork(Collector):
    """Gauges read at scrape time, the same whichever process answers."""

    def __init__(self, read: StateReader) -> None:
        self.read = read

    def collect(self) -> Iterator[Metric]:
        state = self.read()
        up = GaugeMetricFamily("vgk_queue_up", "1 when the job queue (Redis) answers, 0 when it does not or "
                               "jobs run in the web process (no REDIS_URL)")
        up.add_metric([], 0 if state is None else 1)
        yield up
        if state is None:
            return
        for name, key, text in (
            ("vgk_jobs_queued", "depth", "Jobs waiting in the queue"),
            ("vgk_jobs_failed_kept", "failed", "Failed jobs kept in RQ's failed registry"),
            ("vgk_workers_alive", "workers", "Job workers with a recent heartbeat"),
        ):
            gauge = GaugeMetricFamily(name, text)
            gauge.add_metric([], float(state.get(key) or 0))
            yield gauge
        if state.get("scheduler_age") is not None:
            age = GaugeMetricFamily("vgk_scheduler_heartbeat_age_seconds",
                                    "Seconds since the worker's periodic sweep last ran")
            age.add_metric([], float(state["scheduler_age"]))
            yield age


def exposition(read: StateReader) -> tuple[bytes, str]:
    """The text a scrape gets, and its content type."""
    registry = CollectorRegistry(auto_describe=False)
    path = multiprocess_dir()
    if path:
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry, path=path)
    else:
        registry.register(_Process())
    registry.register(_BackgroundWork(read))
    return generate_latest(registry), CONTENT_TYPE_LATEST


def _loopback(address: str | None) -> bool:
    try:
        return address is not None and ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def allowed(headers: Mapping[str, str], remote_addr: str | None, token: str | None) -> bool:
    """May this request read the metrics? With a token: the same bearer token (compared in constant
    time), from anywhere. Without one: only a loopback caller whose request names no proxy in between
    (nginx on the same machine adds X-Forwarded-For: its visitors are not let in). Fails closed."""
    if token:
        given = headers.get("Authorization", "")
        scheme, _, value = given.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(), token.encode())
    proxied = any(headers.get(name) for name in ("X-Forwarded-For", "Forwarded", "X-Real-IP"))
    return _loopback(remote_addr) and not proxied
