"""Moving files to Dropbox (the loopback fake, through the SDK) and serving them afterwards: listing photos
by their shared links, other files by temporary links, chat photos through the server; thumbnails stay
local; a worker killed (SIGKILL) between copy and delete loses nothing when the job runs again."""
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from tests import factories as f
from tests.unit.storage_fixtures import (  # noqa: F401
    client,
    dropbox_app,
    dropbox_fake,
    dropbox_postgresql_app,
    dropbox_server,
    dropbox_sqlite_app,
)
from vgk.extensions import db
from vgk.integrations import registry
from vgk.models import StoredFile
from vgk.services.conversations import safety, threads
from vgk.services.storage import files, offload


def _on_disk(app):
    root = Path(app.config["MEDIA_ROOT"])
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def shop(dropbox_app):
    """A listing with two photos (four sizes each) and a chat photo, all on the local disk."""
    seller, buyer = f.user(name="Nadège Fotso"), f.user(name="Awa Bello")
    product = f.product("Tecno Spark 10", seller=seller, images=2)
    talk = threads.open_about_listing(buyer, product.public_id)
    message = safety.post_photo(buyer, talk, f.jpeg_bytes((10, 200, 30)))
    db.session.commit()
    return {"seller": seller, "buyer": buyer, "product": product, "talk": talk, "message": message,
            "files": _on_disk(dropbox_app)}


def _move_everything(monkeypatch, app):
    monkeypatch.setitem(app.config, "STORAGE_OFFLOAD_MIN_BYTES", 1)  # every file passes the size rule


def test_offload_moves_all_but_thumbnails_and_every_photo_still_shows(dropbox_app, dropbox_fake, shop, monkeypatch,
                                                                     client):
    before = shop["files"]
    assert len(before) == 9  # 2 photos × 4 sizes + the chat photo
    _move_everything(monkeypatch, dropbox_app)

    outcome = offload.run()

    thumbnails = {key for key in before if key.endswith("-320.webp")}
    assert (outcome.moved, outcome.failed) == (7, 0)
    assert set(_on_disk(dropbox_app)) == thumbnails
    assert dropbox_fake.contents() == {
        key: data for key, data in before.items() if key not in thumbnails}
    rows = db.session.scalars(select(StoredFile)).all()
    assert sorted((row.location, row.local_copy) for row in rows) == [("local", True)] * 2 + [("remote", False)] * 7

    page = client.get(f"/p/{shop['product'].public_id}")
    assert page.status_code == 200
    photo_urls = {url.split(" ")[0] for url in _srcset_urls(page.get_data(as_text=True))}
    assert photo_urls and all(url.startswith("/media/products/") for url in photo_urls)
    for url in photo_urls:
        answer = client.get(url)
        key = url.removeprefix("/media/")
        if key in thumbnails:
            assert answer.status_code == 200 and answer.get_data() == before[key]
        else:
            assert answer.status_code == 302 and "raw=1" in answer.headers["Location"]
            assert "immutable" not in answer.headers["Cache-Control"]
            assert 0 < answer.cache_control.max_age <= 3600
            assert requests.get(answer.headers["Location"], timeout=5).content == before[key]
        answer.close()

    f.sign_in(client, shop["seller"])
    chat = client.get(f"/messages/{shop['talk'].public_id}/photos/{shop['message'].id}")
    assert chat.status_code == 200 and chat.get_data() == before[shop["message"].image_key]


def _srcset_urls(html):
    import re

    found = set()
    for srcset in re.findall(r'srcset="([^"]+)"', html):
        found |= {part.strip() for part in srcset.split(",")}
    return found


