"""`make up` / `make down`: the production shape on one machine, run by honcho from a process list.

    python -m vgk.ops.up start [--dir instance/up] [--port 8080] [--web 2]
    python -m vgk.ops.up stop  [--dir instance/up]
    python -m vgk.ops.up status [--dir instance/up]

`start` uses DATABASE_URL and REDIS_URL when they are set, and otherwise starts a throwaway PostgreSQL and
Redis on loopback (vgk.ops.servers), kept until `stop`; migrates the database (and
fills a throwaway one with the demo data); writes the static files as nginx serves them (vgk.ops.static),
nginx's configuration (vgk.ops.nginx), a local environment file and a Procfile — web processes
(gunicorn, one gthread worker each) on free loopback ports, the RQ worker with its scheduler, nginx in
front on --port — then starts honcho detached and returns once nginx answers with every web process
ready. `stop` ends honcho (which ends its processes), then anything of the tree still alive, Redis and
PostgreSQL, and deletes their data. The environment file holds keys made for this machine only (the
production configuration refuses to start without them): a real host sets its own (README).
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import shlex
import shutil
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from vgk.ops import nginx, static
from vgk.ops.servers import PostgresServer, RedisServer, _alive, free_port, stop_pid, stop_postgres

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
STATE = "state.json"
READY_PATH = "/mobile/api/health/"
LOCAL_NOTE = ("# Made by `make up` for this machine only: throwaway keys and addresses, never for a real host.\n"
              "# Read by honcho for the processes of instance/up/Procfile; `make down` deletes it.\n")


@dataclass
class Shape:
    """What `start` brought up, kept in STATE so that `stop` (another process) can end it."""

    run_dir: str
    url: str = ""
    port: int = 0
    web_ports: list[int] = field(default_factory=list)
    honcho: int = 0
    redis: int = 0
    postgres_root: str = ""
    processes: list[list[int]] = field(default_factory=list)  # [pid, start time] of honcho's whole tree

    def save(self) -> None:
        path = Path(self.run_dir) / STATE
        path.write_text(json.dumps(self.__dict__, indent=1))

    @classmethod
    def load(cls, run_dir: str) -> Shape | None:
        try:
            return cls(**json.loads((Path(run_dir) / STATE).read_text()))
        except (OSError, ValueError, TypeError):
            return None


def start_time(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return int(stat.read().rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


def process_tree(pid: int) -> list[list[int]]:
    """[pid, start time] of `pid` and all its descendants (the start time tells a reused pid apart)."""
    found, waiting = [], [pid]
    while waiting:
        current = waiting.pop()
        started = start_time(current)
        if started is None:
            continue
        found.append([current, started])
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                waiting += [int(child) for child in (task / "children").read_text().split()]
            except OSError:
                pass
    return found


def still_running(processes: list[list[int]]) -> list[int]:
    return [pid for pid, started in processes if start_time(pid) == started and _alive(pid)]


def environment(shape: Shape, database_url: str, redis_url: str, environ: dict[str, str]) -> dict[str, str]:
    """The settings the processes get on top of the caller's environment: what is set there is kept,
    except the configuration's name, the proxy count and the addresses of the local servers."""
    settings = {
        "VGK_ENV": "production",
        "TRUSTED_PROXIES": "1",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "WEB_CONCURRENCY": "1",
        "PYTHONUNBUFFERED": "1",
    }
    made = {
        "SECRET_KEY": secrets.token_urlsafe(48),
        "PUBLIC_URL": shape.url,
        "MEDIA_ROOT": str(Path(shape.run_dir) / "media"),
    }
    settings.update({key: value for key, value in made.items() if not environ.get(key)})
    if not environ.get("CAMPAY_USERNAME"):
        settings["ALLOW_SIMULATED_PAYMENTS"] = "1"
    if (environ.get("PUBLIC_URL") or shape.url).startswith("http://"):
        settings.update(SESSION_COOKIE_SECURE="0", HSTS="0")  # plain HTTP on loopback: no secure-only cookies
    return settings


def procfile(shape: Shape, app: str) -> str:
    """honcho's process list: the Procfile's web line once per port, the worker, nginx in the foreground.
    A web process or the worker that dies is started again (vgk.ops.keep), as a host's supervisor would."""
    run = shape.run_dir
    keep = f"exec {BIN}/python -m vgk.ops.keep"
    lines = [f"web{n}: {keep} {BIN}/gunicorn -c python:vgk.gunicorn_conf --workers 1 --bind 127.0.0.1:{port} "
             f"--control-socket {run}/web{n}.ctl {app}"
             for n, port in enumerate(shape.web_ports, 1)]
    lines.append(f"worker: {keep} {BIN}/flask --app wsgi rq-worker")
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    lines.append(f"nginx: exec {binary} -p {run} -c {run}/nginx.conf -e {run}/nginx-error.log -g 'daemon off;'")
    return "\n".join(lines) + "\n"


def _flask(env: dict[str, str], *args: str) -> None:
    done = subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True)
    if done.returncode:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout[-1500:]}{done.stderr[-3000:]}")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status == 200
    except OSError:
        return False


def wait_ready(shape: Shape, timeout: float) -> None:
    """Every web process answers on its port, then nginx answers in front of them."""
    deadline = time.monotonic() + timeout
    urls = [f"http://127.0.0.1:{port}{READY_PATH}" for port in shape.web_ports] + [shape.url + READY_PATH]
    for url in urls:
        while not _answers(url):
            if not still_running([[shape.honcho, start_time(shape.honcho) or -1]]):
                raise RuntimeError("the processes stopped while starting (see up.log)")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not answer within {timeout:.0f} s (see up.log)")
            time.sleep(0.2)


