"""Several web processes of the site, as in production: gunicorn with one gthread worker each, the same
PostgreSQL database, Redis as Socket.IO's message queue and the RQ queue, the same keys; and a real RQ
worker. Shared by tests/scale and bench/chat.py."""
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.servers import _wait_for_port, free_port

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent


def cluster_env(database_url, redis_url, media_root, **settings):
    """The environment every process of one site shares (development configuration: no HTTPS address needed
    on loopback), with one random pair of keys so a token issued anywhere is valid everywhere."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("VGK_", "TEST_"))}
    env.update(
        VGK_ENV="development",
        SECRET_KEY=secrets.token_urlsafe(48),
        JWT_SECRET_KEY=secrets.token_urlsafe(48),
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        MEDIA_ROOT=str(media_root),
        LOG_LEVEL="WARNING",
    )
    env.update({key: str(value) for key, value in settings.items()})
    return env


class WebProcess:
    """`gunicorn -k gthread -w 1 --threads N wsgi:app` on a free loopback port (the Procfile's web line)."""

    def __init__(self, env, threads=16):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--worker-class", "gthread", "--workers", "1", "--threads", str(threads),
             "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning", "wsgi:app"],
            cwd=ROOT, env={**env, "PORT": str(self.port)}, start_new_session=True,
        )
        try:
            _wait_for_port(self.port, timeout=60, process=self.process)
            self._wait_until_serving(timeout=60)
        except Exception:
            self.stop()
            raise

    def _wait_until_serving(self, timeout):
        """The master listens before its worker has built the app: wait for the worker's first answer."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=5) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise
            time.sleep(0.1)

    def pids(self):
        """The master and its worker(s)."""
        pids = [self.process.pid]
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        except OSError:
            children = []
        return pids + [int(pid) for pid in children]

    def rss_bytes(self):
        total = 0
        for pid in self.pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        return total

    def cpu_seconds(self):
        """User + system CPU time used so far by the master and its worker(s)."""
        total = 0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
        return total / os.sysconf("SC_CLK_TCK")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)


def run_worker_burst(env, timeout=60):
    """`flask rq-worker --burst`: runs the queued jobs, then exits (its exit code is returned)."""
    done = subprocess.run([str(BIN / "flask"), "--app", "wsgi", "rq-worker", "--burst"], cwd=ROOT, env=env,
                          timeout=timeout, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"rq-worker exited with {done.returncode}: {done.stderr[-2000:]}")
    return done
