"""The sizes a listing photo is served in: the `srcset` a page offers (320, 480, 640 and 960 px WebP, with
their real widths) and the 480 and 640 px files that photos stored before those sizes existed are missing —
made from the 960 px file, all at once (`flask media-sizes`) or when one is first asked for."""
import io
import logging
import re
from collections.abc import Callable

from PIL import Image
from sqlalchemy import select

from vgk.extensions import db
from vgk.integrations import registry
from vgk.models import ProductImage
from vgk.services.selling import media
from vgk.services.storage import files

log = logging.getLogger(__name__)

# products/<public id>/<token>-480.webp or -640.webp: the only kinds of file made on demand.
_MADE_KEY = re.compile(r"products/[A-Za-z0-9_-]+/[0-9a-f]+-(?P<box>480|640)\.webp")


def widths(image: ProductImage) -> dict[int, int]:
    """{stored size: its width in pixels} for the photo (a small photo is never enlarged)."""
    return {box: media._fitted_size((image.width, image.height), box)[0] for box in media.SIZES}


def srcset(image: ProductImage, largest: int = media.LARGE_SIZE) -> str:
    """The `srcset` attribute of a photo: each stored size up to `largest`, described by its width."""
    keys = {media.THUMB_SIZE: image.thumb_key, media.PHONE_SIZE: image.phone_key,
            media.MEDIUM_SIZE: image.medium_key, media.LARGE_SIZE: image.large_key}
    seen: dict[int, str] = {}
    for box, width in widths(image).items():
        if box <= largest and width not in seen:
            seen[width] = media.image_url(keys[box])
    return ", ".join(f"{url} {width}w" for width, url in seen.items())


def _large_key(key: str) -> str:
    return key.rpartition("-")[0] + f"-{media.LARGE_SIZE}.webp"


def _make(key: str, box: int) -> bool:
    """Write the `box` px file from the 960 px one; False when there is no 960 px file."""
    try:
        data = files.read(_large_key(key))  # from the remote store when the 960 px file was moved there
    except (FileNotFoundError, ValueError):
        return False
    with media._image_turn(), Image.open(io.BytesIO(data), formats=("WEBP",)) as large:
        smaller = media._fit(large.convert("RGB"), box)
        made = media._webp(smaller, (media.MEDIUM_QUALITY,), method=media.SMALL_SIZES_METHOD)
    registry.storage().save(key, made, "image/webp")  # recorded by the next offload run (files.index)
    return True


def make_missing(key: str) -> bool:
    """A 480 or 640 px file asked for but not stored yet: made now from its 960 px file. True if it was."""
    match = _MADE_KEY.fullmatch(key)
    if not match:
        return False
    try:
        made = _make(key, int(match["box"]))
    except media.Busy:
        raise
    except Exception as error:  # a damaged large file: the page falls back to the other sizes
        log.warning("could not make %s: %s", key, type(error).__name__)
        return False
    if made:
        log.info("made the missing %s px photo %s", match["box"], key)
    return made


def fill_missing(progress: Callable[[str], None] = lambda _line: None) -> int:
    """Make every missing 480 and 640 px file (photos stored before those sizes existed); return how many."""
    made = 0
    for image in db.session.scalars(select(ProductImage).order_by(ProductImage.id)):
        for key in (image.phone_key, image.medium_key):
            try:
                files.read(key)
                continue
            except FileNotFoundError:
                pass
            if make_missing(key):
                made += 1
                if made % 100 == 0:
                    progress(f"{made} files")
    return made
