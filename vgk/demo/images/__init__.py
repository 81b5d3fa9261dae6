"""Demo product pictures drawn with Pillow: a recognisable illustration per kind of object, then
"photographed" (`camera`: light, grain, noise) so it weighs what a phone photo weighs.

Only the demo seed (`vgk.demo.seed`) uses this: nothing is downloaded and no picture is shipped.
`render(family, seed, variant)` returns JPEG bytes (800x800). The same seed always draws the same
object (same colours, same details); each variant frames it differently on another soft backdrop,
like the several photos of one listing. Shapes are drawn at twice the size and reduced, which
gives smooth edges for free.

Drawings use a 100x100 unit space: x to the right, y down, the floor around y=86.

This package renders; the drawings live in one module per category group (electronics, home,
fashion, kids, vehicles, sports, culture, beauty), registered by family name in `registry`, drawn
with the `pen` in the colours of `palette`, sharing the shapes of `motifs`.
"""
import io
import random

from PIL import Image, ImageDraw

# Each category group's module registers its drawings when imported.
from vgk.demo.images import (  # noqa: F401
    beauty,
    culture,
    electronics,
    fashion,
    home,
    kids,
    sports,
    vehicles,
)
from vgk.demo.images.camera import photograph
from vgk.demo.images.palette import BACKDROPS, SURFACES, light, mix, shade
from vgk.demo.images.pen import Pen
from vgk.demo.images.registry import FAMILIES

SIZE = 800
SUPERSAMPLE = 2


def _backdrop(size, rng):
    """A soft vertical gradient, sometimes with a table top or floor in front."""
    base = rng.choice(BACKDROPS)
    top, bottom = light(base, 0.45), shade(base, 0.93)
    image = Image.new("RGB", (size, size))
    draw = ImageDraw.Draw(image)
    band = 8
    for y in range(0, size, band):
        draw.rectangle((0, y, size, y + band), fill=mix(top, bottom, y / size))
    if rng.random() < 0.6:
        horizon = int(size * rng.uniform(0.66, 0.74))
        surface = rng.choice(SURFACES)
        draw.rectangle((0, horizon, size, size), fill=surface)
        draw.rectangle((0, horizon, size, horizon + size // 200), fill=shade(surface, 0.9))
    return image


def _framing(variant, rng):
    if variant == 0:
        return 1.0, rng.uniform(-2, 2), rng.uniform(-1, 1)
    if variant % 2:
        return rng.uniform(0.74, 0.86), rng.uniform(-9, 9), rng.uniform(2, 6)
    return rng.uniform(1.2, 1.35), rng.uniform(-7, 7), rng.uniform(-5, 5)


def render(family_name: str, seed: int, variant: int = 0, colour: tuple[int, int, int] | None = None,
           size: int = SIZE, quality: int = 88, **style) -> bytes:
    """JPEG bytes of one picture. Same seed: same object; another variant: another framing."""
    draw_object = FAMILIES[family_name]
    view = random.Random(seed * 31 + variant * 7 + 1)
    big = size * SUPERSAMPLE
    image = _backdrop(big, view)
    scale, dx, dy = _framing(variant, view)
    draw_object(Pen(image, scale, dx, dy), random.Random(seed), colour, **style)
    image = photograph(image.reduce(SUPERSAMPLE), seed * 31 + variant)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=False)
    return out.getvalue()
