"""Apps whose storage backend is Dropbox (the loopback fake), on each database, with their own media and
backup folders emptied before each test. Import the fixtures a module needs:

    from tests.unit.storage_fixtures import (client, dropbox_app, dropbox_fake, dropbox_postgresql_app,
                                             dropbox_server, dropbox_sqlite_app)  # noqa: F401
"""
import shutil
from pathlib import Path

import pytest

from tests.conftest import _with_empty_tables, make_app, migrate
from tests.fakes.fixtures import dropbox_fake, dropbox_server  # noqa: F401
from vgk.services.storage import links


def dropbox_settings(fake, backups_dir):
    return {"STORAGE_BACKEND": "dropbox", "DROPBOX_APP_KEY": fake.app_key, "DROPBOX_APP_SECRET": fake.app_secret,
            "DROPBOX_REFRESH_TOKEN": fake.refresh_token, "DROPBOX_ROOT": "/vgk", "DROPBOX_BASE_URL": fake.url,
            "DROPBOX_BACKOFF_SECONDS": 0.01, "DROPBOX_CHUNK_BYTES": 300_000, "DROPBOX_TIMEOUT": 5,
            "BACKUP_DIR": str(backups_dir), "STORAGE_OFFLOAD_MIN_BYTES": 0, "STORAGE_OFFLOAD_AFTER_DAYS": 0}


def _dropbox_app(url, tmp_path_factory, fake):
    root = tmp_path_factory.mktemp("dropbox-app")
    app = make_app(url, str(root / "media"), **dropbox_settings(fake, root / "backups"))
    migrate(app)
    return app


# One app per database for the whole session, whichever modules import these fixtures (each import is a
# fixture of its own for pytest).
_apps = {}


@pytest.fixture(scope="session")
def dropbox_sqlite_app(tmp_path_factory, dropbox_server):
    if "sqlite" not in _apps:
        path = tmp_path_factory.mktemp("dropbox-sqlite") / "vgk.sqlite3"
        _apps["sqlite"] = _dropbox_app(f"sqlite:///{path}", tmp_path_factory, dropbox_server)
    return _apps["sqlite"]


@pytest.fixture(scope="session")
def dropbox_postgresql_app(postgres, tmp_path_factory, dropbox_server):
    if "postgresql" not in _apps:
        _apps["postgresql"] = _dropbox_app(postgres.create_database("vgk_dropbox"), tmp_path_factory, dropbox_server)
    return _apps["postgresql"]


@pytest.fixture(params=("sqlite", "postgresql"))
def dropbox_app(request, dropbox_fake):
    """The app with STORAGE_BACKEND=dropbox against the fake, on each database, like `app`; its media folder
    empty and no link cached."""
    application = request.getfixturevalue(f"dropbox_{request.param}_app")
    shutil.rmtree(Path(application.config["MEDIA_ROOT"]), ignore_errors=True)
    Path(application.config["MEDIA_ROOT"]).mkdir(parents=True)
    links.clear()
    yield from _with_empty_tables(application)
    links.clear()


@pytest.fixture
def client(dropbox_app):
    """The test client of the Dropbox-backed app (in place of the default app's)."""
    return dropbox_app.test_client()
