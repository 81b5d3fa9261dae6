"""Backups: `flask backup` then a wiped database and media folder, then `flask restore <name>` give back the
same rows in every table and the same files, on SQLite and on PostgreSQL, with the archive in Dropbox (the
loopback fake, uploaded in an upload session) or in BACKUP_DIR; retention keeps 7 daily and 4 weekly."""
import hashlib
import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import text

from tests import factories as f
from tests.conftest import make_app, migrate
from tests.fakes.fixtures import dropbox_fake, dropbox_server  # noqa: F401
from tests.unit.storage_fixtures import dropbox_settings
from vgk.extensions import db
from vgk.integrations import registry
from vgk.services.conversations import safety, threads
from vgk.services.storage import backups, dumps, links, offload


def _hashes(root):
    root = Path(root)
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in root.rglob("*") if p.is_file()}


def _wipe(app):
    """Everything gone: every table (the migrations' version too) and every local file."""
    db.session.remove()
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    else:
        db.engine.dispose()
        path = db.engine.url.database
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
    db.engine.dispose()
    shutil.rmtree(app.config["MEDIA_ROOT"])


@pytest.fixture(params=("sqlite", "postgresql"))
def backed_up_app(request, tmp_path, dropbox_fake):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'vgk.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres").create_database(f"backup_{tmp_path.name[-12:].lower()}"
                                                                   .replace("-", "_"))
    app = make_app(url, str(tmp_path / "media"), **dropbox_settings(dropbox_fake, tmp_path / "backups"))
    migrate(app)
    links.clear()
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    links.clear()


def _some_data(app):
    seller, buyer = f.user(name="Nadège Fotso"), f.user(name="Awa Bello")
    product = f.product("Tecno Spark 10", seller=seller, images=2)
    f.product("Radio Sony", seller=seller, images=1)
    talk = threads.open_about_listing(buyer, product.public_id)
    safety.post_photo(buyer, talk, f.jpeg_bytes((10, 200, 30)))
    db.session.commit()
    return product


def test_backup_wipe_restore_gives_back_the_same_rows_and_files(backed_up_app, dropbox_fake, monkeypatch):
    app = backed_up_app
    product = _some_data(app)
    monkeypatch.setitem(app.config, "STORAGE_OFFLOAD_MIN_BYTES", 1)  # all but the thumbnails go to Dropbox
    moved = offload.run().moved
    large, thumb_key = product.images[0].large_key, product.images[0].thumb_key
    large_bytes = dropbox_fake.contents().get(large)
    rows, files = dumps.row_counts(), _hashes(app.config["MEDIA_ROOT"])
    assert moved == 10 and large_bytes is not None and rows["stored_files"] == 13 and rows["products"] == 2
    runner = app.test_cli_runner()
    monkeypatch.setattr(registry.backup_storage(), "chunk_bytes", 16_384)  # the archive goes up in chunks

    made = runner.invoke(args=["backup"])
    assert made.exit_code == 0, made.output
    name = backups.listing()[0].name
    assert f"Backup {name}" in made.output
    assert dropbox_fake.calls("files/upload_session/finish") == 1
    assert dropbox_fake.calls("files/upload_session/append_v2") >= 1

    _wipe(app)
    assert not Path(app.config["MEDIA_ROOT"]).exists()
    with db.engine.connect() as connection:
        assert "users" not in db.inspect(connection).get_table_names()

    done = runner.invoke(args=["restore", name, "--yes"])

    assert done.exit_code == 0, done.output
    assert f"Restored {name}: {len(rows)} tables, {sum(rows.values())} rows, {len(files)} files." in done.output
    assert dumps.row_counts() == rows
    assert _hashes(app.config["MEDIA_ROOT"]) == files
    client = app.test_client()  # the moved photo is served from Dropbox again, the others from the disk
    answer = client.get(f"/media/{large}")
    assert answer.status_code == 302 and requests.get(answer.headers["Location"], timeout=5).content == large_bytes
    thumb = client.get(f"/media/{thumb_key}")
    assert thumb.status_code == 200
    thumb.close()


def test_a_local_backup_lands_in_the_backup_folder_and_restores(tmp_path, postgres):
    app = make_app(f"sqlite:///{tmp_path / 'vgk.sqlite3'}", str(tmp_path / "media"), BACKUP_DIR=str(tmp_path / "kept"))
    migrate(app)
    with app.app_context():
        _some_data(app)
        rows, files = dumps.row_counts(), _hashes(app.config["MEDIA_ROOT"])
        made = backups.create(datetime(2026, 12, 3, 2, 0, tzinfo=UTC))

        assert [p.name for p in (tmp_path / "kept").iterdir()] == ["vgk-20261203T020000Z.tar.gz"]
        _wipe(app)
        restored = backups.restore(made.name)

        assert restored.tables == rows and dumps.row_counts() == rows
        assert _hashes(app.config["MEDIA_ROOT"]) == files
        with pytest.raises(backups.BackupError):
            backups.restore("vgk-20200101T000000Z.tar.gz")
        with pytest.raises(backups.BackupError):
            backups.restore("../../etc/passwd")
        db.session.remove()
        db.engine.dispose()


def test_retention_keeps_seven_daily_and_four_weekly_backups():
    start = datetime(2026, 11, 1, 1, 0, tzinfo=UTC)  # two backups a day for 40 days (02:00 and 14:00 in Douala)
    made = [backups.Backup(f"vgk-{when:%Y%m%dT%H%M%SZ}.tar.gz", 1, when)
            for day in range(40) for when in (start + timedelta(days=day), start + timedelta(days=day, hours=12))]

    kept = backups.to_keep(made, daily=7, weekly=4)

    daily = {f"vgk-202612{day:02d}T130000Z.tar.gz" for day in range(4, 11)}  # 4 to 10 December, the later one
    weekly = {"vgk-20261210T130000Z.tar.gz",  # Thursday 10 December: its week's newest
              "vgk-20261206T130000Z.tar.gz", "vgk-20261129T130000Z.tar.gz", "vgk-20261122T130000Z.tar.gz"}  # Sundays
    assert kept == daily | weekly and len(kept) == 9  # two weekly ones are also daily ones


def test_the_daily_backup_is_due_once_a_day_after_its_hour(backed_up_app, dropbox_fake):
    before_hour = datetime(2026, 12, 3, 1, 30, tzinfo=UTC)  # 02:30 in Douala, BACKUP_HOUR is 3
    after_hour = datetime(2026, 12, 3, 2, 30, tzinfo=UTC)

    assert not backups.due(before_hour) and backups.due(after_hour)
    backups.create(after_hour)
    assert not backups.due(after_hour + timedelta(hours=5))
    assert backups.due(after_hour + timedelta(days=1))
    assert [b.name for b in backups.listing()] == ["vgk-20261203T023000Z.tar.gz"]
    assert "/vgk/backups/vgk-20261203t023000z.tar.gz" in dropbox_fake.files
