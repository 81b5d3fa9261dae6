"""Product photos: validated by content, EXIF stripped, stored as WebP in four sizes (320, 480, 640 and
960 px on the longest side: `SIZES`), so a page can offer each screen the smallest that looks sharp.

Hostile files are refused cheaply: the size is read from the header and checked against a pixel
budget (MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE) before a single pixel is decoded; only the first frame of
an animation is decoded; a JPEG is decoded directly at the smallest scale we serve. Decoding runs
outside any database transaction (the callers process first, then write rows), and at most
IMAGE_WORKERS photos are decoded at once per process: an upload that cannot get a turn within
IMAGE_WAIT_SECONDS is answered "busy" (503) instead of piling up."""
import io
import logging
import secrets
import threading
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, PngImagePlugin

from vgk.errors import DomainError, Invalid
from vgk.extensions import db
from vgk.integrations import registry
from vgk.models import Product, ProductImage
from vgk.services.storage import files

log = logging.getLogger(__name__)

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}
# The only decoders Pillow may even try on an upload (the others are never exposed to it).
OPENED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
THUMB_SIZE = 320
# What a small phone's product page shows: its photo is at most 37.5 % of the screen's height there (app.css),
# 240 CSS px on a 360×640 phone, which the 480 px size fills at 2x.
PHONE_SIZE = 480
MEDIUM_SIZE = 640
LARGE_SIZE = 960
SIZES = (THUMB_SIZE, PHONE_SIZE, MEDIUM_SIZE, LARGE_SIZE)
# Qualities for a phone at 2x: at 480 and 640 px, 55 looks like 70 there and weighs a third less; the
# 960 px size is for large screens.
LARGE_QUALITY = 75
MEDIUM_QUALITY = 55
# List thumbnails must stay light on 2G/3G: a card shows 160 CSS px of it on a phone, where quality 40 looks
# like 60 and weighs a quarter less; a grainy photo is re-encoded at lower quality until it fits.
THUMB_MAX_BYTES = 18_000
THUMB_QUALITY_STEPS = (40, 35, 30)
# The WebP encoder's effort for the sizes phones get (320, 480, 640): files 4 to 8 % smaller than at the
# default effort, for twice the encoding time (tens of milliseconds at these sizes).
SMALL_SIZES_METHOD = 6
# Compressed PNG text chunks (zTXt, iTXt, iCCP) are metadata we drop anyway: a file whose text
# inflates beyond this is refused instead of being expanded in memory.
PngImagePlugin.MAX_TEXT_MEMORY = 4 * 1024 * 1024
# Pillow warns about images between its limit and twice it; ours are refused explicitly, so the warning
# would only repeat in the logs what the refusal already says.
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)


class Busy(DomainError):
    """Too many photos being processed at once: try again in a moment."""

    status_code = 503
    code = "busy"


@dataclass
class ProcessedImage:
    thumb: bytes
    large: bytes
    medium: bytes
    width: int
    height: int
    digest: str
    phone: bytes = b""  # the 480 px size


# --- how many photos are decoded at once ----------------------------------------------------------

_gates: dict[int, threading.BoundedSemaphore] = {}
_gates_lock = threading.Lock()


def image_gate(workers: int | None = None) -> threading.BoundedSemaphore:
    """The process-wide semaphore bounding concurrent photo decoding (one per configured size)."""
    workers = max(1, int(workers or current_app.config.get("IMAGE_WORKERS", 2)))
    with _gates_lock:
        return _gates.setdefault(workers, threading.BoundedSemaphore(workers))


@contextmanager
def _image_turn() -> Iterator[None]:
    gate = image_gate()
    if not gate.acquire(timeout=max(0.0, float(current_app.config.get("IMAGE_WAIT_SECONDS", 5)))):
        log.warning("photo refused: all image workers busy")
        raise Busy(_l("Trop de photos en cours de traitement : réessayez dans un instant."), {"image": "busy"})
    try:
        yield
    finally:
        gate.release()


# --- decoding -------------------------------------------------------------------------------------

def _not_an_image() -> Invalid:
    return Invalid(_l("Ce fichier n'est pas une image valide."), {"image": "invalid"})


