"""Notifications through a worker crash (bench/notifications.py, small): the app's RQ worker killed with
SIGKILL halfway and started again sends every message exactly once, except the one it was sending when
killed, which the crash rule marks "outcome unknown" and never sends again."""
import importlib.util
from pathlib import Path

import pytest

pytestmark = pytest.mark.scale
BENCH = Path(__file__).resolve().parent.parent.parent / "bench" / "notifications.py"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_notifications", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_killed_worker_neither_doubles_nor_loses_messages(postgres, redis_server):
    found = _bench().measure(400, postgres.create_database("vgk_notify_worker"), redis_server.url)
    assert found["rows"] == 400
    assert found["duplicates"] == 0
    assert found["losses"] == 0
    assert found["unknown"] <= 1  # only the message in hand when the worker died
    assert found["received"] + found["unknown"] - found["unknown_received"] == 400