def test_a_cached_link_is_served_without_asking_dropbox_again(dropbox_app, dropbox_fake, shop, monkeypatch, client):
    _move_everything(monkeypatch, dropbox_app)
    export = files.save("exports/commandes-2026-12.csv", "référence;total\nVGK-1;25000\n".encode())
    db.session.commit()
    offload.run()
    calls = len(dropbox_fake.requests)

    first = client.get("/media/exports/commandes-2026-12.csv")
    second = client.get("/media/exports/commandes-2026-12.csv")

    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert "/dl/" in first.headers["Location"]  # not a listing photo: a temporary link
    assert len(dropbox_fake.requests) == calls + 1  # one get_temporary_link for both
    assert requests.get(first.headers["Location"], timeout=5).content == files.read(export)


def test_a_file_deleted_after_its_move_is_deleted_from_dropbox(dropbox_app, dropbox_fake, shop, monkeypatch, client):
    _move_everything(monkeypatch, dropbox_app)
    offload.run()
    image = shop["product"].images[0]

    from vgk.services.selling import media

    media.delete_files(image.keys)

    assert not set(image.keys) & set(dropbox_fake.contents())
    assert db.session.scalar(select(StoredFile).where(StoredFile.key.in_(image.keys))) is None
    assert client.get(f"/media/{image.large_key}").status_code == 404


def test_the_plan_follows_the_rules(dropbox_app, shop, monkeypatch):
    monkeypatch.setitem(dropbox_app.config, "STORAGE_OFFLOAD_MIN_BYTES", 0)
    monkeypatch.setitem(dropbox_app.config, "STORAGE_LOCAL_THRESHOLD_BYTES", 0)
    assert offload.plan().candidates == []  # no rule on: nothing moves

    sizes = {key: len(data) for key, data in shop["files"].items()}
    biggest = max((key for key in sizes if not key.endswith("-320.webp")), key=sizes.get)
    monkeypatch.setitem(dropbox_app.config, "STORAGE_OFFLOAD_MIN_BYTES", sizes[biggest])
    assert [(c.key, c.reason) for c in offload.plan().candidates] == [(biggest, "size")]

    monkeypatch.setitem(dropbox_app.config, "STORAGE_OFFLOAD_MIN_BYTES", 0)
    monkeypatch.setitem(dropbox_app.config, "STORAGE_LOCAL_THRESHOLD_BYTES", sum(sizes.values()) - 1)
    monkeypatch.setitem(dropbox_app.config, "STORAGE_LOCAL_BUDGET_BYTES", sum(sizes.values()) - 1)
    chosen = offload.plan().candidates
    assert len(chosen) == 1 and chosen[0].reason == "budget"  # the oldest file brings it under the budget


def test_files_written_before_the_records_are_recorded_then_moved(dropbox_app, dropbox_fake, monkeypatch):
    registry.storage().save("products/old/0123456789ab-960.webp", b"an old photo")
    _move_everything(monkeypatch, dropbox_app)

    assert offload.offload_job() == 1

    assert dropbox_fake.contents() == {"products/old/0123456789ab-960.webp": b"an old photo"}
    row = db.session.scalar(select(StoredFile))
    assert (row.key, row.kind, row.location, row.size) == ("products/old/0123456789ab-960.webp", "photo",
                                                           "remote", 12)


def test_when_dropbox_does_not_answer_a_moved_file_is_a_503_not_an_error(dropbox_app, dropbox_fake, monkeypatch,
                                                                         client):
    _move_everything(monkeypatch, dropbox_app)
    files.save("exports/commandes.csv", b"reference;total\n")
    db.session.commit()
    offload.run()
    for _ in range(6):  # more than the adapter's retries
        dropbox_fake.fail_next(500, "files/get_temporary_link")

    assert client.get("/media/exports/commandes.csv").status_code == 503
    assert client.get("/media/exports/commandes.csv").status_code == 302  # answered again: served


