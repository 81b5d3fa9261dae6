"""Shared fixtures: every database test runs on SQLite and on a throwaway PostgreSQL, schema from migrations."""
import os

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from config import TestConfig
from tests.fakes.fixtures import oidc_fake, oidc_provider  # noqa: F401  (fixtures)
from tests.servers import PostgresServer, RedisServer
from vgk import create_app
from vgk.extensions import db, limiter

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def postgres():
    server = PostgresServer(crash_safe=False).start()  # never crashed: commits acknowledged before written
    yield server
    server.stop()


@pytest.fixture(scope="session")
def _redis_process():
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def redis_server(_redis_process):
    """The loopback Redis, emptied before each test: one test's queued or scheduled jobs and rate-limit
    counters never reach another, whatever order the tests run in."""
    from redis import Redis

    with Redis.from_url(_redis_process.url) as connection:
        connection.flushall()
    return _redis_process


@pytest.fixture
def limiter_kept():
    """For a test whose apps bind the rate limiter (one object per process) to a Redis that stops or never
    was: its storage is put back afterwards, so the next tests' resets reach a live one."""
    saved = (limiter._storage, limiter._limiter, limiter._storage_dead)  # noqa: SLF001
    yield
    limiter._storage, limiter._limiter, limiter._storage_dead = saved  # noqa: SLF001


@pytest.fixture(scope="session")
def media_root(tmp_path_factory):
    return str(tmp_path_factory.mktemp("media"))


class IsolatedClient(FlaskClient):
    """Each request gets its own app context (fresh `g` and DB session), as in a real server,
    even while the test itself holds an app context for its factories and assertions."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def make_app(database_url, media_root, **overrides):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, MEDIA_ROOT=media_root, **overrides)
    app.test_client_class = IsolatedClient
    return app


def migrate(app):
    with app.app_context():
        upgrade()


@pytest.fixture(scope="session")
def sqlite_app(tmp_path_factory, media_root):
    path = tmp_path_factory.mktemp("sqlite") / "vgk.sqlite3"
    app = make_app(f"sqlite:///{path}", media_root)
    migrate(app)
    return app


@pytest.fixture(scope="session")
def postgresql_app(postgres, media_root):
    app = make_app(postgres.create_database("vgk_test"), media_root)
    migrate(app)
    return app


def clean_database():
    tables = [table.name for table in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        for name in tables:
            db.session.execute(text(f"DELETE FROM {name}"))
    db.session.commit()


@pytest.fixture(params=BACKENDS)
def app(request):
    """The application on each database in turn, with an app context and empty tables."""
    yield from _with_empty_tables(request.getfixturevalue(f"{request.param}_app"))


def _with_empty_tables(application):
    """`application` with an app context for the test; afterwards its tables are emptied and the rate limits
    reset."""
    with application.app_context():
        yield application
        db.session.rollback()
        clean_database()
        db.session.remove()
    limiter.reset()
    application.extensions.pop("vgk_events", None)  # the views counted today, the visitors per address
    application.extensions.pop("vgk_background", None)  # jobs handed to the background (vgk.jobs.background)
    application.extensions.pop("vgk_versions", None)  # the reference lists kept in memory (rows deleted by SQL)
    application.extensions.pop("vgk_kept", None)  # parts of pages and lists kept under those version numbers


# --- apps with Google sign-in configured, against the fake OpenID Connect provider -----------------

def _google_app(database_url, media_root, provider):
    app = make_app(
        database_url, media_root,
        GOOGLE_CLIENT_ID=provider.client_id,
        GOOGLE_CLIENT_SECRET=provider.client_secret,
        GOOGLE_DISCOVERY_URL=provider.discovery_url,
    )
    migrate(app)
    return app


@pytest.fixture(scope="session")
def google_sqlite_app(tmp_path_factory, media_root, oidc_provider):
    path = tmp_path_factory.mktemp("google") / "vgk.sqlite3"
    return _google_app(f"sqlite:///{path}", media_root, oidc_provider)


@pytest.fixture(scope="session")
def google_postgresql_app(postgres, media_root, oidc_provider):
    return _google_app(postgres.create_database("vgk_google"), media_root, oidc_provider)


@pytest.fixture(params=BACKENDS)
def google_app(request, oidc_fake):
    yield from _with_empty_tables(request.getfixturevalue(f"google_{request.param}_app"))


# --- apps with Gemini configured, against the loopback fake of generateContent ----------------------

@pytest.fixture(scope="session")
def _gemini_server():
    from tests.fakes.gemini import GeminiFake

    fake = GeminiFake().start()
    yield fake
    fake.stop()


@pytest.fixture
def gemini(_gemini_server):
    """The Gemini fake the `gemini_app` talks to, with nothing received or scripted yet."""
    _gemini_server.reset()
    return _gemini_server


def _gemini_app(database_url, media_root, fake):
    app = make_app(database_url, media_root, GEMINI_API_KEY=fake.key, GEMINI_BASE_URL=fake.url,
                   GEMINI_MODEL="gemini-2.5-flash", GEMINI_TIMEOUT_SECONDS=2)
    migrate(app)
    return app


@pytest.fixture(scope="session")
def gemini_sqlite_app(tmp_path_factory, media_root, _gemini_server):
    path = tmp_path_factory.mktemp("gemini") / "vgk.sqlite3"
    return _gemini_app(f"sqlite:///{path}", media_root, _gemini_server)


@pytest.fixture(scope="session")
def gemini_postgresql_app(postgres, media_root, _gemini_server):
    return _gemini_app(postgres.create_database("vgk_gemini"), media_root, _gemini_server)


@pytest.fixture(params=BACKENDS)
def gemini_app(request, gemini):
    """The application with a model configured (the fake), on each database in turn, like `app`."""
    yield from _with_empty_tables(request.getfixturevalue(f"gemini_{request.param}_app"))


@pytest.fixture
def client(app):
    return app.test_client()


def pytest_configure(config):
    os.environ.setdefault("VGK_ENV", "test")


def socket_test_client(app, http=None, auth=None):
    """Flask-SocketIO's test client for `app`. The extension object is one per process (as in production,
    one app per process); tests build many apps, and when the last one had REDIS_URL its server talks
    through Redis, which the test client refuses: it is then bound again without a message queue (once,
    so every client of a test shares one server)."""
    from socketio.pubsub_manager import PubSubManager

    from vgk import realtime
    from vgk.extensions import socketio
    from vgk.urls import site_origins

    if isinstance(socketio.server.manager, PubSubManager):
        socketio.server_options.pop("client_manager", None)
        socketio.init_app(app, message_queue=None, async_mode="threading",
                          cors_allowed_origins=site_origins(app.config))
        realtime.register(app, socketio)
    return socketio.test_client(app, flask_test_client=http or app.test_client(), auth=auth)
