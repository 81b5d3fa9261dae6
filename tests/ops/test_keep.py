"""vgk.ops.keep, the supervisor of `make up`'s web processes and worker: a process that dies is started again,
and the whole group ends when honcho (or `make down`) tells it to."""
import os
import signal
import subprocess
import sys
import time


def _wait(condition, timeout=15):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "not in time"
        time.sleep(0.05)


def test_a_killed_process_is_started_again_and_a_stop_ends_both(tmp_path):
    starts = tmp_path / "starts"
    kept = subprocess.Popen([sys.executable, "-m", "vgk.ops.keep", "sh", "-c", f"echo $$ >> {starts}; exec sleep 60"],
                            start_new_session=True)
    try:
        _wait(lambda: starts.exists() and len(starts.read_text().split()) == 1)
        first = int(starts.read_text().split()[0])
        os.kill(first, signal.SIGKILL)
        _wait(lambda: len(starts.read_text().split()) == 2)
        second = int(starts.read_text().split()[1])
        assert second != first and kept.poll() is None
        os.killpg(kept.pid, signal.SIGTERM)  # what honcho sends
        assert kept.wait(timeout=10) == 128 + signal.SIGTERM  # the command's own end
        time.sleep(1.5)  # longer than keep's pause before a new start
        assert len(starts.read_text().split()) == 2
        _wait(lambda: not os.path.exists(f"/proc/{second}"), timeout=5)
    finally:
        if kept.poll() is None:
            os.killpg(kept.pid, signal.SIGKILL)
