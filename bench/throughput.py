"""Throughput of the public pages under the production gunicorn settings, against a bare route.

Builds a throwaway SQLite demo database (`flask seed-demo`), starts `gunicorn -c python:vgk.gunicorn_conf`
on 127.0.0.1 (a bench-only app module adds GET /_bare, a route that does nothing, so the app's own hooks
are counted on both sides), then runs `wrk -t2 -c32` for SECONDS on the bare route interleaved with the
home page, the catalogue, a search, a product page and /mobile/api/products/, and prints req/s, p50/p99
and each page's share of the bare route. Goal: each page >= 25 % of bare with p99 <= 300 ms.

Installs nothing: it needs wrk (`apt-get install wrk`, or `make system-deps`).

    .venv/bin/python bench/throughput.py                 # 10 s per run
    .venv/bin/python bench/throughput.py --seconds 5 --port 5301
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARE, P99_MS = 0.25, 300.0
APP_MODULE = '''
from wsgi import app

@app.get("/_bare")
def _bare():
    return "ok"
'''


def _ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url, seconds):
    out = subprocess.run(["wrk", "-t2", "-c32", f"-d{seconds}s", "--latency", "--timeout", "5s", url],
                         capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, _ms(*p50.groups()), _ms(*p99.groups()), int(errors.group(1)) if errors else 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run (default 10)")
    parser.add_argument("--port", type=int, default=5300)
    parser.add_argument("--products", type=int, default=220, help="demo listings (default 220, as seed-demo)")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk (or make system-deps)")
    work = Path(tempfile.mkdtemp(prefix="vgk-throughput-"))
    env = dict(os.environ, VGK_ENV="development", FLASK_APP="wsgi", DATABASE_URL=f"sqlite:///{work}/vgk.sqlite3",
               MEDIA_ROOT=str(work / "media"), PORT=str(args.port), PYTHONPATH=f"{work}:{ROOT}")
    env.pop("REDIS_URL", None)
    (work / "bench_app.py").write_text(APP_MODULE)
    flask = [sys.executable, "-m", "flask"]
    server = None
    try:
        print("building the demo database...", flush=True)
        subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
        subprocess.run([*flask, "seed-demo", "--products", str(args.products)], cwd=ROOT, env=env, check=True,
                       capture_output=True)
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "python:vgk.gunicorn_conf",
                                   "--bind", f"127.0.0.1:{args.port}", "bench_app:app"],
                                  cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{args.port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/_bare", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        body = urllib.request.urlopen(base + "/mobile/api/products/").read().decode()
        product = re.search(r'"id":\s*"([A-Za-z0-9_-]{8,16})"', body).group(1)
        pages = [("home", "/"), ("catalogue", "/produits"), ("search", "/produits?q=samsung"),
                 ("product page", f"/p/{product}"), ("API products", "/mobile/api/products/")]
        for _name, path in pages:
            urllib.request.urlopen(base + path).read()  # warm-up
        from vgk import gunicorn_conf

        print(f"gunicorn: {gunicorn_conf.workers} worker(s) x {gunicorn_conf.threads} threads, "
              f"{os.cpu_count()} cores; wrk -t2 -c32 -d{args.seconds}s")
        print(f"{'page':<14} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'of bare':>8}  result")
        failed = False
        for name, path in pages:
            bare = wrk(base + "/_bare", args.seconds)
            rate, p50, p99, errors = wrk(base + path, args.seconds)
            share = rate / bare[0] if bare[0] else 0.0
            ok = share >= SHARE and p99 <= P99_MS and not errors
            failed |= not ok
            print(f"{'bare':<14} {bare[0]:>8.0f} {bare[1]:>8.1f} {bare[2]:>8.1f}")
            print(f"{name:<14} {rate:>8.0f} {p50:>8.1f} {p99:>8.1f} {share:>7.0%}  {'PASS' if ok else 'FAIL'}"
                  + (f" ({errors} errors)" if errors else ""), flush=True)
        return 1 if failed else 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