def _too_large(max_pixels: int, max_side: int) -> Invalid:
    return Invalid(_l("Image trop grande : %(megapixels)d mégapixels et %(side)d pixels de côté au maximum.",
                      megapixels=max(1, max_pixels // 1_000_000), side=max_side), {"image": "too_large"})


def _fitted_size(size: tuple[int, int], box: int) -> tuple[int, int]:
    """The size of `size` fitted in a box×box square (never enlarged), as Image.thumbnail would."""
    width, height = size
    if width <= box and height <= box:
        return width, height
    if width >= height:
        return box, max(1, round(height * box / width))
    return max(1, round(width * box / height)), box


def _open_checked(data: bytes, max_pixels: int, max_side: int) -> tuple[Image.Image, tuple[int, int]]:
    """The first frame of the picture, decoded only once its header passed the format and size checks."""
    if not data:
        raise Invalid(_l("Le fichier est vide."), {"image": "empty"})
    # Pillow's own guard (a process-wide setting) refuses twice the budget while opening; ours is exact.
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with Image.open(io.BytesIO(data), formats=OPENED_FORMATS) as probe:  # reads the header only
            if probe.format not in ACCEPTED_FORMATS:
                raise Invalid(_l("Format d'image non pris en charge (JPEG, PNG, WebP)."), {"image": "format"})
            width, height = probe.size
            if width < 1 or height < 1:
                raise _not_an_image()
            if width * height > max_pixels or max(width, height) > max_side:
                raise _too_large(max_pixels, max_side)
            probe.verify()
        image = Image.open(io.BytesIO(data), formats=OPENED_FORMATS)
        if image.format in ("JPEG", "MPO"):
            image.draft("RGB", _fitted_size(image.size, LARGE_SIZE))  # decode at 1/2, 1/4 or 1/8 scale
        image.load()  # the first frame only, whatever the number of frames
    except Invalid:
        raise
    except Image.DecompressionBombError:
        raise _too_large(max_pixels, max_side) from None
    except Exception as error:  # anything Pillow cannot read is not a photo we can serve
        log.info("photo refused: %s: %s", type(error).__name__, str(error)[:200])
        raise _not_an_image() from None
    return image, (width, height)


def _flatten(image: Image.Image) -> Image.Image:
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


def _fit(image: Image.Image, box: int) -> Image.Image:
    size = _fitted_size(image.size, box)
    if size == image.size:
        return image
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _webp(image: Image.Image, qualities: Iterable[int], max_bytes: int | None = None, method: int = 4) -> bytes:
    """WebP of the image at the first quality whose file fits max_bytes."""
    for quality in qualities:
        out = io.BytesIO()
        image.save(out, "WEBP", quality=quality, method=method)
        if max_bytes is None or out.tell() <= max_bytes:
            break
    return out.getvalue()


def difference_hash(image: Image.Image) -> str:
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


def process_image(data: bytes, max_pixels: int | None = None, max_side: int | None = None) -> ProcessedImage:
    """Check that the bytes are a real photo and render the sizes we serve (no database work here:
    call it before opening a transaction). Invalid for anything else, Busy when no turn came."""
    config = current_app.config
    max_pixels = max_pixels or config["MAX_IMAGE_PIXELS"]
    max_side = max_side or config.get("MAX_IMAGE_SIDE", 10_000)
    with _image_turn():
        decoded, (width, height) = _open_checked(data, max_pixels, max_side)
        try:
            before = decoded.size
            image = _flatten(decoded)
            if image.size != before and image.size == before[::-1]:
                width, height = height, width  # turned upright by its EXIF orientation
            large = _fit(image, LARGE_SIZE)
            return ProcessedImage(
                thumb=_webp(_fit(large, THUMB_SIZE), THUMB_QUALITY_STEPS, THUMB_MAX_BYTES, method=SMALL_SIZES_METHOD),
                large=_webp(large, (LARGE_QUALITY,)),
                medium=_webp(_fit(large, MEDIUM_SIZE), (MEDIUM_QUALITY,), method=SMALL_SIZES_METHOD),
                phone=_webp(_fit(large, PHONE_SIZE), (MEDIUM_QUALITY,), method=SMALL_SIZES_METHOD),
                width=width,
                height=height,
                digest=difference_hash(image),
            )
        except Exception as error:
            log.info("photo refused while rendering: %s: %s", type(error).__name__, str(error)[:200])
            raise _not_an_image() from None
        finally:
            decoded.close()


def process_images(files: Iterable[bytes]) -> list[ProcessedImage]:
    """Each non-empty upload processed in turn (see process_image)."""
    return [process_image(data) for data in files if data]


# --- storing --------------------------------------------------------------------------------------

def save_product_image(product: Product, processed: ProcessedImage, position: int) -> ProductImage:
    """Write a processed photo's files and add its row to the session (the caller commits, and
    deletes the files with `delete_files` if it does not)."""
    storage = registry.storage()
    stem = f"products/{product.public_id}/{secrets.token_hex(6)}"
    sizes = {THUMB_SIZE: processed.thumb, LARGE_SIZE: processed.large, MEDIUM_SIZE: processed.medium,
             PHONE_SIZE: processed.phone}
    written = []
    try:
        for box, data in sizes.items():
            written.append(storage.save(f"{stem}-{box}.webp", data, "image/webp"))
    except Exception:
        for key in written:  # nothing recorded yet: only these files to remove
            storage.delete(key)
        raise
    for key, data in zip(written, sizes.values(), strict=True):
        files.record(key, data)
    thumb_key, large_key = written[0], written[1]
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


PHOTO_MOVES = ("first", "up", "down")


def move_image(images: list[ProductImage], image: ProductImage, move: str) -> None:
    """Reorder a product's photos (the first is the cover): `first`, or `up`/`down` one place.
    The caller commits."""
    if move not in PHOTO_MOVES:
        raise Invalid(_l("Ce déplacement de photo n'existe pas."))
    order = list(images)
    index = order.index(image)
    to = {"first": 0, "up": index - 1, "down": index + 1}[move]
    order.insert(max(0, min(to, len(order) - 1)), order.pop(index))
    for position, img in enumerate(order):
        img.position = position


def store_product_image(product: Product, data: bytes, position: int) -> ProductImage:
    """Process and store one photo for a product and add it to the session; the caller commits."""
    return save_product_image(product, process_image(data), position)


def delete_files(keys: Iterable[str]) -> None:
    """Remove stored files wherever they live, with their records (a photo removed, or whose row was not
    kept); a leftover file is only logged."""
    files.discard(keys)


def image_url(key: str) -> str:
    return registry.storage().url(key)
