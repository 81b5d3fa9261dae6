"""Finding 7: decompression bombs. An 8 900 × 8 900 PNG of a few kilobytes used to be decoded (seconds and
hundreds of megabytes per upload), inside the write transaction of the listing, so that on SQLite
other people's sign-ins failed with "database is locked".

Now an image above the pixel budget is refused from its header, before a single pixel is decoded, with a
clear 400 ("Image trop grande"), through the web seller form and the API alike, and nothing is stored;
photos are processed before the listing's first database write; at most IMAGE_WORKERS photos are
decoded at once, and an upload that gets no turn is answered 503 "busy" instead of piling up.
"""
import io
import struct
import threading
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageFile
from sqlalchemy import func, select

from tests import factories as f
from tests.api.conftest import ApiClient
from tests.conftest import clean_database
from tests.web.test_auth import csrf_token, post, text
from vgk.errors import Invalid
from vgk.extensions import db, limiter
from vgk.models import Product, ProductImage
from vgk.models.base import utcnow
from vgk.services.selling import media

BOMB_SIDE = 8_900


# --- the files ------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def bomb(tmp_path_factory):
    """An 8 900 × 8 900 PNG (79 megapixels) of a few kilobytes, made once and kept for the session."""
    path = tmp_path_factory.mktemp("bombs") / "bomb.png"
    image = Image.new("1", (BOMB_SIDE, BOMB_SIDE))  # 1 bit per pixel keeps the making cheap; decoded it is RGB
    image.save(path, "PNG", optimize=True)
    data = path.read_bytes()
    assert len(data) < 200_000 and struct.unpack(">II", data[16:24]) == (BOMB_SIDE, BOMB_SIDE)  # its IHDR
    return data


def _png_chunk(kind, payload):
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def text_bomb_png(chunks=40):
    """A small real PNG carrying compressed text chunks that inflate to 40 MB of metadata."""
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (10, 120, 200)).save(out, "PNG")
    data = out.getvalue()
    iend = data.rindex(b"\x00\x00\x00\x00IEND")
    inflated = zlib.compress(b"\x00" * (1024 * 1024 - 1), 9)
    extra = b"".join(_png_chunk(b"zTXt", b"Comment%d\x00\x00" % n + inflated) for n in range(chunks))
    head = data.index(b"IDAT") - 4
    return data[:head] + extra + data[head:iend] + data[iend:]


@pytest.fixture
def decoded(monkeypatch):
    """The frames whose pixels Pillow is asked to decode (ImageFile.load), still letting it happen."""
    calls = []
    original = ImageFile.ImageFile.load

    def load(self):
        calls.append(self.tell())
        return original(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    return calls


def media_files(app):
    root = Path(app.config["MEDIA_ROOT"])
    return {p for p in root.rglob("*") if p.is_file()}


def photo_rows():
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(ProductImage))


def product_rows():
    return db.session.scalar(select(func.count()).select_from(Product))


# --- people and places ----------------------------------------------------------------------------

@pytest.fixture
def api(app):
    return ApiClient(app)


@pytest.fixture
def seller(app):
    return f.user(phone_verified_at=utcnow(), name="Mireille Ngo")


@pytest.fixture
def leaf(app):
    return f.category("Téléphones", slug="telephones", parent=f.category("Électronique", slug="electronique"))


@pytest.fixture
def douala(app):
    return f.city("Douala", slug="douala")


def listing_form(leaf, city, photos):
    return {"title": "Téléphone Tecno Spark", "description": "Bon état.", "category": leaf.slug, "condition": "BON",
            "price": "45000", "city": city.slug, "quantity": "1",
            "photos": [(io.BytesIO(data), f"p{n}.png") for n, data in enumerate(photos)]}


# --- the bomb, refused from its header --------------------------------------------------------------

def test_the_bomb_is_refused_before_any_decoding(app, bomb, decoded):
    with pytest.raises(Invalid) as refused:
        media.process_image(bomb)
    assert refused.value.fields == {"image": "too_large"}
    assert "Image trop grande" in str(refused.value.message)
    assert decoded == []  # not a pixel decoded


