"""The schema comes from Alembic migrations, identically on SQLite and PostgreSQL."""
import pathlib

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from tests.conftest import make_app
from vgk.extensions import db

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _fresh_app(backend, tmp_path, request, media_root):
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    else:
        postgres = request.getfixturevalue("postgres")
        url = postgres.create_database(f"fresh_{tmp_path.name[-12:].lower().replace('-', '_')}")
    return make_app(url, media_root)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_upgrade_builds_the_models_schema_and_downgrade_removes_it(backend, tmp_path, request, media_root):
    app = _fresh_app(backend, tmp_path, request, media_root)
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"users", "cities", "pickup_points", "categories", "products", "product_images"} <= tables
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"include_object": _include_object, "render_as_batch": True}
            )
            assert compare_metadata(context, db.metadata) == []
        if backend == "postgresql":
            columns = {c["name"] for c in inspect(db.engine).get_columns("products")}
            assert "search_vector" in columns
        else:
            assert "products_fts" in tables
        downgrade(revision="base")
        remaining = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert remaining == set()
        upgrade()
        with db.engine.connect() as connection:
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert version is not None
        db.engine.dispose()


def _include_object(obj, name, type_, reflected, compare_to):
    if type_ == "table" and name.startswith(("products_fts", "search_words_trigrams")):
        return False
    if type_ in ("column", "index") and name in ("search_vector", "ix_products_search_vector",
                                                 "ix_search_words_trigrams"):
        return False
    return True


def test_application_code_never_creates_tables_itself():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "vgk").rglob("*.py")
        if "create_all" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
