"""Photo uploads: checked by content, EXIF stripped, two WebP sizes stored."""
import io

import pytest
from PIL import Image

from tests import factories as f
from vgk.errors import Invalid
from vgk.services.selling import media


def _exif_with_gps():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (4.0, 3.0, 0.0), 3: "E", 4: (9.0, 42.0, 0.0)}  # GPS IFD
    return exif


def test_photo_is_stored_as_two_webp_sizes_without_exif(app):
    data = f.jpeg_bytes(size=(2000, 1500), exif=_exif_with_gps())
    assert Image.open(io.BytesIO(data)).getexif().get(0x010F) == "PhoneMaker"
    processed = media.process_image(data)
    thumb = Image.open(io.BytesIO(processed.thumb))
    large = Image.open(io.BytesIO(processed.large))
    assert thumb.format == large.format == "WEBP"
    assert max(thumb.size) == 320 and max(large.size) == 960
    assert thumb.size == (320, 240)
    for image in (thumb, large):
        assert not image.getexif()
        assert "exif" not in image.info
    assert len(processed.thumb) < 20_000


def test_orientation_is_applied_before_exif_is_dropped(app):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    processed = media.process_image(f.jpeg_bytes(size=(800, 400), exif=exif))
    assert Image.open(io.BytesIO(processed.large)).size == (400, 800)


def test_stored_files_are_served(app, client):
    product = f.product("Lampe", images=1)
    image = product.images[0]
    response = client.get(media.image_url(image.thumb_key))
    assert response.status_code == 200
    assert response.mimetype == "image/webp"
    assert "immutable" in response.headers["Cache-Control"]


@pytest.mark.parametrize(
    "payload",
    [
        b"<?php system($_GET['c']); ?>",
        b"",
        b"\xff\xd8\xff\xe0" + b"\x00" * 64,  # a JPEG header with nothing behind it
        b"GIF89a<script>alert(1)</script>",
        b"%PDF-1.4 not a picture",
    ],
)
def test_files_that_are_not_pictures_are_refused(app, payload):
    with pytest.raises(Invalid):
        media.process_image(payload)


def test_decompression_bombs_are_refused(app):
    out = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(out, "PNG")
    with pytest.raises(Invalid):
        media.process_image(out.getvalue(), max_pixels=50_000_000)


def test_transparent_png_is_flattened_on_white(app):
    out = io.BytesIO()
    Image.new("RGBA", (100, 100), (255, 0, 0, 0)).save(out, "PNG")
    processed = media.process_image(out.getvalue())
    pixel = Image.open(io.BytesIO(processed.thumb)).convert("RGB").getpixel((50, 50))
    assert all(channel > 240 for channel in pixel)


def test_same_photo_keeps_its_digest_after_reencoding(app):
    base = Image.new("RGB", (400, 300), (250, 250, 250))
    for x in range(0, 400, 40):
        base.paste((20, 60, 200), (x, 0, x + 20, 300))
    one, two = io.BytesIO(), io.BytesIO()
    base.save(one, "JPEG", quality=95)
    base.resize((800, 600)).save(two, "PNG")
    other = f.jpeg_bytes(color=(10, 200, 10))
    assert media.process_image(one.getvalue()).digest == media.process_image(two.getvalue()).digest
    assert media.process_image(one.getvalue()).digest != media.process_image(other).digest


def test_a_grainy_photo_still_gives_a_light_thumbnail(app):
    from PIL import ImageFilter

    smooth = Image.merge("RGB", [
        Image.effect_noise((200, 150), 80).resize((1600, 1200), Image.BICUBIC).filter(ImageFilter.GaussianBlur(3))
        for _ in range(3)
    ])
    grainy = Image.blend(smooth, Image.effect_noise((1600, 1200), 90).convert("RGB"), 0.2)
    out = io.BytesIO()
    grainy.save(out, "JPEG", quality=92)
    processed = media.process_image(out.getvalue())
    assert len(processed.thumb) <= 20_000
    assert max(Image.open(io.BytesIO(processed.thumb)).size) == 320