def test_the_web_seller_form_refuses_the_bomb_and_stores_nothing(app, client, seller, leaf, douala, bomb, decoded):
    f.sign_in(client, seller)
    files_before = media_files(app)
    response = post(client, "/compte/annonces/nouvelle", listing_form(leaf, douala, [bomb]),
                    page="/compte/annonces/nouvelle", content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Image trop grande" in text(response)
    assert decoded == []
    assert product_rows() == 0 and photo_rows() == 0
    assert media_files(app) == files_before

    product = f.product("Lampe de chevet", seller=seller, images=1)
    files_before, rows_before = media_files(app), photo_rows()
    page = f"/compte/annonces/{product.public_id}"
    response = post(client, f"{page}/photos", {"photos": [(io.BytesIO(f.jpeg_bytes()), "ok.jpg"),
                                                          (io.BytesIO(bomb), "bomb.png")]},
                    page=page, content_type="multipart/form-data")
    assert response.status_code == 400 and "Image trop grande" in text(response)
    assert photo_rows() == rows_before and media_files(app) == files_before  # not even the good one


def test_the_api_refuses_the_bomb_and_stores_nothing(app, api, seller, leaf, douala, bomb, decoded):
    files_before = media_files(app)
    response = api.post("client/listings/", user=seller, data=listing_form(leaf, douala, [bomb]))
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["fields"] == {"image": "too_large"} and "Image trop grande" in error["message"]
    assert product_rows() == 0 and photo_rows() == 0 and decoded == []

    product = f.product("Lampe de chevet", seller=seller, images=1)
    files_before, rows_before = media_files(app), photo_rows()
    response = api.post(f"client/listings/{product.public_id}/photos/", user=seller,
                        data={"photos": [(io.BytesIO(f.jpeg_bytes()), "ok.jpg"), (io.BytesIO(bomb), "bomb.png")]})
    assert response.status_code == 400 and response.get_json()["error"]["fields"] == {"image": "too_large"}
    assert photo_rows() == rows_before and media_files(app) == files_before


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")  # the app ignores it too (refused anyway)
def test_the_budget_is_configurable_by_pixels_and_by_side(app, monkeypatch, decoded):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", Image.MAX_IMAGE_PIXELS)  # restored afterwards
    monkeypatch.setitem(app.config, "MAX_IMAGE_PIXELS", 1_000_000)
    monkeypatch.setitem(app.config, "MAX_IMAGE_SIDE", 2_000)
    for size in ((1_001, 1_000), (2_001, 10)):  # too many pixels; a thin strip too long on one side
        out = io.BytesIO()
        Image.new("RGB", size).save(out, "PNG")
        with pytest.raises(Invalid) as refused:
            media.process_image(out.getvalue())
        assert refused.value.fields == {"image": "too_large"}, size
    assert decoded == []
    assert media.process_image(f.jpeg_bytes(size=(1_000, 1_000))).width == 1_000
    assert Image.MAX_IMAGE_PIXELS == 1_000_000  # Pillow's own guard follows the budget


def test_a_jpeg_and_a_gif_claiming_huge_sizes_are_refused_from_their_header(app, decoded):
    jpeg = bytearray(f.jpeg_bytes(size=(16, 16)))
    sof = jpeg.index(b"\xff\xc0")
    jpeg[sof + 5:sof + 9] = struct.pack(">HH", 60_000, 60_000)  # the frame header now claims 3.6 gigapixels
    out = io.BytesIO()
    Image.new("P", (16, 16)).save(out, "GIF")
    gif = bytearray(out.getvalue())
    gif[6:10] = struct.pack("<HH", 65_000, 65_000)  # a 16 × 16 frame on a 4-gigapixel logical screen
    for data in (bytes(jpeg), bytes(gif)):
        with pytest.raises(Invalid) as refused:
            media.process_image(data)
        assert refused.value.fields == {"image": "too_large"}
    assert decoded == []


# --- other hostile pictures ---------------------------------------------------------------------------

def test_an_animation_of_many_frames_is_read_for_its_first_frame_only(app, decoded):
    frames = [Image.new("RGB", (400, 300), (n, 255 - n, 80)) for n in range(0, 250)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=20, loop=0)
    processed = media.process_image(out.getvalue())
    assert (processed.width, processed.height) == (400, 300)
    assert decoded and set(decoded) == {0}  # the first frame, never the 249 others
    assert getattr(Image.open(io.BytesIO(processed.large)), "n_frames", 1) == 1


def test_metadata_inflating_to_megabytes_is_refused(app):
    with pytest.raises(Invalid) as refused:
        media.process_image(text_bomb_png())
    assert refused.value.fields == {"image": "invalid"}


def test_a_huge_exif_block_is_dropped(app):
    exif = Image.Exif()
    exif[0x010E] = "x" * 60_000  # ImageDescription, nearly the whole 64 KB a JPEG segment can hold
    data = f.jpeg_bytes(size=(800, 600), exif=exif)
    assert len(data) > 60_000
    processed = media.process_image(data)
    for rendered in (processed.thumb, processed.large):
        assert b"xxxxxxxx" not in rendered and not Image.open(io.BytesIO(rendered)).getexif()


@pytest.mark.parametrize("payload", [
    b"\x89PNG\r\n\x1a\n<?php system($_GET['c']); ?>",
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00<script>alert(1)</script>",
    b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 0, 0, 8, 2, 0, 0, 0)),  # 0 × 0 pixels
    b"II*\x00" + b"\x00" * 64,  # a TIFF header: a decoder never exposed to uploads
    b"BM" + b"\x00" * 64,  # a BMP header
])
def test_content_claiming_to_be_a_picture_is_refused(app, payload):
    with pytest.raises(Invalid) as refused:
        media.process_image(payload)
    assert refused.value.fields == {"image": "invalid"}


