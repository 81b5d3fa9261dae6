"""The demo pictures, processed once per machine. Drawing, "photographing" and encoding a picture in
its three WebP sizes takes a few tenths of a second; `make run`, the tests and the benches seed the
same pictures again and again, so the upload pipeline's output (`media.process_image`, exactly what
an upload of the drawing gives) is kept below DEMO_PICTURE_CACHE (default: the instance folder's
`demo-pictures`), named by a digest of the picture's parameters and of the code that draws and
encodes it: changing either simply makes new files. Set DEMO_PICTURE_CACHE to "" to turn it off."""
import hashlib
import json
import os
from functools import cache
from pathlib import Path

from flask import current_app

from vgk.demo.images import render
from vgk.services.selling import media

FORMAT = 2


@cache
def _code_version() -> str:
    """A digest of the drawing code and of the sizes and qualities the pipeline encodes at."""
    digest = hashlib.sha256(repr((FORMAT, media.SIZES, media.LARGE_QUALITY, media.MEDIUM_QUALITY,
                                  media.THUMB_QUALITY_STEPS, media.THUMB_MAX_BYTES,
                                  media.SMALL_SIZES_METHOD)).encode())
    for path in sorted(Path(__file__).with_name("images").glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _folder() -> Path | None:
    configured = current_app.config.get("DEMO_PICTURE_CACHE")
    if configured == "":
        return None
    return Path(configured or os.path.join(current_app.instance_path, "demo-pictures"))


PARTS = ("thumb", "phone", "medium", "large")


def _pack(picture: media.ProcessedImage) -> bytes:
    parts = [getattr(picture, name) for name in PARTS]
    header = json.dumps({"width": picture.width, "height": picture.height, "digest": picture.digest,
                         "sizes": [len(part) for part in parts]}).encode()
    return len(header).to_bytes(4, "big") + header + b"".join(parts)


def _unpack(data: bytes) -> media.ProcessedImage:
    length = int.from_bytes(data[:4], "big")
    header = json.loads(data[4:4 + length])
    body = data[4 + length:]
    if len(header["sizes"]) != len(PARTS) or len(body) != sum(header["sizes"]):
        raise ValueError("truncated demo picture")
    parts, start = {}, 0
    for name, size in zip(PARTS, header["sizes"], strict=True):
        parts[name], start = body[start:start + size], start + size
    return media.ProcessedImage(**parts, width=header["width"], height=header["height"], digest=header["digest"])


def processed_picture(family: str, seed: int, variant: int, colour: tuple[int, int, int] | None,
                      style: dict) -> media.ProcessedImage:
    """The demo picture through the upload pipeline: from the cache, or made now (and kept)."""
    folder = _folder()
    key = hashlib.sha256(repr((_code_version(), family, seed, variant, colour, sorted(style.items())))
                         .encode()).hexdigest()
    path = folder / key[:2] / f"{key}.bin" if folder else None
    if path is not None:
        try:
            return _unpack(path.read_bytes())
        except (OSError, ValueError, KeyError):
            pass
    picture = media.process_image(render(family, seed, variant, colour, **style))
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            part = path.with_suffix(f".{os.getpid()}.part")
            part.write_bytes(_pack(picture))
            os.replace(part, path)
        except OSError:
            pass  # a read-only instance folder: no cache, same pictures
    return picture
