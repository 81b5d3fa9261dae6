"""What a phone's camera adds to a clean drawing, so the demo pictures weigh what real uploads weigh:
uneven light falling across the scene, a vignette, the grain of fabric, wood and walls, a white
balance slightly off, and sensor noise. Deterministic: the same seed gives the same picture.

Sizes are tuned so a 320 px WebP thumbnail of a demo picture lands where phone photos of second-hand
goods do (roughly 8 to 16 KB at the thumbnail quality), instead of the 1 to 2 KB of a flat drawing."""
import numpy as np
from PIL import Image

# Surface grain, as (cells per side, strength), from blotches to the weave a thumbnail still shows;
# drawn at half size (WORK) and enlarged once.
GRAIN_OCTAVES = ((5, 0.05), (16, 0.05), (45, 0.09), (100, 0.11), (180, 0.09))
WORK = 400
LIGHT_FALLOFF = 0.22     # how much darker the dimmest side of the light field is than the brightest
VIGNETTE = 0.18          # darkening at the corners
SENSOR_NOISE = 3.0       # standard deviation of the per-pixel luma noise, in 0..255 levels
WHITE_BALANCE = 0.04     # how far the camera's white balance may drift on each channel


def _field(rng: np.random.Generator, cells: int, size: int) -> np.ndarray:
    """Smooth random values in -1..1 at `size`×`size`, varying over about `cells` cells per side."""
    small = rng.uniform(-1.0, 1.0, (cells + 1, cells + 1)).astype(np.float32)
    return np.asarray(Image.fromarray(small, "F").resize((size, size), Image.Resampling.BILINEAR))


def _enlarged(field: np.ndarray, size: int) -> np.ndarray:
    return np.array(Image.fromarray(field, "F").resize((size, size), Image.Resampling.BILINEAR))


def photograph(image: Image.Image, seed: int) -> Image.Image:
    """The drawing as a phone would have photographed it (RGB, same size)."""
    size = image.width
    rng = np.random.default_rng(seed & 0xFFFFFFFF)
    pixels = np.asarray(image, dtype=np.float32)  # a copy: written in place below

    # Light: a soft slope from one side (a window) and a vignette; grain: octaves of texture. All at
    # half size, where they are smooth anyway, then enlarged once.
    angle = rng.uniform(0, 2 * np.pi)
    axis = np.linspace(-1.0, 1.0, WORK, dtype=np.float32)
    xs, ys = np.meshgrid(axis, axis)
    slope = (xs * np.cos(angle) + ys * np.sin(angle)) * 0.5 + 0.5
    light = 1.0 + LIGHT_FALLOFF * 0.4 - LIGHT_FALLOFF * slope - VIGNETTE * (xs ** 2 + ys ** 2) / 2
    grain = np.ones((WORK, WORK), dtype=np.float32)
    for cells, strength in GRAIN_OCTAVES:
        grain += strength * _field(rng, cells, WORK)
    gain = _enlarged((light * grain).astype(np.float32), size)
    gain += rng.standard_normal((size, size), dtype=np.float32) * (SENSOR_NOISE / 128)  # sensor noise
    pixels *= gain[..., None]
    pixels *= (1.0 + WHITE_BALANCE * rng.uniform(-1.0, 1.0, 3)).astype(np.float32)
    np.clip(pixels, 0, 255, out=pixels)
    return Image.fromarray(pixels.astype(np.uint8), "RGB")