def test_a_script_appended_to_a_real_photo_never_reaches_the_stored_files(app):
    payload = b"<?php system($_GET['c']); ?>"
    processed = media.process_image(f.jpeg_bytes() + payload)
    assert payload not in processed.thumb and payload not in processed.large


# --- processing outside the write transaction ---------------------------------------------------------

@pytest.fixture
def sqlite_only(sqlite_app):
    """SQLite only: its database-wide write lock is what the finding was about."""
    with sqlite_app.app_context():
        yield sqlite_app
        db.session.rollback()
        clean_database()
        db.session.remove()
    limiter.reset()


@pytest.mark.parametrize("route", ["web_new_listing", "api_new_listing"])
def test_a_sign_in_during_a_photo_upload_is_not_locked_out(sqlite_only, monkeypatch, route):
    """The upload is held in the middle of its photo processing while someone else signs in."""
    app = sqlite_only
    seller = f.user(phone_verified_at=utcnow(), name="Mireille Ngo")
    leaf = f.category("Téléphones", slug="telephones", parent=f.category("Électronique", slug="electronique"))
    douala = f.city("Douala", slug="douala")
    f.user(name="Paul Nkodo", phone="+237690000777")
    uploader, visitor = app.test_client(), app.test_client()
    f.sign_in(uploader, seller)
    upload_token = csrf_token(uploader, "/compte/annonces/nouvelle")
    login_token = csrf_token(visitor, "/connexion")
    bearer = f.api_token(seller)
    processing, signed_in = threading.Event(), threading.Event()
    original = media.process_image

    def held_process_image(data, *args, **kwargs):
        processing.set()
        assert signed_in.wait(30), "the sign-in never finished"
        return original(data, *args, **kwargs)

    monkeypatch.setattr(media, "process_image", held_process_image)
    answers = {}
    data = listing_form(leaf, douala, [f.jpeg_bytes()])

    def upload():
        if route == "web_new_listing":
            answers["upload"] = uploader.post("/compte/annonces/nouvelle", data={"csrf_token": upload_token, **data},
                                              content_type="multipart/form-data")
        else:
            answers["upload"] = uploader.post("/mobile/api/client/listings/", data=data,
                                              headers={"Authorization": f"Bearer {bearer}"})

    thread = threading.Thread(target=upload)
    thread.start()
    try:
        assert processing.wait(30), "the upload never reached the photo processing"
        response = visitor.post("/connexion", data={"csrf_token": login_token, "identifier": "+237690000777",
                                                    "password": "secret-pass-1"})
    finally:
        signed_in.set()
        thread.join(60)
    assert "database is locked" not in text(response)
    assert response.status_code in (302, 303), text(response)[:500]
    assert visitor.get("/compte").status_code == 200
    assert answers["upload"].status_code in (201, 303)
    db.session.expire_all()
    assert product_rows() == 1 and photo_rows() == 1


# --- a bounded number of photos decoded at once ----------------------------------------------------------

def test_no_turn_for_a_photo_is_a_clear_503_and_nothing_is_stored(app, client, api, seller, monkeypatch):
    monkeypatch.setitem(app.config, "IMAGE_WORKERS", 1)
    monkeypatch.setitem(app.config, "IMAGE_WAIT_SECONDS", 0)
    product = f.product("Lampe de chevet", seller=seller, images=1)
    f.sign_in(client, seller)
    page = f"/compte/annonces/{product.public_id}"
    token = csrf_token(client, page)
    files_before, rows_before = media_files(app), photo_rows()
    gate = media.image_gate(1)
    assert gate.acquire(timeout=5)  # another upload is being processed
    try:
        response = api.post(f"client/listings/{product.public_id}/photos/", user=seller,
                            data={"photos": [(io.BytesIO(f.jpeg_bytes()), "a.jpg")]}, conform=False)
        assert response.status_code == 503 and response.headers["Retry-After"] == "5"
        assert "503" in api.spec["paths"]["/mobile/api/client/listings/{product_id}/photos/"]["post"]["responses"]
        assert response.get_json()["error"]["code"] == "busy"
        assert "réessayez dans un instant" in response.get_json()["error"]["message"]
        response = client.post(f"{page}/photos", data={"csrf_token": token,
                                                       "photos": [(io.BytesIO(f.jpeg_bytes()), "a.jpg")]},
                               content_type="multipart/form-data")
        assert response.status_code == 503 and "réessayez dans un instant" in text(response)
        assert photo_rows() == rows_before and media_files(app) == files_before
    finally:
        gate.release()
    response = api.post(f"client/listings/{product.public_id}/photos/", user=seller,
                        data={"photos": [(io.BytesIO(f.jpeg_bytes()), "a.jpg")]})
    assert response.status_code == 201 and photo_rows() == rows_before + 1


