"""The Dropbox adapter through the real SDK against the loopback fake of Dropbox's HTTP API: short-lived
access tokens from the refresh token, small files in one upload and large ones in an upload session,
retries on 429 and 5xx, links, listing and deleting."""
import os

import pytest
import requests

from config import ConfigError
from tests.conftest import make_app
from tests.fakes.fixtures import dropbox_fake  # noqa: F401
from vgk.integrations.dropbox_storage import DropboxStorage, content_hash, raw_link
from vgk.integrations.registry import adapters_of
from vgk.integrations.storage import StorageError


@pytest.fixture
def store(dropbox_fake):
    waits = []
    adapter = DropboxStorage(dropbox_fake.app_key, dropbox_fake.app_secret, dropbox_fake.refresh_token, "/vgk",
                             base_url=dropbox_fake.url, chunk_bytes=300_000, retries=3, backoff=0.5,
                             sleep=waits.append)
    adapter.waits = waits
    return adapter


def test_a_small_file_goes_up_in_one_call_after_a_token_from_the_refresh_token(store, dropbox_fake):
    stored = store.upload("products/abc/photo-960.webp", b"webp bytes")

    assert dropbox_fake.token_requests == 1
    assert dropbox_fake.requests == [("content.dropboxapi.com", "files/upload")]
    assert dropbox_fake.files["/vgk/products/abc/photo-960.webp"] == b"webp bytes"
    assert (stored.size, stored.content_hash) == (10, content_hash(b"webp bytes"))
    assert store.read("products/abc/photo-960.webp") == b"webp bytes"


def test_a_large_file_goes_up_in_chunks_of_an_upload_session(store, dropbox_fake, tmp_path):
    data = os.urandom(1_000_000)
    source = tmp_path / "backup.tar.gz"
    source.write_bytes(data)

    stored = store.upload_file("backups/vgk.tar.gz", source)

    routes = [route for _host, route in dropbox_fake.requests]
    assert routes == ["files/upload_session/start"] + ["files/upload_session/append_v2"] * 3 + [
        "files/upload_session/finish"]
    assert dropbox_fake.files["/vgk/backups/vgk.tar.gz"] == data
    assert stored.content_hash == content_hash(data) and stored.size == 1_000_000


def test_rate_limits_and_server_errors_are_tried_again_with_backoff(store, dropbox_fake):
    dropbox_fake.fail_next(429, "files/upload", retry_after=2)
    dropbox_fake.fail_next(503, "files/upload")
    dropbox_fake.fail_next(500, "files/upload")

    store.upload("a.txt", b"hello")

    assert dropbox_fake.calls("files/upload") == 4
    assert store.waits == [2.0, 1.0, 2.0]  # Retry-After first, then backoff doubling with each try
    assert dropbox_fake.files["/vgk/a.txt"] == b"hello"


def test_after_its_retries_the_adapter_gives_up_with_a_storage_error(store, dropbox_fake):
    for _ in range(4):
        dropbox_fake.fail_next(502, "files/upload")

    with pytest.raises(StorageError):
        store.upload("a.txt", b"hello")
    assert dropbox_fake.calls("files/upload") == 4 and "/vgk/a.txt" not in dropbox_fake.files


def test_an_expired_access_token_is_refreshed_and_the_call_goes_through(store, dropbox_fake):
    store.upload("a.txt", b"one")
    dropbox_fake.expire_tokens()

    assert store.read("a.txt") == b"one"
    assert dropbox_fake.token_requests == 2


def test_wrong_credentials_are_a_storage_error(dropbox_fake):
    adapter = DropboxStorage("app-key", "wrong-secret", dropbox_fake.refresh_token, base_url=dropbox_fake.url)
    with pytest.raises(StorageError):
        adapter.upload("a.txt", b"x")


def test_links_listing_and_deletion(store, dropbox_fake):
    store.upload("products/p1/x-960.webp", b"photo")
    store.upload("exports/orders.csv", b"a;b")
    dropbox_fake.page_size = 1  # the listing follows list_folder/continue

    temporary = store.temporary_link("exports/orders.csv")
    shared = store.shared_link("products/p1/x-960.webp")

    assert requests.get(temporary, timeout=5).content == b"a;b"
    assert shared.endswith("raw=1") and requests.get(shared, timeout=5).content == b"photo"
    assert store.shared_link("products/p1/x-960.webp") == shared  # the existing link, not a second one
    assert [(item.key, item.size) for item in store.listing()] == [("exports/orders.csv", 3),
                                                                   ("products/p1/x-960.webp", 5)]
    assert [item.key for item in store.within("exports").listing()] == ["orders.csv"]
    store.delete("exports/orders.csv")
    store.delete("exports/orders.csv")  # already gone: nothing to do
    with pytest.raises(FileNotFoundError):
        store.read("exports/orders.csv")
    assert requests.get(temporary, timeout=5).status_code == 404


def test_keys_cannot_leave_the_root(store):
    with pytest.raises(ValueError):
        store.upload("../other/file", b"x")


def test_a_shared_link_is_made_to_answer_with_the_bytes():
    assert raw_link("https://www.dropbox.com/scl/fi/abc/x.webp?rlkey=k1&dl=0") == \
        "https://www.dropbox.com/scl/fi/abc/x.webp?rlkey=k1&raw=1"


# --- configuration ------------------------------------------------------------------------------------

def test_dropbox_without_its_keys_or_an_unknown_backend_refuses_to_start(tmp_path):
    with pytest.raises(ConfigError, match="DROPBOX_APP_SECRET, DROPBOX_REFRESH_TOKEN"):
        make_app("sqlite://", str(tmp_path), STORAGE_BACKEND="dropbox", DROPBOX_APP_KEY="key")
    with pytest.raises(ConfigError, match="STORAGE_BACKEND='s3' is not one of local, dropbox"):
        make_app("sqlite://", str(tmp_path), STORAGE_BACKEND="s3")


def test_the_backend_chooses_the_remote_store_and_where_backups_go(tmp_path, dropbox_fake):
    local = make_app("sqlite://", str(tmp_path / "media"), BACKUP_DIR=str(tmp_path / "kept"))
    assert adapters_of(local).remote is None
    assert adapters_of(local).backups.root == tmp_path / "kept"

    remote = make_app("sqlite://", str(tmp_path / "media"), STORAGE_BACKEND="dropbox", DROPBOX_APP_KEY="k",
                      DROPBOX_APP_SECRET="s", DROPBOX_REFRESH_TOKEN="r", DROPBOX_ROOT="/shop")
    assert isinstance(adapters_of(remote).remote, DropboxStorage)
    assert adapters_of(remote).remote.path("products/a.webp") == "/shop/products/a.webp"
    assert adapters_of(remote).backups.path("vgk.tar.gz") == "/shop/backups/vgk.tar.gz"
