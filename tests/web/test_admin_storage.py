"""The admins' storage page: its figures are those of the files on the disk and in Dropbox (the fake),
by kind and place, with the next offload and the backups; only admins see it."""
import re
from pathlib import Path

import pytest
from flask_babel import force_locale

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
from vgk.models import Role, TwoFactor
from vgk.models.base import utcnow
from vgk.services.conversations import safety, threads
from vgk.services.storage import backups, offload
from vgk.web.admin.storage import size


@pytest.fixture
def admin(dropbox_app, client):
    user = f.user(Role.ADMIN, name="Admin Kamer", two_factor=TwoFactor.SMS, phone_verified_at=utcnow())
    f.sign_in(client, user)
    return user


def _figure(html, name):
    return re.search(rf'data-figure="{name}">([^<]*)<', html)[1]


def test_the_figures_match_the_disk_and_dropbox(dropbox_app, dropbox_fake, client, admin, monkeypatch):
    seller, buyer = f.user(), f.user()
    product = f.product("Tecno Spark 10", seller=seller, images=3)
    safety.post_photo(buyer, threads.open_about_listing(buyer, product.public_id), f.jpeg_bytes((1, 2, 3)))
    db.session.commit()
    monkeypatch.setitem(dropbox_app.config, "STORAGE_OFFLOAD_MIN_BYTES", 1)
    offload.run(limit=4)  # four of the ten files past the rule moved (thumbnails stay): six to go
    backups.create()

    response = client.get("/admin/stockage")

    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<h1>Stockage</h1>" in html
    on_disk = [p for p in Path(dropbox_app.config["MEDIA_ROOT"]).rglob("*") if p.is_file()]
    in_dropbox = dropbox_fake.contents()
    media_in_dropbox = {key: data for key, data in in_dropbox.items() if not key.startswith("backups/")}
    assert _figure(html, "local-count") == str(len(on_disk)) == "9"
    assert _figure(html, "local-disk") == size(sum(p.stat().st_size for p in on_disk))
    assert _figure(html, "remote-count") == str(len(media_in_dropbox)) == "4"
    assert _figure(html, "remote-bytes") == size(sum(len(data) for data in media_in_dropbox.values()))
    assert "Prochain déplacement : 6 fichiers" in _figure(html, "next-offload")
    photos = re.search(r'<tr data-kind="photo">(.*?)</tr>', html, re.S)[1]
    assert "Photos d’annonces" in photos and "5 fichiers" in photos and "4 fichiers" in photos
    thumbnails = re.search(r'<tr data-kind="thumbnail">(.*?)</tr>', html, re.S)[1]
    assert "3 fichiers" in thumbnails and "0 fichier" in thumbnails
    backup_name = next(key for key in in_dropbox if key.startswith("backups/")).removeprefix("backups/")
    assert backup_name in html
    assert 'href="/admin/stockage" aria-current="page"' in html


def test_sizes_read_in_french_and_english(dropbox_app):
    assert size(950) == "950\u00a0octets"
    assert size(12_900_000) == "12,3\u00a0Mo"
    with force_locale("en"):
        assert size(12_900_000) == "12.3\u00a0MB"


def test_only_admins_see_the_page(dropbox_app, client):
    f.sign_in(client, f.user())
    assert client.get("/admin/stockage").status_code in (403, 404)