def test_an_upload_waits_for_its_turn_and_then_goes_through(app, api, seller, monkeypatch):
    monkeypatch.setitem(app.config, "IMAGE_WORKERS", 1)
    monkeypatch.setitem(app.config, "IMAGE_WAIT_SECONDS", 30)
    product = f.product("Lampe de chevet", seller=seller, images=1)
    gate = media.image_gate(1)
    waiting = threading.Event()

    class WatchedGate:
        def acquire(self, timeout=None):
            waiting.set()
            return gate.acquire(timeout=timeout)

        def release(self):
            gate.release()

    monkeypatch.setattr(media, "image_gate", lambda workers=None: WatchedGate())
    bearer = f.api_token(seller)
    uploader = app.test_client()
    answers = {}
    url = f"/mobile/api/client/listings/{product.public_id}/photos/"

    def upload():
        answers["upload"] = uploader.post(url,
                                          data={"photos": [(io.BytesIO(f.jpeg_bytes()), "a.jpg")]},
                                          headers={"Authorization": f"Bearer {bearer}"})

    assert gate.acquire(timeout=5)  # the only turn is taken
    thread = threading.Thread(target=upload)
    thread.start()
    try:
        assert waiting.wait(30)
        assert "upload" not in answers  # still waiting while the turn is taken
    finally:
        gate.release()
        thread.join(60)
    assert answers["upload"].status_code == 201
    assert photo_rows() == 2


def test_every_upload_path_processes_photos_before_any_write(sqlite_only, monkeypatch):
    """On each path a photo takes (web: new listing, edit, add photos; API: create, add photos), nothing is
    pending in the session and SQLite has no write transaction open while the photo is processed."""
    app = sqlite_only
    seller = f.user(phone_verified_at=utcnow(), name="Mireille Ngo")
    leaf = f.category("Téléphones", slug="telephones", parent=f.category("Électronique", slug="electronique"))
    douala = f.city("Douala", slug="douala")
    product = f.product("Lampe de chevet", seller=seller, category_=leaf, city_=douala, images=1)
    public_id, page = product.public_id, f"/compte/annonces/{product.public_id}"
    web, bearer = app.test_client(), {"Authorization": "Bearer " + f.api_token(seller)}
    f.sign_in(web, seller)
    seen = []
    original = media.process_image

    def watched(data, *args, **kwargs):
        connection = db.session.connection().connection.dbapi_connection
        seen.append((bool(db.session.new or db.session.dirty or db.session.deleted), connection.in_transaction))
        return original(data, *args, **kwargs)

    monkeypatch.setattr(media, "process_image", watched)

    def photo():
        return [(io.BytesIO(f.jpeg_bytes()), "p.jpg")]

    fields = {"title": "Lampe de chevet bleue", "description": "Bon état.", "category": leaf.slug,
              "condition": "BON", "price": "45000", "city": douala.slug, "quantity": "1"}
    answers = [
        post(web, "/compte/annonces/nouvelle", {**fields, "photos": photo()}, content_type="multipart/form-data"),
        post(web, page, {**fields, "photos": photo()}, content_type="multipart/form-data"),
        post(web, f"{page}/photos", {"photos": photo()}, page=page, content_type="multipart/form-data"),
        web.post("/mobile/api/client/listings/", data={**fields, "photos": photo()}, headers=bearer),
        web.post(f"/mobile/api/client/listings/{public_id}/photos/", data={"photos": photo()}, headers=bearer),
    ]
    assert [a.status_code for a in answers] == [303, 303, 303, 201, 201]
    assert seen == [(False, False)] * 5


def test_a_sign_in_that_finds_the_database_busy_is_told_to_retry_not_a_server_error(app, client, monkeypatch):
    """SQLite's single writer, busy past its timeout: the person is asked to try again (503), not shown
    a 500 "database is locked"."""
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from vgk.services.accounts import signin

    def locked(*_args, **_kwargs):
        raise OperationalError("UPDATE users ...", {}, sqlite3.OperationalError("database is locked"))

    monkeypatch.setattr(signin, "authenticate", locked)
    token = csrf_token(client, "/connexion")
    response = client.post("/connexion", data={"csrf_token": token, "identifier": "690000002",
                                               "password": "demo-pass-237"})
    assert response.status_code == 503 and int(response.headers["Retry-After"]) > 0
    assert "Réessayez dans un instant" in text(response)
