"""Product photos: validated by content, EXIF stripped, stored as WebP in two sizes."""
import io
import secrets
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from vgk.errors import Invalid
from vgk.extensions import db
from vgk.models import ProductImage

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}
THUMB_SIZE = 320
LARGE_SIZE = 960
LARGE_QUALITY = 75
# List thumbnails must stay light on 2G/3G: a grainy photo is re-encoded at lower quality until it fits.
THUMB_MAX_BYTES = 18_000
THUMB_QUALITY_STEPS = (60, 50, 40, 30)


@dataclass
class ProcessedImage:
    thumb: bytes
    large: bytes
    width: int
    height: int
    digest: str


def _open_checked(data, max_pixels):
    if not data:
        raise Invalid(_l("Le fichier est vide."), {"image": "empty"})
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise Invalid(_l("Format d'image non pris en charge (JPEG, PNG, WebP)."), {"image": "format"})
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except Invalid:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise Invalid(_l("Ce fichier n'est pas une image valide."), {"image": "invalid"}) from None
    return image


def _flatten(image):
    """Upright RGB pixels only: orientation applied, transparency on white, metadata dropped."""
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        return background
    clean = image.convert("RGB")
    clean.info = {}
    return clean


def _webp(image, size, qualities, max_bytes=None):
    """WebP of the image fitted in size×size, at the first quality whose file fits max_bytes."""
    copy = image.copy()
    copy.thumbnail((size, size), Image.Resampling.LANCZOS)
    for quality in qualities:
        out = io.BytesIO()
        copy.save(out, "WEBP", quality=quality, method=4)
        if max_bytes is None or out.tell() <= max_bytes:
            break
    return out.getvalue()


def difference_hash(image):
    """A 64-bit perceptual hash (dHash) as 16 hex digits: the same photo re-encoded keeps it."""
    small = image.convert("L").resize((9, 8), Image.Resampling.LANCZOS)
    pixels = small.tobytes()
    bits = 0
    for row in range(8):
        for col in range(8):
            left = pixels[row * 9 + col]
            right = pixels[row * 9 + col + 1]
            bits = (bits << 1) | (1 if left > right else 0)
    return f"{bits:016x}"


def process_image(data, max_pixels=None):
    """Check that the bytes are a real photo and render the sizes we serve."""
    max_pixels = max_pixels or current_app.config["MAX_IMAGE_PIXELS"]
    image = _flatten(_open_checked(data, max_pixels))
    return ProcessedImage(
        thumb=_webp(image, THUMB_SIZE, THUMB_QUALITY_STEPS, THUMB_MAX_BYTES),
        large=_webp(image, LARGE_SIZE, (LARGE_QUALITY,)),
        width=image.width,
        height=image.height,
        digest=difference_hash(image),
    )


def store_product_image(product, data, position):
    """Process and store one photo for a product and add it to the session; the caller commits."""
    processed = process_image(data)
    storage = current_app.extensions["vgk.storage"]
    stem = f"products/{product.public_id}/{secrets.token_hex(6)}"
    thumb_key = storage.save(f"{stem}-320.webp", processed.thumb, "image/webp")
    large_key = storage.save(f"{stem}-960.webp", processed.large, "image/webp")
    image = ProductImage(
        product=product,
        position=position,
        thumb_key=thumb_key,
        large_key=large_key,
        width=processed.width,
        height=processed.height,
        digest=processed.digest,
    )
    db.session.add(image)
    return image


def image_url(key):
    return current_app.extensions["vgk.storage"].url(key)