KILLED_WORKER = """
import json, os, signal, sys
sys.path.insert(0, {root!r})
from tests.conftest import make_app
from vgk.integrations import registry
from vgk.services.storage import offload

app = make_app({url!r}, {media!r}, **json.loads({settings!r}))
with app.app_context():
    target = registry.remote_storage() if {where!r} == "upload" else registry.storage()
    real = getattr(target, {where!r})
    calls = []

    def then_die(*args, **kwargs):
        calls.append(1)
        if len(calls) > {after} and {where!r} == "delete":  # the local copy is about to be deleted
            os.kill(os.getpid(), signal.SIGKILL)  # no rollback, no finally: the process is gone
        result = real(*args, **kwargs)
        if len(calls) > {after}:  # the copy is in Dropbox, its record not switched yet
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    setattr(target, {where!r}, then_die)
    offload.run()
"""


def _run_killed_worker(app, fake, where, after):
    import json
    import subprocess
    import sys

    from tests.unit.storage_fixtures import dropbox_settings

    settings = {**dropbox_settings(fake, Path(app.config["BACKUP_DIR"])), "STORAGE_OFFLOAD_MIN_BYTES": 1}
    settings["BACKUP_DIR"] = str(settings["BACKUP_DIR"])
    script = KILLED_WORKER.format(root=str(Path(__file__).resolve().parents[2]), where=where, after=after,
                                  url=str(db.engine.url.render_as_string(hide_password=False)),
                                  media=app.config["MEDIA_ROOT"], settings=json.dumps(settings))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          env={**__import__("os").environ, "VGK_ENV": "test"})
    assert done.returncode == -9, done.stderr[-2000:]


def test_a_worker_killed_mid_move_loses_and_duplicates_nothing(dropbox_app, dropbox_fake, shop, monkeypatch, client):
    before = shop["files"]
    _move_everything(monkeypatch, dropbox_app)
    db.session.remove()

    _run_killed_worker(dropbox_app, dropbox_fake, "upload", 2)  # killed after the 3rd copy, before its switch
    _run_killed_worker(dropbox_app, dropbox_fake, "delete", 0)  # killed after a switch, before the delete

    rows = db.session.scalars(select(StoredFile)).all()
    half_done = [row for row in rows if row.location == "remote" and row.local_copy]
    assert len(half_done) == 1 and half_done[0].key in _on_disk(dropbox_app)
    assert half_done[0].key in dropbox_fake.contents()

    outcome = offload.run()

    db.session.expire_all()
    rows = db.session.scalars(select(StoredFile)).all()
    in_dropbox, on_disk = dropbox_fake.contents(), _on_disk(dropbox_app)
    assert outcome.finished == 1 and outcome.failed == 0
    assert len(rows) == len({row.key for row in rows}) == 9
    assert {row.key for row in rows if row.location == "remote"} == set(in_dropbox)
    assert {row.key for row in rows if row.location == "local"} == set(on_disk)
    assert len(in_dropbox) == 7 and len(on_disk) == 2 and not set(in_dropbox) & set(on_disk)
    for key, data in before.items():
        assert files.read(key) == data


def test_a_temporary_link_is_replaced_before_it_expires(dropbox_app, dropbox_fake, monkeypatch, client):
    _move_everything(monkeypatch, dropbox_app)
    files.save("exports/commandes.csv", b"reference;total\n")
    db.session.commit()
    offload.run()
    from vgk.services.storage import links

    start = links.time.monotonic()
    monkeypatch.setattr(links.time, "monotonic", lambda: start)
    first = client.get("/media/exports/commandes.csv").headers["Location"]
    assert client.get("/media/exports/commandes.csv").cache_control.max_age == 3600
    # three and a half hours later: the four-hour link has half an hour left, so a fresh one is asked for
    monkeypatch.setattr(links.time, "monotonic", lambda: start + 4 * 3600 - links.REFRESH_MARGIN)
    second = client.get("/media/exports/commandes.csv").headers["Location"]

    assert first != second and dropbox_fake.calls("files/get_temporary_link") == 2
    assert requests.get(second, timeout=5).content == b"reference;total\n"
