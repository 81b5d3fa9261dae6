"""The web process's size: one worker without Redis (nothing to share its memory through), one per core
with it, and threads enough for the WebSockets each worker holds open."""
import importlib

import pytest

import vgk.gunicorn_conf

REDIS = "redis://127.0.0.1:6379/0"


def settings(monkeypatch, cores, **env):
    for name in ("REDIS_URL", "WEB_CONCURRENCY", "GUNICORN_THREADS", "PORT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("os.cpu_count", lambda: cores)
    return importlib.reload(vgk.gunicorn_conf)


@pytest.fixture(autouse=True)
def _reloaded_as_it_was():
    yield
    importlib.reload(vgk.gunicorn_conf)


def test_without_redis_one_worker_holds_everything(monkeypatch):
    conf = settings(monkeypatch, 4)
    assert (conf.workers, conf.threads, conf.worker_class) == (1, 128, "gthread")
    assert conf.bind == "0.0.0.0:5000"


def test_with_redis_one_worker_per_core_up_to_eight(monkeypatch):
    conf = settings(monkeypatch, 2, REDIS_URL=REDIS)
    assert (conf.workers, conf.threads) == (2, 64)
    assert settings(monkeypatch, 32, REDIS_URL=REDIS).workers == 8


def test_the_environment_overrides_the_choice(monkeypatch):
    conf = settings(monkeypatch, 2, WEB_CONCURRENCY="3", GUNICORN_THREADS="16", PORT="8080",
                    REDIS_URL=REDIS)
    assert (conf.workers, conf.threads, conf.bind) == (3, 16, "0.0.0.0:8080")
