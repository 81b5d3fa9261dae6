"""Throwaway PostgreSQL and Redis servers on loopback: for the test suite, the benchmarks and `make up` when
DATABASE_URL / REDIS_URL are not set. Each lives in its own directory and session, so it outlives the
process that started it until stopped (`make down` stops them from another process: `stop_postgres`,
`stop_pid`)."""
from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, timeout: float = 30.0, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited early with code {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listening on 127.0.0.1:{port} after {timeout}s")


def _postgres_bindir() -> str:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return os.path.dirname(found[-1])
    initdb = shutil.which("initdb")
    if initdb:
        return os.path.dirname(os.path.realpath(initdb))
    raise RuntimeError("PostgreSQL is not installed (run `make test`, which installs it)")


class PostgresServer:
    """A private PostgreSQL cluster in a temporary directory, trusting local connections. `crash_safe`
    (the default, and `make up`'s): a commit is acknowledged once written, so a crash of the server alone
    (`halt`) loses none; the test suite's own cluster, never crashed, acknowledges before writing."""

    def __init__(self, root: str | None = None, crash_safe: bool = True) -> None:
        self.crash_safe = crash_safe
        self.bindir = _postgres_bindir()
        self.port = free_port()
        self.root = root or tempfile.mkdtemp(prefix="vgk-pg-")
        self.datadir = os.path.join(self.root, "data")
        self.as_root = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        command = list(args)
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--"] + command
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> PostgresServer:
        os.makedirs(self.root, exist_ok=True)
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")
        os.chmod(self.root, 0o755)
        self._run(
            os.path.join(self.bindir, "initdb"), "-D", self.datadir, "-U", "postgres",
            "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
        )
        self.resume()
        return self

    def resume(self) -> None:
        """Start the cluster (again, after `halt`: its databases are still there, on the same port)."""
        options = (
            # No fsync: a throwaway cluster outlives no machine crash.
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off -c max_connections=200 -c shared_buffers=256MB"
            + ("" if self.crash_safe else " -c synchronous_commit=off")
        )
        self._run(
            os.path.join(self.bindir, "pg_ctl"), "-D", self.datadir, "-o", options,
            "-l", os.path.join(self.root, "server.log"), "-w", "-t", "60", "start",
        )

    def halt(self) -> None:
        """Stop the server as a crash would (its connections dropped), keeping its data for `resume`."""
        self._run(os.path.join(self.bindir, "pg_ctl"), "-D", self.datadir, "-m", "immediate", "-w", "stop")

    def create_database(self, name: str) -> str:
        self._run(os.path.join(self.bindir, "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                  name)
        return self.url(name)

    def url(self, name: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        stop_postgres(self.root)


def stop_postgres(root: str) -> None:
    """Stop the cluster a PostgresServer made in `root` (from any process) and delete it."""
    datadir = os.path.join(root, "data")
    if os.path.isdir(datadir):
        command = [os.path.join(_postgres_bindir(), "pg_ctl"), "-D", datadir, "-m", "immediate", "-w", "stop"]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--"] + command
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    shutil.rmtree(root, ignore_errors=True)


def stop_pid(pid: int, timeout: float = 10.0) -> None:
    """SIGTERM, then SIGKILL after `timeout` seconds, to a process started by `make up` (with its process group
    when it leads one)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)
        except (ProcessLookupError, PermissionError):
            try:
                os.kill(pid, sig)  # not a group leader
            except (ProcessLookupError, PermissionError):
                return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not _alive(pid):
                return
            time.sleep(0.1)


def _alive(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)  # reap it when it is our own child
    except ChildProcessError:
        pass
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class RedisServer:
    """A private redis-server without persistence."""

    def __init__(self, detached: bool = False) -> None:
        self.detached = detached
        self.binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not os.path.exists(self.binary):
            raise RuntimeError("redis-server is not installed (run `make test`, which installs it)")
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=self.detached,  # detached: a Ctrl-C in the terminal that ran `make up` misses it
        )
        _wait_for_port(self.port, process=self.process)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
