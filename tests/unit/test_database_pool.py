"""PostgreSQL connections in the pool: one the server dropped while it sat idle is replaced before use
(the page still answers), and one in steady use is not pinged at every request."""
import pytest
from sqlalchemy import text

from tests.conftest import make_app, migrate
from vgk.extensions import db


@pytest.fixture(scope="module")
def own_database(postgres, media_root):
    """A database of its own: dropping its connections leaves the other tests' pools alone."""
    url = postgres.create_database("vgk_pool")
    migrate(make_app(url, media_root))
    return url


def _count_pings(app, monkeypatch):
    pings = []
    with app.app_context():
        dialect = db.engine.dialect
    original = dialect.do_ping

    def ping(dbapi_connection):
        pings.append(1)
        return original(dbapi_connection)

    monkeypatch.setattr(dialect, "do_ping", ping)
    return pings


def _drop_its_connections(postgres_url):
    """What a server restart or an idle timeout does to the pool's connections."""
    import psycopg2

    killer = psycopg2.connect(postgres_url.replace("postgresql+psycopg2://", "postgresql://"))
    killer.autocommit = True
    with killer.cursor() as cursor:
        cursor.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        dropped = cursor.fetchone()[0]
    killer.close()
    return dropped


def test_a_connection_dropped_while_idle_is_replaced_before_use(own_database, media_root, monkeypatch):
    url = own_database
    app = make_app(url, media_root, DB_PING_AFTER_IDLE_SECONDS=0)
    pings = _count_pings(app, monkeypatch)
    with app.app_context():
        assert db.session.execute(text("SELECT 1")).scalar() == 1
        db.session.remove()  # back in the pool, idle
        assert _drop_its_connections(url) >= 1
        assert db.session.execute(text("SELECT 2")).scalar() == 2  # a fresh connection, no error
        db.session.remove()
    assert pings, "the idle connection was checked"
    page = app.test_client().get("/")
    assert page.status_code == 200


def test_a_connection_in_steady_use_is_not_pinged(own_database, media_root, monkeypatch):
    app = make_app(own_database, media_root, DB_PING_AFTER_IDLE_SECONDS=3600)
    client = app.test_client()
    assert client.get("/").status_code == 200  # opens the pool's connection
    pings = _count_pings(app, monkeypatch)
    for _ in range(3):
        assert client.get("/").status_code == 200
    assert pings == []
