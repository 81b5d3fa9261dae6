"""The extra server time of serving a photo moved to Dropbox: the media route's redirect to its cached
link, against the same route sending a local file.

Builds a throwaway SQLite app with STORAGE_BACKEND=dropbox against the loopback fake of Dropbox's API
(tests/fakes/dropbox.py, through the real SDK), stores N photo files of listing size (WebP sizes, 10 to
60 KB), moves half of them with the offload, asks each moved one once (the link is fetched and cached),
then times GET /media/<key> through the Flask test client (server time: routing, view, response; no
network), interleaving moved and local photos, and prints p50 / p95 in milliseconds for the redirect
with a cached link, the redirect when the link must first be looked up (the record, which keeps a
listing photo's shared link: the first visitor of a process, or after an hour), and a local file.

    .venv/bin/python bench/storage.py                     # 400 photos, 2 000 timed requests of each kind
    .venv/bin/python bench/storage.py --photos 100 --requests 300      # quick
"""
import argparse
import gc
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from catalog_queries import percentile  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from config import TestConfig  # noqa: E402
from tests.fakes.dropbox import DropboxFake  # noqa: E402
from vgk import create_app  # noqa: E402
from vgk.extensions import db  # noqa: E402
from vgk.services.storage import files, links, offload  # noqa: E402

CACHED_P95_MS = 5.0


def timed(client, keys):
    spent = []
    for key in keys:
        started = time.perf_counter()
        response = client.get(f"/media/{key}")
        response.get_data()
        spent.append((time.perf_counter() - started) * 1000)
        response.close()
        assert response.status_code in (200, 302), (key, response.status_code)
    return spent


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=400)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="vgk-bench-storage-"))
    fake = DropboxFake().start()
    try:
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{work / 'vgk.sqlite3'}",
                         MEDIA_ROOT=str(work / "media"), BACKUP_DIR=str(work / "backups"), STORAGE_BACKEND="dropbox",
                         DROPBOX_APP_KEY=fake.app_key, DROPBOX_APP_SECRET=fake.app_secret,
                         DROPBOX_REFRESH_TOKEN=fake.refresh_token, DROPBOX_BASE_URL=fake.url,
                         STORAGE_OFFLOAD_MIN_BYTES=1, STORAGE_OFFLOAD_AFTER_DAYS=0, STORAGE_OFFLOAD_BATCH=args.photos,
                         RATELIMIT_ENABLED=False)
        with app.app_context():
            upgrade()
            keys = [f"products/bench{n:05d}/{n:012x}-{rng.choice((480, 640, 960))}.webp" for n in range(args.photos)]
            for key in keys:
                files.save(key, os.urandom(rng.randint(10_000, 60_000)), "image/webp")
            db.session.commit()
            moved = set(keys[::2])
            for key in keys:  # every file passes the size rule; thumbnails stay: the other half
                if key not in moved:
                    files.find(key).kind = "thumbnail"
            db.session.commit()
            done = offload.run()
            print(f"{done.moved} of {len(keys)} photos moved to the fake Dropbox ({done.moved_bytes // 1024} KB)")
        client = app.test_client()
        moved_keys, local_keys = sorted(moved), sorted(set(keys) - moved)
        first = []
        for key in moved_keys:  # each link fetched once (record + get_temporary_link / shared link)
            links.forget(key)
            first += timed(client, [key])
        timed(client, local_keys[:50])  # warm-up
        gc.collect()
        gc.freeze()
        cached, local = [], []
        for _ in range(args.requests):
            cached += timed(client, [rng.choice(moved_keys)])
            local += timed(client, [rng.choice(local_keys)])
        print(f"{'media request':<40} {'p50 ms':>8} {'p95 ms':>8}")
        for name, values in (("moved, link cached (redirect)", cached), ("moved, link looked up first", first),
                             ("local file", local)):
            print(f"{name:<40} {percentile(values, 50):8.2f} {percentile(values, 95):8.2f}")
        extra50 = percentile(cached, 50) - percentile(local, 50)
        extra95 = percentile(cached, 95) - percentile(local, 95)
        print(f"extra server time of a moved photo with a cached link: p50 {extra50:+.2f} ms, p95 {extra95:+.2f} ms")
        ok = percentile(cached, 95) <= CACHED_P95_MS
        print(f"{'PASS' if ok else 'FAIL'} redirect with a cached link p95 {percentile(cached, 95):.2f} ms "
              f"<= {CACHED_P95_MS} ms")
        return 0 if ok else 1
    finally:
        fake.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