def start(run_dir: str, port: int = 8080, web: int = 2, app: str = "wsgi:app", demo_products: int = 220,
          environ: dict[str, str] | None = None, timeout: float = 120.0) -> Shape:
    """Bring the shape up (see the module's docstring); on failure, stop what was started and raise."""
    environ = dict(os.environ if environ is None else environ)
    run = Path(run_dir).resolve()
    previous = Shape.load(str(run))
    if previous and still_running(previous.processes or [[previous.honcho, start_time(previous.honcho) or -1]]):
        raise RuntimeError(f"already up at {previous.url} (make down first)")
    if previous:
        stop(str(run))
    (run / "nginx").mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    shape = Shape(str(run), url=f"http://127.0.0.1:{port}", port=port, web_ports=[free_port() for _ in range(web)])
    shape.save()
    try:
        database_url, redis_url, local_db = environ.get("DATABASE_URL"), environ.get("REDIS_URL"), False
        if not database_url:
            postgres = PostgresServer()  # in a directory of its own under /tmp, owned by PostgreSQL's account
            shape.postgres_root = postgres.root
            shape.save()
            postgres.start()
            database_url, local_db = postgres.create_database("vgk"), True
        if not redis_url:
            redis = RedisServer(detached=True).start()
            assert redis.process is not None
            shape.redis, redis_url = redis.process.pid, redis.url
            shape.save()
        settings = environment(shape, database_url, redis_url, environ)
        env_file = run / "env"
        env_file.touch(mode=0o600)
        env_file.write_text(LOCAL_NOTE + "".join(f"{key}={value}\n" for key, value in settings.items()))
        env = {key: value for key, value in environ.items() if not key.startswith(("VGK_", "TEST_"))}
        env.update(settings)
        _flask(env, "db", "upgrade")
        if local_db and demo_products >= 0:
            _flask(env, "seed-demo", "--allow-production", "--products", str(demo_products))
        static.collect(run / "build")
        (run / "nginx.conf").write_text(nginx.local(str(run), port, shape.web_ports, str(run / "build"),
                                                    env["MEDIA_ROOT"]))
        (run / "Procfile").write_text(procfile(shape, app))
        with open(run / "up.log", "ab") as log:
            honcho = subprocess.Popen([str(BIN / "honcho"), "start", "--no-colour", "-f", str(run / "Procfile"),
                                       "-e", str(env_file), "-d", str(ROOT)], cwd=ROOT, env=env,
                                      stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                      start_new_session=True)
        shape.honcho = honcho.pid
        shape.save()
        wait_ready(shape, timeout)
        shape.processes = process_tree(honcho.pid)
        shape.save()
        return shape
    except BaseException:
        stop(str(run))
        raise


def stop(run_dir: str) -> list[int]:
    """End what `start` brought up in `run_dir`; returns the pids that had to be killed after honcho."""
    run = Path(run_dir).resolve()
    shape = Shape.load(str(run))
    if shape is None:
        return []
    tree = shape.processes or (process_tree(shape.honcho) if shape.honcho else [])
    if shape.honcho:
        stop_pid(shape.honcho, timeout=20)  # honcho ends its processes (SIGTERM, SIGKILL after 5 s)
    leftovers = still_running(tree)
    for pid in leftovers:
        stop_pid(pid, timeout=5)
    if shape.redis:
        stop_pid(shape.redis)
    if shape.postgres_root:
        stop_postgres(shape.postgres_root)
    (run / STATE).unlink(missing_ok=True)
    (run / "env").unlink(missing_ok=True)
    return leftovers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("start", "stop", "status"))
    parser.add_argument("--dir", default=str(ROOT / "instance" / "up"), help="run directory (instance/up)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("UP_PORT") or 8080),
                        help="nginx's port on 127.0.0.1 (UP_PORT, default 8080; 0: a free one)")
    parser.add_argument("--web", type=int, default=max(2, min(os.cpu_count() or 1, 8)),
                        help="web processes (default: one per core, at least 2)")
    parser.add_argument("--demo-products", type=int, default=220, help="demo listings in a throwaway database")
    args = parser.parse_args(argv)
    if args.command == "stop":
        leftovers = stop(args.dir)
        print("stopped" + (f" (killed after honcho: {leftovers})" if leftovers else ""))
        return 0
    if args.command == "status":
        shape = Shape.load(args.dir)
        running = still_running(shape.processes) if shape else []
        print(f"up at {shape.url}: {len(running)} processes" if shape and running else "down")
        return 0 if running else 1
    try:
        shape = start(args.dir, args.port, args.web, demo_products=args.demo_products)
    except RuntimeError as error:
        print(f"make up failed: {error}", file=sys.stderr)
        return 1
    print(f"up at {shape.url}: nginx, {len(shape.web_ports)} web processes "
          f"({', '.join(map(str, shape.web_ports))}), the RQ worker"
          f"{', PostgreSQL' if shape.postgres_root else ''}{', Redis' if shape.redis else ''}")
    print(f"processes: {shlex.quote(shape.run_dir + '/Procfile')}, their output: {shape.run_dir}/up.log, "
          "stop with `make down`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
