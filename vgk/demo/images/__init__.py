"""Demo product pictures drawn with Pillow: a flat, recognisable illustration per kind of object.

Only the demo seed (`vgk.demo.seed`) uses this: nothing is downloaded and no picture is shipped.
`render(family, seed, variant)` returns JPEG bytes (800x800). The same seed always draws the same
object (same colours, same details); each variant frames it differently on another soft backdrop,
like the several photos of one listing. Shapes are drawn at twice the size and reduced, which
gives smooth edges for free.

Drawings use a 100x100 unit space: x to the right, y down, the floor around y=86.
"""
import io
import math
import random

from PIL import Image, ImageDraw, ImageFilter

SIZE = 800
SUPERSAMPLE = 2

# Named colours a seller may put in a title; (masculine, feminine, rgb).
COLOURS = [
    ("noir", "noire", (34, 34, 38)),
    ("blanc", "blanche", (242, 242, 238)),
    ("rouge", "rouge", (196, 40, 45)),
    ("bleu", "bleue", (38, 78, 168)),
    ("vert", "verte", (38, 128, 72)),
    ("gris", "grise", (128, 130, 136)),
    ("marron", "marron", (112, 72, 42)),
    ("rose", "rose", (228, 128, 168)),
    ("beige", "beige", (214, 194, 158)),
    ("jaune", "jaune", (236, 188, 40)),
    ("orange", "orange", (234, 118, 30)),
    ("violet", "violette", (118, 60, 148)),
    ("bordeaux", "bordeaux", (112, 26, 46)),
    ("doré", "dorée", (206, 164, 62)),
]

BACKDROPS = [
    (246, 240, 230), (232, 240, 246), (240, 233, 242), (234, 244, 236), (248, 236, 226),
    (238, 238, 236), (244, 242, 226), (230, 238, 240), (246, 232, 234),
]
SURFACES = [(222, 200, 168), (236, 232, 226), (206, 186, 160), (228, 228, 232), (214, 222, 214)]

DEVICE = [(34, 34, 38), (196, 198, 204), (40, 62, 112), (212, 184, 146), (58, 92, 84), (150, 40, 60)]
APPLIANCE = [(242, 242, 240), (198, 200, 206), (44, 44, 48)]
WOOD = [(150, 100, 60), (122, 80, 46), (182, 132, 82), (92, 60, 36), (168, 120, 74)]
FABRIC = [
    (196, 40, 45), (38, 78, 168), (38, 128, 72), (236, 188, 40), (234, 118, 30), (118, 60, 148),
    (228, 128, 168), (22, 120, 140), (112, 26, 46), (34, 34, 38), (242, 242, 238),
]
PASTEL = [(170, 206, 236), (244, 184, 204), (250, 226, 150), (180, 224, 190), (214, 196, 236)]
VEHICLE = [(196, 34, 40), (34, 34, 38), (236, 236, 236), (38, 78, 168), (160, 162, 168), (22, 92, 60)]
METAL = (196, 200, 208)
DARK = (40, 40, 44)
TYRE = (34, 34, 36)
GLASS = (168, 196, 214)
GOLD = (206, 164, 62)

_FAMILIES = {}


def family(name):
    def register(fn):
        _FAMILIES[name] = fn
        return fn

    return register


def families():
    return sorted(_FAMILIES)


# --- colour helpers ---------------------------------------------------------------------------

def shade(colour, factor):
    return tuple(max(0, min(255, int(v * factor))) for v in colour)


def light(colour, amount):
    return mix(colour, (255, 255, 255), amount)


def mix(a, b, t):
    return tuple(int(a[i] * (1 - t) + b[i] * t) for i in range(3))


def _pick(colour, rng, options):
    return colour if colour is not None else rng.choice(options)


# --- the pen: unit-space drawing ---------------------------------------------------------------

class _Pen:
    """Draws in the 100x100 unit space, scaled and shifted onto an image."""

    def __init__(self, image, scale=1.0, dx=0.0, dy=0.0, origin=(0, 0), size=None):
        self.image = image
        self.draw = ImageDraw.Draw(image)
        self.size = size or image.width  # the whole canvas, even when `image` is a crop of it
        self.origin = origin
        self.scale, self.dx, self.dy = scale, dx, dy
        self.k = self.size / 100 * scale

    def on(self, image, origin=None):
        return _Pen(image, self.scale, self.dx, self.dy, origin or self.origin, self.size)

    def sub(self, scale, dx=0.0, dy=0.0):
        """A pen whose unit space is a smaller (or larger) box centred at (50+dx, 50+dy)."""
        return _Pen(self.image, self.scale * scale, (dx + self.dx) / scale, (dy + self.dy) / scale,
                    self.origin, self.size)

    def pt(self, x, y):
        half = self.size / 2
        return (half + (x - 50 + self.dx) * self.k - self.origin[0],
                half + (y - 50 + self.dy) * self.k - self.origin[1])

    def _box(self, x0, y0, x1, y1):
        (a, b), (c, d) = self.pt(x0, y0), self.pt(x1, y1)
        return (min(a, c), min(b, d), max(a, c), max(b, d))

    def _w(self, width):
        return max(1, round(width * self.k))

    def rect(self, x0, y0, x1, y1, fill, radius=0, outline=None, width=0.0):
        box = self._box(x0, y0, x1, y1)
        r = min(radius * self.k, (box[2] - box[0]) / 2, (box[3] - box[1]) / 2)
        w = self._w(width) if outline else 0
        if r >= 1:
            self.draw.rounded_rectangle(box, radius=r, fill=fill, outline=outline, width=w)
        else:
            self.draw.rectangle(box, fill=fill, outline=outline, width=w)

    def ellipse(self, x0, y0, x1, y1, fill, outline=None, width=0.0):
        w = self._w(width) if outline else 0
        self.draw.ellipse(self._box(x0, y0, x1, y1), fill=fill, outline=outline, width=w)

    def circle(self, x, y, r, fill, outline=None, width=0.0):
        self.ellipse(x - r, y - r, x + r, y + r, fill, outline, width)

    def poly(self, points, fill, outline=None, width=0.0):
        pts = [self.pt(x, y) for x, y in points]
        if outline:
            self.draw.polygon(pts, fill=fill, outline=outline, width=self._w(width))
        else:
            self.draw.polygon(pts, fill=fill)

    def line(self, points, fill, width):
        self.draw.line([self.pt(x, y) for x, y in points], fill=fill, width=self._w(width), joint="curve")

    def arc(self, x0, y0, x1, y1, start, end, fill, width):
        self.draw.arc(self._box(x0, y0, x1, y1), start, end, fill=fill, width=self._w(width))

    def chord(self, x0, y0, x1, y1, start, end, fill):
        self.draw.chord(self._box(x0, y0, x1, y1), start, end, fill=fill)

    def pie(self, x0, y0, x1, y1, start, end, fill):
        self.draw.pieslice(self._box(x0, y0, x1, y1), start, end, fill=fill)

    def tilted_ellipse(self, cx, cy, ra, rb, angle, fill):
        cos, sin = math.cos(angle), math.sin(angle)
        pts = []
        for i in range(24):
            t = 2 * math.pi * i / 24
            ex, ey = ra * math.cos(t), rb * math.sin(t)
            pts.append((cx + ex * cos - ey * sin, cy + ex * sin + ey * cos))
        self.poly(pts, fill)

    def shadow(self, cx, cy, rx, ry=2.5, strength=0.32):
        """A soft contact shadow on the floor under an object (blurred small, only where it falls)."""
        x0, y0, x1, y1 = self._box(cx - rx, cy - ry, cx + rx, cy + ry)
        blur = max(2.0, ry * self.k * 0.9)
        left, top = max(0, int(x0 - 3 * blur)), max(0, int(y0 - 3 * blur))
        right, bottom = min(self.image.width, int(x1 + 3 * blur)), min(self.image.height, int(y1 + 3 * blur))
        if right - left < 8 or bottom - top < 8:
            return
        small = Image.new("L", (max(1, (right - left) // 8), max(1, (bottom - top) // 8)), 0)
        ImageDraw.Draw(small).ellipse(
            ((x0 - left) / 8, (y0 - top) / 8, (x1 - left) / 8, (y1 - top) / 8), fill=int(255 * strength)
        )
        small = small.filter(ImageFilter.GaussianBlur(blur / 8))
        mask = small.resize((right - left, bottom - top), Image.Resampling.BILINEAR)
        self.image.paste((40, 34, 30), (left, top, right, bottom), mask)

    def masked(self, shape, pattern):
        """Draw `pattern(pen)` clipped to the area that `shape(pen, fill)` covers."""
        mask = Image.new("L", self.image.size, 0)
        shape(self.on(mask), 255)
        bbox = mask.getbbox()
        if not bbox:
            return
        region = self.image.crop(bbox)
        pattern(self.on(region, (self.origin[0] + bbox[0], self.origin[1] + bbox[1])))
        self.image.paste(region, bbox[:2], mask.crop(bbox))


# --- shared motifs -----------------------------------------------------------------------------

def _landscape(p, rng, x0, y0, x1, y1):
    """A sunny landscape filling a box (for screens and paintings); the caller clips it."""
    sky = rng.choice([(120, 180, 230), (250, 178, 110), (150, 200, 240), (90, 120, 200)])
    p.rect(x0, y0, x1, y1, sky)
    p.rect(x0, y0 + (y1 - y0) * 0.45, x1, y1, light(sky, 0.25))
    sun_x = x0 + (x1 - x0) * rng.uniform(0.2, 0.8)
    p.circle(sun_x, y0 + (y1 - y0) * 0.3, (y1 - y0) * 0.12, (255, 226, 120))
    for layer, colour in enumerate([(70, 150, 80), (44, 112, 60)]):
        base = y0 + (y1 - y0) * (0.62 + 0.16 * layer)
        amp = (y1 - y0) * rng.uniform(0.06, 0.14)
        phase, freq = rng.uniform(0, 6.28), rng.uniform(1.2, 2.6)
        pts = [(x0 - 1, y1 + 1)]
        steps = 24
        for i in range(steps + 1):
            x = x0 - 1 + (x1 - x0 + 2) * i / steps
            pts.append((x, base - amp * math.sin(phase + freq * math.pi * i / steps)))
        pts.append((x1 + 1, y1 + 1))
        p.poly(pts, colour)


def _fabric(p, rng, kind, base, x0, y0, x1, y1):
    """Cloth patterns: wax prints, stripes, dots, checks, flowers, a football jersey."""
    accent = rng.choice([c for c in FABRIC if c != base])
    third = rng.choice([(250, 250, 245), GOLD, (34, 34, 38), (236, 188, 40)])
    if kind == "wax":
        step = 11
        for row, y in enumerate(range(int(y0) - step, int(y1) + step, step)):
            for x in range(int(x0) - step, int(x1) + step, step):
                cx = x + (step / 2 if row % 2 else 0)
                p.circle(cx, y, 4.6, accent)
                p.circle(cx, y, 3.0, third)
                p.circle(cx, y, 1.5, base)
            p.line([(x0, y + step / 2), (x1, y + step / 2)], shade(accent, 0.8), 0.7)
    elif kind == "stripes":
        for x in range(int(x0), int(x1) + 6, 6):
            p.line([(x, y0), (x, y1)], accent, 1.6)
    elif kind == "dots":
        for row, y in enumerate(range(int(y0), int(y1) + 7, 7)):
            for x in range(int(x0), int(x1) + 7, 7):
                p.circle(x + (3.5 if row % 2 else 0), y, 1.3, third)
    elif kind == "check":
        for x in range(int(x0), int(x1) + 8, 8):
            p.line([(x, y0), (x, y1)], shade(base, 0.75), 2.2)
        for y in range(int(y0), int(y1) + 8, 8):
            p.line([(x0, y), (x1, y)], light(base, 0.3), 1.4)
    elif kind == "flowers":
        for row, y in enumerate(range(int(y0), int(y1) + 12, 12)):
            for x in range(int(x0), int(x1) + 12, 12):
                cx = x + (6 if row % 2 else 0)
                for a in range(5):
                    t = a * 2 * math.pi / 5
                    p.circle(cx + 2.2 * math.cos(t), y + 2.2 * math.sin(t), 1.6, accent)
                p.circle(cx, y, 1.1, (250, 220, 80))
    elif kind == "jersey":  # green, red, yellow: the Lions' colours
        p.rect(x0, y0, x1, y1, (22, 128, 66))
        p.rect(x0, y0 + (y1 - y0) * 0.38, x1, y0 + (y1 - y0) * 0.46, (206, 32, 40))
        p.rect(x0, y0 + (y1 - y0) * 0.46, x1, y0 + (y1 - y0) * 0.52, (244, 204, 40))


def _wallpaper(p, rng, x0, y0, x1, y1):
    a, b = rng.sample([(70, 90, 200), (220, 80, 120), (40, 160, 170), (240, 150, 60), (120, 70, 190)], 2)
    p.rect(x0, y0, x1, y1, a)
    p.circle(x1, y1, (x1 - x0) * 0.8, b)
    p.circle(x0, y0, (x1 - x0) * 0.45, light(a, 0.35))


# --- electronics -------------------------------------------------------------------------------

ICON_COLOURS = [(52, 199, 89), (0, 122, 255), (255, 149, 0), (255, 59, 48), (175, 82, 222),
                (255, 204, 0), (90, 200, 250), (240, 240, 240), (37, 211, 102)]


@family("phone")
def _phone(p, r, c, **_):
    body = _pick(c, r, DEVICE)
    p.shadow(50, 89, 19, 2.2)
    p.rect(33, 8, 67, 90, body, radius=6, outline=shade(body, 0.7), width=0.6)
    p.rect(35.2, 10.6, 64.8, 87.4, (14, 14, 18), radius=4.4)
    screen = (36.4, 12, 63.6, 86)
    p.masked(lambda q, f: q.rect(*screen, f, radius=3.6), lambda q: _wallpaper(q, r, *screen))
    for row in range(5):
        for col in range(4):
            x, y = 39 + col * 6.3, 21 + row * 8
            p.rect(x, y, x + 4.4, y + 4.4, r.choice(ICON_COLOURS), radius=1.2)
    p.rect(38, 75.5, 62, 83, (235, 235, 240), radius=2.5)
    for col in range(4):
        x = 39.6 + col * 5.6
        p.rect(x, 77, x + 4.0, 81.2, r.choice(ICON_COLOURS), radius=1.1)
    p.circle(50, 15, 0.9, (10, 10, 12))
    p.rect(39, 13.8, 43, 15.4, (245, 245, 245), radius=0.5)


@family("tv")
def _tv(p, r, c, **_):
    frame = c or (24, 24, 28)
    p.shadow(50, 78, 32, 2)
    if r.random() < 0.5:
        p.rect(46.5, 63, 53.5, 75, (70, 70, 76))
        p.rect(34, 74, 66, 77.5, (44, 44, 48), radius=1.5)
    else:
        p.line([(22, 64), (17, 78)], (56, 56, 60), 1.6)
        p.line([(78, 64), (83, 78)], (56, 56, 60), 1.6)
    p.rect(6, 14, 94, 66, frame, radius=1.2)
    screen = (7.6, 15.6, 92.4, 64)
    p.masked(lambda q, f: q.rect(*screen, f), lambda q: _landscape(q, r, *screen))
    p.circle(50, 65.1, 0.5, (200, 200, 200))


@family("laptop")
def _laptop(p, r, c, **_):
    body = _pick(c, r, [(190, 192, 198), (54, 56, 62), (28, 28, 32), (212, 208, 200)])
    p.shadow(50, 72, 44, 2)
    p.rect(20, 16, 80, 60, shade(body, 0.85), radius=2)
    p.rect(21.5, 17.5, 78.5, 59, (16, 16, 20), radius=1.4)
    screen = (23, 19.5, 77, 57.5)
    p.masked(lambda q, f: q.rect(*screen, f), lambda q: _wallpaper(q, r, *screen))
    p.rect(30, 26, 58, 46, (248, 248, 250), radius=0.8)
    p.rect(30, 26, 58, 29, (60, 120, 210), radius=0.8)
    for i in range(4):
        p.rect(32, 32 + i * 3.2, 32 + r.uniform(12, 24), 33.4 + i * 3.2, (190, 194, 204))
    p.rect(23, 55, 77, 57.5, (30, 30, 36))
    p.poly([(12, 60), (88, 60), (94, 70), (6, 70)], body, outline=shade(body, 0.7), width=0.4)
    p.poly([(19, 61.3), (81, 61.3), (84, 66), (16, 66)], shade(body, 0.75))
    for i in range(1, 4):
        y = 61.3 + i * 1.18
        p.line([(19 - i * 0.75, y), (81 + i * 0.75, y)], shade(body, 0.55), 0.25)
    for j in range(1, 16):
        x = 19 + j * 62 / 16
        p.line([(x, 61.3), (x + (x - 50) * 0.05, 66)], shade(body, 0.55), 0.25)
    p.poly([(43, 67), (57, 67), (57.6, 69.2), (42.4, 69.2)], shade(body, 0.9))


@family("speaker")
def _speaker(p, r, c, **_):
    body = _pick(c, r, [(30, 30, 34), (40, 60, 110), (150, 30, 40), (70, 70, 76), (20, 90, 80)])
    p.shadow(50, 89, 20, 2.2)
    p.rect(31, 12, 69, 89, body, radius=4, outline=shade(body, 0.7), width=0.5)
    for cx, cy, rad in ((50, 64, 14), (50, 31, 7)):
        p.circle(cx, cy, rad, (24, 24, 26))
        p.circle(cx, cy, rad * 0.86, (60, 60, 66))
        p.circle(cx, cy, rad * 0.7, (36, 36, 40))
        p.circle(cx, cy, rad * 0.3, (84, 84, 90))
    p.ellipse(44, 82.5, 56, 86, (18, 18, 20))
    p.rect(46, 42, 54, 44.5, light(body, 0.5), radius=1)


@family("headphones")
def _headphones(p, r, c, **_):
    body = _pick(c, r, [(30, 30, 34), (220, 220, 224), (40, 60, 110), (200, 170, 140), (180, 30, 50)])
    p.shadow(50, 76, 34, 2)
    p.arc(20, 10, 80, 70, 180, 360, body, 5)
    p.arc(23, 13, 77, 67, 185, 355, shade(body, 0.7), 1.2)
    for x0 in (16, 66):
        p.rect(x0 + 5, 36, x0 + 13, 44, METAL, radius=1)
        p.rect(x0, 40, x0 + 18, 74, body, radius=7, outline=shade(body, 0.7), width=0.5)
    p.rect(31, 44, 37, 70, (36, 36, 40), radius=3)
    p.rect(63, 44, 69, 70, (36, 36, 40), radius=3)
    p.circle(25, 57, 3, light(body, 0.4))
    p.circle(75, 57, 3, light(body, 0.4))


@family("gamepad")
def _gamepad(p, r, c, **style):
    body = _pick(c, r, [(30, 30, 34), (236, 236, 238), (40, 60, 140), (150, 30, 40)])
    if style.get("console"):
        p.shadow(50, 62, 40, 2)
        p.rect(12, 40, 88, 60, (26, 26, 30), radius=3)
        p.rect(12, 40, 88, 44, (50, 50, 56), radius=2)
        p.line([(16, 52), (30, 52)], (80, 140, 230), 0.8)
        p = p.sub(0.62, 6, 22)
    p.shadow(50, 82, 32, 2)
    p.ellipse(14, 38, 46, 82, body)
    p.ellipse(54, 38, 86, 82, body)
    p.rect(28, 36, 72, 62, body, radius=10)
    p.rect(24, 53, 36, 57, (20, 20, 22), radius=0.8)
    p.rect(28, 49, 32, 61, (20, 20, 22), radius=0.8)
    for dx, dy, col in ((0, -4.5, (60, 190, 120)), (4.5, 0, (230, 70, 70)), (-4.5, 0, (70, 140, 230)),
                        (0, 4.5, (240, 200, 60))):
        p.circle(70 + dx, 53 + dy, 2.1, col)
    for x in (40, 60):
        p.circle(x, 64, 5, (24, 24, 26))
        p.circle(x, 64, 3.5, (56, 56, 60))
    p.rect(44, 44, 56, 50, shade(body, 0.85), radius=1.5)


@family("console")
def _console(p, r, c, **style):
    _gamepad(p, r, c, console=True)


# --- home --------------------------------------------------------------------------------------

@family("sofa")
def _sofa(p, r, c, **_):
    body = _pick(c, r, [(110, 72, 42), (34, 34, 38), (140, 140, 146), (38, 78, 168), (196, 170, 130),
                        (112, 26, 46)])
    p.shadow(50, 84, 44, 2.5)
    legs = (60, 40, 26)
    for x in (15, 82):
        p.rect(x, 74, x + 3, 84, legs)
    p.rect(14, 34, 86, 64, shade(body, 0.88), radius=5)
    for i in range(3):
        x0 = 20 + i * 20.3
        p.rect(x0, 38, x0 + 19.6, 62, shade(body, 1.04), radius=4, outline=shade(body, 0.75), width=0.4)
    p.rect(16, 58, 84, 76, body, radius=3)
    for i in range(3):
        x0 = 20 + i * 20.3
        p.rect(x0, 59, x0 + 19.6, 66, light(body, 0.08), radius=2.5, outline=shade(body, 0.75), width=0.4)
    for x0 in (8, 80):
        p.rect(x0, 46, x0 + 12, 77, shade(body, 0.95), radius=5, outline=shade(body, 0.7), width=0.4)


@family("chair")
def _chair(p, r, c, **style):
    body = _pick(c, r, WOOD)
    if style.get("office"):
        p.shadow(50, 90, 26, 2)
        dark = (30, 30, 34)
        p.rect(32, 10, 68, 50, body, radius=8)
        p.rect(35, 13, 65, 47, light(body, 0.1), radius=6)
        p.rect(47, 48, 53, 56, dark)
        p.rect(28, 54, 72, 62, body, radius=3)
        p.rect(48, 62, 52, 76, METAL)
        for x in (24, 38, 62, 76):
            p.line([(50, 78), (x, 84)], dark, 2)
            p.circle(x, 86, 2.2, dark)
        return
    p.shadow(50, 89, 22, 2)
    p.rect(34, 16, 38, 88, shade(body, 0.85))
    p.rect(62, 16, 66, 88, shade(body, 0.85))
    p.rect(33, 16, 67, 25, body, radius=2)
    p.rect(36, 32, 64, 36, body, radius=1)
    p.rect(36, 42, 64, 45, body, radius=1)
    p.poly([(28, 54), (72, 54), (74, 61), (26, 61)], light(body, 0.08))
    p.rect(27, 61, 31, 89, shade(body, 0.8))
    p.rect(69, 61, 73, 89, shade(body, 0.8))
    p.line([(31, 78), (69, 78)], shade(body, 0.7), 1.2)


@family("table")
def _table(p, r, c, **style):
    body = _pick(c, r, WOOD)
    kind = style.get("table", "dining")
    if kind == "coffee":
        p.shadow(50, 84, 40, 2.5)
        for x in (16, 80):
            p.rect(x, 60, x + 4, 84, METAL)
        p.rect(18, 72, 82, 74, METAL)
        p.poly([(10, 56), (90, 56), (86, 62), (14, 62)], (190, 220, 230), outline=(150, 180, 190), width=0.5)
        p.line([(30, 57.5), (40, 60.5)], (240, 250, 255), 0.8)
        return
    p.shadow(50, 88, 42, 2.5)
    p.rect(10, 44, 90, 50, body, radius=1, outline=shade(body, 0.75), width=0.4)
    p.rect(12, 50, 88, 55, shade(body, 0.8))
    for x in (14, 82):
        p.rect(x, 55, x + 4, 88, shade(body, 0.85))
    if kind == "desk":
        p.rect(58, 55, 86, 80, shade(body, 0.92), outline=shade(body, 0.7), width=0.4)
        for i in range(3):
            p.line([(58, 63 + i * 8.5), (86, 63 + i * 8.5)], shade(body, 0.7), 0.4)
            p.rect(69, 58 + i * 8.3, 75, 59.5 + i * 8.3, METAL)
        return
    p.rect(28, 55, 31, 82, shade(body, 0.7))
    p.rect(69, 55, 72, 82, shade(body, 0.7))
    p.ellipse(44, 32, 56, 44, (240, 240, 235))
    p.rect(47, 28, 53, 34, (240, 240, 235))
    for dx, col in ((-4, (230, 70, 90)), (0, (250, 200, 60)), (4, (230, 120, 160))):
        p.line([(50, 30), (50 + dx, 20)], (60, 130, 70), 0.6)
        p.circle(50 + dx, 19, 2.2, col)


@family("wardrobe")
def _wardrobe(p, r, c, **_):
    body = _pick(c, r, WOOD)
    p.shadow(50, 89, 30, 2)
    p.rect(20, 6, 80, 10, shade(body, 0.8))
    p.rect(22, 10, 78, 86, body, outline=shade(body, 0.65), width=0.5)
    for x in (40.7, 59.3):
        p.line([(x, 10), (x, 86)], shade(body, 0.6), 0.5)
    p.rect(43, 14, 57, 80, (196, 220, 232))
    p.line([(45, 30), (52, 18)], (240, 248, 255), 1)
    p.line([(46, 40), (55, 25)], (240, 248, 255), 0.6)
    for x in (38.5, 42.5, 57.5, 61.5):
        p.circle(x, 48, 0.9, GOLD)
    for x in (24, 74):
        p.rect(x, 86, x + 2, 89, shade(body, 0.5))


@family("fridge")
def _fridge(p, r, c, **style):
    body = _pick(c, r, APPLIANCE)
    edge = shade(body, 0.72)
    handle = (150, 152, 158) if sum(body) > 300 else (190, 190, 196)
    if style.get("fridge") == "american":
        p.shadow(50, 90, 32, 2.2)
        p.rect(20, 6, 80, 88, body, radius=2.5, outline=edge, width=0.6)
        p.line([(50, 6), (50, 88)], edge, 0.6)
        p.rect(28, 26, 42, 44, (60, 62, 68), radius=1.5)
        p.rect(31, 30, 39, 40, (30, 30, 34), radius=1)
        for x in (46, 53):
            p.rect(x, 20, x + 1.4, 60, handle, radius=0.7)
        return
    short = style.get("fridge") == "small"
    top = 40 if short else 8
    p.shadow(50, 90, 22, 2.2)
    p.rect(30, top, 70, 88, body, radius=3, outline=edge, width=0.6)
    split = top + (88 - top) * 0.33
    p.line([(30, split), (70, split)], edge, 0.6)
    p.rect(64, top + 6, 66, split - 4, handle, radius=1)
    p.rect(64, split + 4, 66, split + 20, handle, radius=1)
    p.rect(33, top + 2, 35, 86, light(body, 0.25))
    p.rect(36, split + 3, 46, split + 5, shade(body, 0.82), radius=0.5)
    p.rect(31, 88, 35, 90, (60, 60, 64))
    p.rect(65, 88, 69, 90, (60, 60, 64))


@family("washer")
def _washer(p, r, c, **_):
    body = _pick(c, r, APPLIANCE[:2])
    p.shadow(50, 90, 24, 2.2)
    p.rect(27, 16, 73, 88, body, radius=3, outline=shade(body, 0.72), width=0.6)
    p.line([(27, 28), (73, 28)], shade(body, 0.72), 0.5)
    p.rect(36, 19.5, 52, 25, (34, 40, 48), radius=1)
    p.rect(38, 21, 44, 23.5, (80, 220, 160))
    p.circle(64, 22.3, 3.2, METAL, outline=(140, 142, 148), width=0.4)
    p.circle(50, 58, 17, (150, 152, 158))
    p.circle(50, 58, 14.5, (210, 212, 218))
    p.circle(50, 58, 12, (54, 74, 96))
    p.arc(41, 49, 59, 67, 200, 260, (170, 200, 230), 1.2)


@family("microwave")
def _microwave(p, r, c, **_):
    body = _pick(c, r, APPLIANCE)
    p.shadow(50, 78, 38, 2)
    p.rect(12, 32, 88, 76, body, radius=3, outline=shade(body, 0.72), width=0.6)
    p.rect(16, 37, 66, 71, (44, 46, 52), radius=2)
    p.rect(19, 40, 63, 68, (80, 84, 92), radius=1.5)
    p.line([(22, 43), (30, 43)], (150, 156, 166), 0.8)
    p.rect(68, 37, 84, 71, shade(body, 0.9), radius=1.5)
    p.rect(70, 40, 82, 45, (30, 34, 40), radius=0.6)
    p.rect(71, 41.5, 76, 43.5, (90, 230, 150))
    for i in range(3):
        for j in range(2):
            p.rect(70.5 + j * 6, 48 + i * 5, 75.5 + j * 6, 51 + i * 5, shade(body, 0.7), radius=0.6)


@family("fan")
def _fan(p, r, c, **_):
    body = _pick(c, r, [(240, 240, 238), (30, 30, 34), (70, 120, 200), (190, 192, 198)])
    blade = _pick(None, r, [(140, 190, 230), (240, 240, 240), (60, 60, 66), (120, 200, 190)])
    p.shadow(50, 89, 16, 2)
    p.ellipse(36, 82, 64, 89, body, outline=shade(body, 0.7), width=0.4)
    p.rect(48.4, 52, 51.6, 85, shade(body, 0.85))
    p.circle(50, 34, 26, None, outline=(150, 152, 158), width=1.2)
    start = r.uniform(0, 1)
    for i in range(3):
        a = start + i * 2 * math.pi / 3
        p.tilted_ellipse(50 + 12 * math.cos(a), 34 + 12 * math.sin(a), 12, 6.5, a, blade)
    for i in range(12):
        a = i * math.pi / 6
        p.line([(50, 34), (50 + 26 * math.cos(a), 34 + 26 * math.sin(a))], (170, 172, 178), 0.3)
    p.circle(50, 34, 4.5, body, outline=shade(body, 0.7), width=0.4)


@family("pot")
def _pot(p, r, c, **style):
    body = _pick(c, r, [(196, 198, 204), (196, 40, 45), (38, 78, 168), (34, 34, 38), (236, 118, 30)])
    p.shadow(50, 84, 32, 2.5)
    p.rect(10, 49, 24, 55, DARK, radius=2)
    p.rect(76, 49, 90, 55, DARK, radius=2)
    p.rect(20, 42, 80, 82, body, radius=6, outline=shade(body, 0.7), width=0.4)
    p.rect(24, 46, 28, 78, light(body, 0.3), radius=2)
    p.ellipse(18, 38, 82, 46, shade(body, 0.85))
    p.chord(22, 28, 78, 48, 180, 360, light(body, 0.1))
    if style.get("pot") == "pressure":
        p.rect(44, 22, 56, 31, DARK, radius=2)
        p.rect(48, 17, 52, 23, (200, 40, 40), radius=1)
        p.rect(70, 34, 96, 38, DARK, radius=2)
    else:
        p.rect(46, 25, 54, 31, DARK, radius=2)


@family("blender")
def _blender(p, r, c, **_):
    body = _pick(c, r, [(240, 240, 238), (34, 34, 38), (196, 40, 45), (190, 192, 198)])
    p.shadow(50, 89, 18, 2)
    p.rect(34, 66, 66, 89, body, radius=3, outline=shade(body, 0.72), width=0.5)
    for i, col in enumerate(((80, 200, 120), (230, 80, 80), (120, 120, 126))):
        p.circle(42 + i * 8, 79, 2, col)
    p.poly([(33, 20), (67, 20), (62, 66), (38, 66)], (214, 230, 240), outline=(160, 180, 196), width=0.5)
    p.poly([(37, 40), (63, 40), (62, 64), (38, 64)], (240, 190, 90))
    p.poly([(66, 26), (74, 28), (72, 54), (64, 56)], None, outline=(160, 180, 196), width=1.4)
    p.rect(32, 15, 68, 21, (40, 40, 44), radius=2)
    p.line([(38, 24), (40, 60)], (250, 252, 255), 0.8)


@family("gas")
def _gas(p, r, c, **_):
    body = _pick(c, r, [(38, 78, 168), (196, 40, 45), (38, 128, 72), (236, 188, 40), (240, 240, 238)])
    p.shadow(50, 89, 18, 2.2)
    p.rect(40, 16, 60, 30, (170, 172, 178), radius=3)
    p.rect(46, 10, 54, 18, (196, 160, 70), radius=1.5)
    p.rect(33, 28, 67, 89, body, radius=12, outline=shade(body, 0.7), width=0.5)
    p.rect(33, 56, 67, 61, (245, 245, 245))
    p.rect(37, 34, 41, 80, light(body, 0.3), radius=2)


@family("plate")
def _plate(p, r, c, **_):
    rim = _pick(c, r, [(38, 78, 168), GOLD, (196, 40, 45), (38, 128, 72)])
    p.shadow(50, 82, 38, 3)
    for i in range(4):
        y = 78 - i * 3
        p.ellipse(12, y - 8, 88, y + 4, (246, 246, 242), outline=(200, 200, 196), width=0.4)
        p.arc(12, y - 8, 88, y + 4, 20, 160, rim, 0.8)
    p.ellipse(12, 42, 88, 70, (250, 250, 246), outline=(200, 200, 196), width=0.4)
    p.ellipse(15, 44, 85, 68, None, outline=rim, width=1)
    p.ellipse(26, 49, 74, 63, (240, 240, 236))
    p.rect(60, 16, 84, 40, (250, 250, 246), radius=3, outline=(200, 200, 196), width=0.4)
    p.ellipse(63, 18, 81, 38, None, outline=rim, width=0.8)


@family("lamp")
def _lamp(p, r, c, **style):
    shade_colour = _pick(c, r, [(244, 232, 206), (196, 40, 45), (38, 78, 168), (236, 188, 40), (242, 242, 238)])
    tall = style.get("lamp") == "floor"
    top = 8 if tall else 26
    p.shadow(50, 89, 14, 2)
    p.ellipse(38, 83, 62, 89, DARK)
    p.rect(48.8, top + 18, 51.2, 86, GOLD if not tall else DARK)
    if not tall:
        p.ellipse(40, 56, 60, 80, shade(shade_colour, 0.8) if c else r.choice(FABRIC))
    p.ellipse(38, top + 18, 62, top + 30, (255, 236, 170))
    p.poly([(34, top), (66, top), (74, top + 24), (26, top + 24)], shade_colour,
           outline=shade(shade_colour, 0.75), width=0.5)


@family("painting")
def _painting(p, r, c, **_):
    frame = _pick(c, r, [GOLD, (92, 60, 36), (34, 34, 38), (240, 240, 238)])
    p.shadow(50, 84, 36, 2)
    p.rect(14, 12, 86, 80, frame, outline=shade(frame, 0.7), width=0.6)
    p.rect(17, 15, 83, 77, shade(frame, 0.82))
    canvas = (19, 17, 81, 75)
    if r.random() < 0.5:
        p.masked(lambda q, f: q.rect(*canvas, f), lambda q: _landscape(q, r, *canvas))
    else:
        p.rect(*canvas, r.choice([(236, 200, 120), (214, 90, 60), (60, 90, 140)]))
        for _ in range(7):
            x, y = r.uniform(24, 76), r.uniform(22, 70)
            p.ellipse(x - 4, y - 10, x + 4, y + 6, r.choice(FABRIC))
            p.circle(x, y - 12, 3, (70, 40, 30))


@family("vase")
def _vase(p, r, c, **_):
    body = _pick(c, r, [(38, 78, 168), (196, 110, 60), (240, 240, 236), (38, 128, 72), (34, 34, 38)])
    p.shadow(50, 89, 18, 2)
    stems = [(-14, 10), (-7, 4), (0, 0), (8, 6), (15, 12), (-3, 14), (5, 16)]
    for dx, dy in stems:
        p.line([(50, 46), (50 + dx, 18 + dy)], (60, 130, 70), 0.7)
    for dx, dy in stems:
        col = r.choice([(230, 70, 90), (250, 200, 60), (240, 240, 245), (230, 120, 160), (240, 130, 50)])
        for a in range(6):
            t = a * math.pi / 3
            p.circle(50 + dx + 2.6 * math.cos(t), 18 + dy + 2.6 * math.sin(t), 2.2, col)
        p.circle(50 + dx, 18 + dy, 1.6, (250, 210, 70))
    p.ellipse(32, 48, 68, 89, body, outline=shade(body, 0.7), width=0.4)
    p.rect(43, 38, 57, 54, body)
    p.ellipse(41, 36, 59, 40, shade(body, 0.8))
    p.line([(38, 58), (37, 74)], light(body, 0.4), 1.2)


@family("mask")
def _mask(p, r, c, **_):
    wood = _pick(c, r, [(92, 58, 34), (120, 76, 44), (60, 40, 28)])
    p.shadow(50, 92, 16, 2)
    p.ellipse(32, 8, 68, 92, wood, outline=shade(wood, 0.6), width=0.6)
    p.rect(34, 20, 66, 25, (236, 226, 200))
    for x in range(36, 66, 5):
        p.ellipse(x, 12, x + 3.4, 17, (244, 238, 220))
    for x in (41, 59):
        p.arc(x - 8, 32, x + 8, 44, 200, 340, (30, 20, 14), 1)
        p.ellipse(x - 6, 39, x + 6, 44, (24, 16, 10))
    p.poly([(48, 42), (52, 42), (55, 64), (45, 64)], shade(wood, 0.8))
    p.ellipse(43, 70, 57, 77, (150, 40, 30))
    for x in (37, 63):
        for i in range(3):
            p.line([(x - 3, 52 + i * 3), (x + 3, 52 + i * 3)], (236, 226, 200), 0.7)


@family("mattress")
def _mattress(p, r, c, **_):
    trim = _pick(c, r, [(38, 78, 168), (196, 40, 45), (110, 110, 116), (38, 128, 72)])
    p.shadow(50, 80, 44, 2.5)
    p.poly([(10, 52), (70, 40), (92, 46), (34, 60)], (246, 244, 236), outline=(210, 206, 196), width=0.4)
    p.poly([(10, 52), (34, 60), (34, 78), (10, 70)], (232, 228, 218))
    p.poly([(34, 60), (92, 46), (92, 64), (34, 78)], (240, 238, 228))
    for t in (0.0, 1.0):
        y = 0 if t == 0 else 16
        p.line([(34, 61 + y), (92, 47 + y)], trim, 1.4)
        p.line([(10, 53 + y * 0.95), (34, 61 + y)], trim, 1.4)
    for i in range(1, 6):
        x = 34 + i * 9.6
        p.line([(x, 60 - i * 2.3 + 3), (x, 76 - i * 2.3)], (214, 210, 200), 0.4)
    for i in range(1, 5):
        a = (10 + i * 12, 52 - i * 2.4)
        b = (a[0] + 24, a[1] + 8)
        p.line([a, b], (220, 216, 206), 0.4)


@family("bed")
def _bed(p, r, c, **_):
    cover = _pick(c, r, FABRIC)
    wood = r.choice(WOOD)
    p.shadow(50, 86, 44, 2.5)
    p.rect(8, 30, 18, 86, wood, radius=2)
    p.rect(86, 50, 92, 86, wood, radius=1.5)
    p.rect(16, 64, 88, 74, shade(wood, 0.85))
    p.rect(18, 54, 88, 65, (246, 246, 242), radius=2)
    p.ellipse(18, 44, 38, 57, (250, 250, 250), outline=(210, 210, 206), width=0.4)
    p.masked(lambda q, f: q.rect(32, 50, 88, 68, f, radius=3),
             lambda q: (q.rect(30, 48, 90, 70, cover), _fabric(q, r, r.choice(["stripes", "dots", "flowers"]),
                                                                cover, 30, 48, 90, 70)))
    for x in (20, 84):
        p.rect(x, 74, x + 3, 86, shade(wood, 0.7))


@family("folded")
def _folded(p, r, c, **_):
    p.shadow(50, 84, 32, 2.5)
    y = 84
    for _ in range(4):
        col = _pick(c, r, FABRIC + PASTEL) if c is None else light(c, r.uniform(0, 0.4))
        h = r.uniform(8, 11)
        p.rect(20, y - h, 80, y, col, radius=h / 2.2, outline=shade(col, 0.8), width=0.4)
        p.line([(24, y - h * 0.5), (70, y - h * 0.5)], shade(col, 0.85), 0.4)
        y -= h


# --- fashion -----------------------------------------------------------------------------------

def _hanger(p):
    p.arc(47, 4, 55, 12, 180, 90, (150, 152, 158), 0.8)
    p.line([(34, 17), (50, 11), (66, 17)], (150, 152, 158), 1)


@family("dress")
def _dress(p, r, c, **style):
    base = _pick(c, r, FABRIC)
    kind = style.get("pattern") or r.choice(["plain", "wax", "dots", "flowers"])
    _hanger(p)
    outline = [(39, 14), (43, 14), (46, 22), (50, 25), (54, 22), (57, 14), (61, 14), (62, 28), (59, 42),
               (76, 88), (24, 88), (41, 42), (38, 28)]
    p.poly(outline, base)
    if kind != "plain":
        p.masked(lambda q, f: q.poly(outline, f), lambda q: _fabric(q, r, kind, base, 20, 12, 80, 90))
    p.line([(41, 42), (59, 42)], shade(base, 0.7), 1)
    p.line([(50, 46), (46, 86)], shade(base, 0.85), 0.4)
    p.line([(54, 46), (60, 86)], shade(base, 0.85), 0.4)


@family("shirt")
def _shirt(p, r, c, **style):
    base = _pick(c, r, FABRIC)
    kind = style.get("pattern") or r.choice(["plain", "plain", "stripes", "check"])
    _hanger(p)
    outline = [(38, 16), (26, 20), (12, 36), (19, 44), (28, 38), (28, 88), (72, 88), (72, 38), (81, 44),
               (88, 36), (74, 20), (62, 16), (56, 20), (50, 22), (44, 20)]
    p.poly(outline, base)
    if kind != "plain":
        p.masked(lambda q, f: q.poly(outline, f), lambda q: _fabric(q, r, kind, base, 10, 14, 90, 90))
    edge = shade(base, 0.7) if sum(base) > 120 else (90, 90, 96)
    if style.get("collar", True):
        p.poly([(38, 16), (50, 23), (44, 28)], light(base, 0.15), outline=edge, width=0.3)
        p.poly([(62, 16), (50, 23), (56, 28)], light(base, 0.15), outline=edge, width=0.3)
        p.line([(50, 23), (50, 88)], edge, 0.4)
        for y in range(30, 86, 9):
            p.circle(51.5, y, 0.8, (240, 240, 236))
    else:
        p.arc(38, 10, 62, 26, 20, 160, edge, 1)
    p.line([(28, 38), (28, 88)], edge, 0.3)
    p.line([(72, 38), (72, 88)], edge, 0.3)


@family("trousers")
def _trousers(p, r, c, **_):
    base = _pick(c, r, [(46, 72, 120), (30, 48, 86), (34, 34, 38), (196, 180, 140), (90, 110, 150)])
    _hanger(p)
    p.poly([(30, 16), (70, 16), (73, 90), (54, 90), (50, 36), (46, 90), (27, 90)], base)
    p.rect(30, 16, 70, 21, shade(base, 0.85))
    for x in (34, 43, 57, 66):
        p.rect(x, 15.5, x + 1.6, 21.5, shade(base, 0.6))
    stitch = (214, 170, 90)
    p.arc(30, 8, 44, 32, 0, 90, stitch, 0.4)
    p.arc(56, 8, 70, 32, 90, 180, stitch, 0.4)
    p.line([(50, 21), (50, 34)], stitch, 0.4)
    p.circle(50, 18.5, 1, (200, 200, 206))


@family("onesie")
def _onesie(p, r, c, **_):
    base = _pick(c, r, PASTEL)
    outline = [(44, 18), (34, 20), (22, 30), (28, 38), (34, 34), (34, 64), (36, 86), (47, 86), (50, 74),
               (53, 86), (64, 86), (66, 64), (66, 34), (72, 38), (78, 30), (66, 20), (56, 18), (50, 22)]
    p.shadow(50, 90, 20, 1.5)
    p.poly(outline, base)
    p.masked(lambda q, f: q.poly(outline, f), lambda q: _fabric(q, r, "dots", base, 20, 16, 80, 88))
    p.arc(44, 13, 56, 25, 20, 160, shade(base, 0.75), 0.8)
    for x in (44, 50, 56):
        p.circle(x, 77, 0.8, (250, 250, 250))
    p.circle(43, 50, 4, light(base, 0.5))
    p.circle(43, 50, 2, shade(base, 0.7))


@family("shoe")
def _shoe(p, r, c, **style):
    base = _pick(c, r, [(242, 242, 238), (34, 34, 38), (196, 40, 45), (38, 78, 168), (110, 72, 42)])
    p.shadow(52, 80, 38, 2.4)
    if style.get("shoe") == "leather":
        p.rect(12, 74, 90, 79, (40, 26, 18), radius=2)
        p.rect(14, 76, 26, 82, (40, 26, 18), radius=0.8)
        p.poly([(14, 75), (13, 62), (18, 56), (30, 53), (44, 52), (56, 55), (68, 61), (80, 65), (88, 70),
                (89, 75)], base, outline=shade(base, 0.6), width=0.4)
        p.chord(18, 50, 46, 60, 180, 360, shade(base, 0.45))
        p.line([(46, 53), (62, 60)], shade(base, 0.6), 0.5)
        for i in range(3):
            p.line([(47 + i * 4.5, 56.5 + i * 1.8), (50 + i * 4.5, 53 + i * 1.8)], light(base, 0.4), 0.6)
        p.line([(20, 66), (76, 70)], shade(base, 0.7), 0.4)
        p.arc(70, 63, 88, 71, 250, 320, light(base, 0.3), 0.6)
        return
    sole = (246, 246, 240) if sum(base) < 600 else (60, 60, 64)
    p.rect(12, 70, 90, 79, sole, radius=3, outline=shade(sole, 0.8), width=0.4)
    upper = [(14, 71), (14, 54), (22, 49), (36, 48), (46, 40), (58, 38), (62, 46), (74, 54), (86, 60),
             (89, 70)]
    p.poly(upper, base, outline=shade(base, 0.7), width=0.4)
    accent = r.choice([(34, 34, 38), (196, 40, 45), (38, 78, 168), GOLD]) if sum(base) > 500 else (242, 242, 238)
    if style.get("shoe") == "boot":
        p.poly([(40, 42), (56, 38), (58, 30), (44, 28)], base)
        for i in range(5):
            p.circle(82 - i * 5.5, 72.5, 1, (30, 30, 30))
    p.line([(28, 64), (46, 56), (66, 58), (78, 66)], accent, 2)
    p.poly([(45, 42), (57, 38.5), (66, 48), (55, 52)], light(base, 0.18))
    lace = (250, 250, 250) if sum(base) < 500 else DARK
    for i in range(4):
        t = i / 3
        p.line([(46.5 + 10 * t, 45 + 6.5 * t), (53 + 10 * t, 40.5 + 6.5 * t)], lace, 0.8)
    p.poly([(14, 54), (22, 49), (22, 62), (14, 64)], shade(base, 0.88))


@family("heel")
def _heel(p, r, c, **_):
    base = _pick(c, r, [(196, 40, 45), (34, 34, 38), (228, 128, 168), GOLD, (214, 194, 158)])
    p.shadow(56, 87, 32, 2)
    p.poly([(23, 58), (30, 60), (28.5, 88), (26, 88)], shade(base, 0.6))
    upper = [(22, 46), (30, 55), (44, 64), (64, 65), (80, 70), (88, 76), (88, 83), (64, 83), (48, 75),
             (34, 63), (23, 59)]
    p.poly(upper, base, outline=shade(base, 0.65), width=0.4)
    p.poly([(22, 46), (30, 55), (44, 64), (64, 65), (48, 60), (34, 52)], light(base, 0.35))
    p.line([(34, 63), (48, 75), (64, 83), (88, 83)], shade(base, 0.45), 1)
    p.line([(66, 70), (84, 76)], light(base, 0.3), 0.6)


@family("sandal")
def _sandal(p, r, c, **_):
    strap = _pick(c, r, [(34, 34, 38), (38, 78, 168), (242, 242, 238), (196, 40, 45)])
    sole = (46, 46, 50) if sum(strap) > 200 else (228, 228, 224)
    stripe = (246, 246, 246) if sum(strap) < 600 else (34, 34, 38)
    for x0, y0 in ((20, 10), (54, 16)):
        p.shadow(x0 + 13, y0 + 76, 13, 2.5)
        p.rect(x0, y0, x0 + 26, y0 + 76, sole, radius=12, outline=shade(sole, 0.8), width=0.5)
        p.rect(x0 + 2.5, y0 + 3, x0 + 23.5, y0 + 73, light(sole, 0.08), radius=10)
        p.rect(x0 - 1.5, y0 + 16, x0 + 27.5, y0 + 38, strap, radius=4, outline=shade(strap, 0.7), width=0.4)
        for i in range(3):
            p.line([(x0 + 6 + i * 7, y0 + 18), (x0 + 2 + i * 7, y0 + 36)], stripe, 1.6)


@family("bag")
def _bag(p, r, c, **_):
    base = _pick(c, r, [(110, 72, 42), (34, 34, 38), (196, 40, 45), (214, 194, 158), (228, 128, 168)])
    p.shadow(50, 86, 34, 2)
    p.arc(32, 16, 68, 60, 180, 360, shade(base, 0.75), 2.4)
    p.poly([(22, 40), (78, 40), (84, 86), (16, 86)], base, outline=shade(base, 0.7), width=0.5)
    p.poly([(22, 40), (78, 40), (75, 60), (25, 60)], shade(base, 0.9))
    p.rect(46, 55, 54, 62, GOLD, radius=1)
    p.line([(20, 72), (80, 72)], shade(base, 0.8), 0.4)


@family("backpack")
def _backpack(p, r, c, **_):
    base = _pick(c, r, FABRIC)
    p.shadow(50, 89, 26, 2)
    p.arc(42, 12, 58, 26, 180, 360, DARK, 1.6)
    p.rect(26, 20, 74, 88, base, radius=14, outline=shade(base, 0.7), width=0.5)
    p.arc(28, 22, 72, 60, 190, 350, shade(base, 0.6), 0.6)
    p.rect(33, 58, 67, 84, shade(base, 0.88), radius=6)
    p.line([(36, 64), (64, 64)], DARK, 0.6)
    p.rect(47, 62, 51, 67, METAL, radius=0.8)


@family("glasses")
def _glasses(p, r, c, **_):
    frame = _pick(c, r, [(34, 34, 38), GOLD, (110, 72, 42)])
    lens = r.choice([(40, 50, 60), (60, 80, 60), (80, 50, 40)])
    p.shadow(50, 72, 38, 2)
    p.line([(12, 44), (6, 60)], frame, 1.4)
    p.line([(88, 44), (94, 60)], frame, 1.4)
    for x0 in (14, 54):
        p.ellipse(x0, 38, x0 + 32, 64, lens, outline=frame, width=1.6)
        p.line([(x0 + 6, 44), (x0 + 12, 50)], light(lens, 0.5), 0.8)
    p.arc(44, 40, 56, 50, 200, 340, frame, 1.4)


@family("watch")
def _watch(p, r, c, **style):
    strap = _pick(c, r, [(34, 34, 38), (110, 72, 42), (190, 192, 198), GOLD])
    case = METAL if strap != GOLD else GOLD
    p.shadow(50, 92, 12, 1.5)
    p.rect(40, 6, 60, 36, strap, radius=2)
    p.rect(40, 64, 60, 94, strap, radius=2)
    for y in (72, 78, 84):
        p.line([(42, y), (58, y)], shade(strap, 0.7), 0.4)
    if style.get("smart"):
        p.rect(33, 30, 67, 70, (30, 30, 34), radius=8)
        p.rect(36, 33, 64, 67, (10, 10, 14), radius=6)
        p.arc(40, 38, 60, 58, 270, 120, (80, 220, 120), 2)
        p.arc(43, 41, 57, 55, 270, 60, (240, 80, 90), 2)
        p.rect(67, 42, 69, 50, METAL)
        return
    p.circle(50, 50, 18, case, outline=shade(case, 0.7), width=0.5)
    face = r.choice([(248, 248, 244), (30, 34, 44), (30, 70, 60)])
    p.circle(50, 50, 14.5, face)
    face_ink = (40, 40, 44) if sum(face) > 400 else (230, 230, 230)
    for i in range(12):
        a = i * math.pi / 6
        p.line([(50 + 11.5 * math.cos(a), 50 + 11.5 * math.sin(a)),
                (50 + 13.5 * math.cos(a), 50 + 13.5 * math.sin(a))], face_ink, 0.7)
    p.line([(50, 50), (50 + 7 * math.cos(r.uniform(0, 6.28)), 50 + 7 * math.sin(r.uniform(0, 6.28)))], face_ink, 1)
    p.line([(50, 50), (50, 39)], face_ink, 0.7)
    p.rect(68, 48, 71, 52, case)


@family("beads")
def _beads(p, r, c, **_):
    colours = [c] if c else r.sample(FABRIC + [GOLD], 3)
    p.shadow(50, 78, 30, 3)
    beads = []
    for i in range(22):
        t = i * 2 * math.pi / 22
        beads.append((math.sin(t), 50 + 26 * math.cos(t), 56 + 14 * math.sin(t), colours[i % len(colours)]))
    for depth, x, y, col in sorted(beads):
        rad = 4.2 + depth * 0.6
        p.circle(x, y, rad, shade(col, 0.85 + depth * 0.1), outline=shade(col, 0.6), width=0.3)
        p.circle(x - rad * 0.35, y - rad * 0.35, rad * 0.25, light(col, 0.6))


# --- baby & kids -------------------------------------------------------------------------------

def _wheel(p, x, y, rad, spokes=8, rim=METAL):
    p.circle(x, y, rad, TYRE)
    p.circle(x, y, rad * 0.72, rim)
    p.circle(x, y, rad * 0.6, (70, 72, 78))
    for i in range(spokes):
        a = i * 2 * math.pi / spokes
        p.line([(x, y), (x + rad * 0.6 * math.cos(a), y + rad * 0.6 * math.sin(a))], rim, max(0.3, rad * 0.05))
    p.circle(x, y, rad * 0.18, rim)


@family("stroller")
def _stroller(p, r, c, **_):
    base = _pick(c, r, FABRIC + PASTEL)
    p.shadow(50, 91, 30, 2)
    p.line([(38, 74), (30, 86)], DARK, 1.4)
    p.line([(62, 74), (70, 86)], DARK, 1.4)
    p.line([(78, 60), (90, 34)], DARK, 1.6)
    p.rect(86, 30, 95, 36, (30, 30, 34), radius=2)
    p.chord(18, 42, 82, 78, 0, 180, base)
    p.pie(18, 38, 62, 82, 180, 270, shade(base, 0.8))
    p.line([(18, 60), (82, 60)], light(base, 0.4), 1)
    for i in range(1, 4):
        a = math.pi + i * math.pi / 8
        p.line([(40, 60), (40 + 22 * math.cos(a), 60 + 22 * math.sin(a))], shade(base, 0.65), 0.4)
    _wheel(p, 30, 86, 6)
    _wheel(p, 70, 86, 6)


@family("teddy")
def _teddy(p, r, c, **_):
    fur = _pick(c, r, [(160, 110, 70), (214, 180, 130), (230, 160, 180), (242, 236, 226), (130, 90, 60)])
    inner = light(fur, 0.45)
    p.shadow(50, 90, 26, 2)
    p.ellipse(34, 48, 66, 88, fur)
    p.ellipse(40, 56, 60, 82, inner)
    for x in (28, 72):
        p.ellipse(x - 8, 52, x + 8, 72, fur)
    for x in (38, 62):
        p.ellipse(x - 8, 78, x + 8, 92, fur)
        p.ellipse(x - 5, 82, x + 5, 90, inner)
    for x in (37, 63):
        p.circle(x, 21, 6.5, fur)
        p.circle(x, 21, 3.5, inner)
    p.circle(50, 34, 16, fur)
    p.ellipse(42, 36, 58, 48, inner)
    p.ellipse(47, 37, 53, 41, (40, 26, 20))
    p.line([(50, 41), (50, 44)], (40, 26, 20), 0.6)
    for x in (44, 56):
        p.circle(x, 30, 1.8, (20, 16, 14))
    p.rect(40, 47, 60, 51, r.choice([(196, 40, 45), (38, 78, 168), GOLD]), radius=2)


@family("blocks")
def _blocks(p, r, c, **_):
    p.shadow(50, 86, 36, 2.5)
    layout = [(16, 72, 3), (42, 72, 3), (68, 72, 2), (28, 58, 3), (56, 58, 2), (40, 44, 2)]
    for x, y, studs in layout:
        col = _pick(c, r, [(220, 40, 40), (30, 90, 200), (250, 200, 30), (40, 160, 70), (242, 242, 238)])
        w = studs * 8
        for i in range(studs):
            p.rect(x + 1.5 + i * 8, y - 3, x + 6.5 + i * 8, y, shade(col, 0.9), radius=0.6)
        p.rect(x, y, x + w, y + 14, col, radius=1, outline=shade(col, 0.7), width=0.4)


@family("crib")
def _crib(p, r, c, **_):
    wood = _pick(c, r, WOOD + [(242, 242, 238)])
    p.shadow(50, 88, 42, 2)
    p.rect(22, 60, 78, 66, (246, 246, 246))
    for x in (14, 82):
        p.rect(x, 26, x + 4, 88, shade(wood, 0.85), radius=1)
    p.rect(14, 28, 86, 32, wood, radius=1)
    p.rect(14, 66, 86, 71, wood, radius=1)
    for i in range(12):
        x = 22 + i * 5.2
        p.rect(x, 32, x + 1.8, 66, wood)


@family("baby_bottle")
def _baby_bottle(p, r, c, **_):
    ring = _pick(c, r, PASTEL)
    p.shadow(50, 89, 14, 2)
    p.rect(38, 34, 62, 88, (232, 238, 244), radius=6, outline=(190, 198, 208), width=0.5)
    p.rect(39.5, 52, 60.5, 86.5, (250, 246, 232), radius=4.5)
    for i in range(6):
        y = 44 + i * 7
        p.line([(40, y), (44 if i % 2 else 46, y)], (150, 160, 180), 0.5)
    p.rect(36, 27, 64, 37, ring, radius=2, outline=shade(ring, 0.8), width=0.3)
    p.rect(45, 19, 55, 28, (226, 196, 150), radius=1)
    p.ellipse(44, 9, 56, 24, (232, 204, 160))


# --- vehicles ----------------------------------------------------------------------------------

@family("car")
def _car(p, r, c, **style):
    body = _pick(c, r, VEHICLE)
    kind = style.get("car", "sedan")
    roof = {"suv": 24, "small": 30, "sedan": 32}.get(kind, 32)
    low = {"suv": 44, "small": 48, "sedan": 50}.get(kind, 50)
    p.shadow(50, 80, 44, 2.5)
    if kind == "suv":
        p.poly([(10, low), (22, low), (28, roof), (72, roof), (86, low), (92, low + 4), (92, 72), (8, 72)], body,
               outline=shade(body, 0.7), width=0.5)
    elif kind == "small":
        p.poly([(10, low), (26, low), (34, roof), (70, roof), (80, low), (90, low + 4), (90, 72), (10, 72)], body,
               outline=shade(body, 0.7), width=0.5)
    else:
        p.poly([(8, low + 2), (26, low), (36, roof), (66, roof), (78, low), (92, low + 3), (92, 72), (8, 72)],
               body, outline=shade(body, 0.7), width=0.5)
    edge = shade(body, 0.7)
    p.line([(8, 72), (92, 72)], edge, 0.6)
    glass = (120, 150, 176)
    top = roof + 2.5
    if kind == "suv":
        p.poly([(25, low - 1), (30, top), (48, top), (48, low - 1)], glass)
        p.poly([(51, top), (70, top), (82, low - 1), (51, low - 1)], glass)
    elif kind == "small":
        p.poly([(28, low - 1), (35.5, top), (50, top), (50, low - 1)], glass)
        p.poly([(53, top), (68, top), (76, low - 1), (53, low - 1)], glass)
    else:
        p.poly([(30, low - 1), (38, top), (50, top), (50, low - 1)], glass)
        p.poly([(53, top), (65, top), (74, low - 1), (53, low - 1)], glass)
    p.line([(50.5, low), (50.5, 70)], edge, 0.4)
    p.line([(30, low), (30, 70)], edge, 0.3)
    p.rect(40, low + 4, 45, low + 5.5, shade(body, 0.6))
    p.rect(58, low + 4, 63, low + 5.5, shade(body, 0.6))
    p.rect(88, low + 6, 92, low + 10, (250, 230, 150), radius=1)
    p.rect(8, low + 6, 11, low + 10, (210, 40, 40), radius=1)
    p.rect(7, 64, 93, 68, (60, 60, 64), radius=1.5)
    for x in (26, 74):
        p.circle(x, 72, 11, shade(body, 0.55))
        _wheel(p, x, 72, 9, spokes=5)


@family("motorbike")
def _motorbike(p, r, c, **_):
    body = _pick(c, r, VEHICLE)
    p.shadow(50, 85, 42, 2.5)
    for x in (24, 77):
        _wheel(p, x, 72, 13, spokes=12, rim=(176, 178, 184))
    p.line([(24, 72), (46, 60)], (70, 70, 76), 2.2)
    p.rect(40, 54, 58, 68, (96, 98, 104), radius=2)
    for i in range(4):
        p.line([(42, 56 + i * 3), (56, 56 + i * 3)], (130, 132, 138), 0.4)
    p.line([(46, 67), (14, 62)], (196, 198, 204), 2.4)
    p.line([(46, 54), (66, 38)], (70, 70, 76), 2)
    p.line([(68, 34), (77, 72)], (196, 198, 204), 1.8)
    p.arc(11, 56, 37, 82, 200, 330, body, 2.2)
    p.arc(64, 58, 90, 84, 210, 320, body, 2)
    p.poly([(30, 45), (48, 45), (46, 56), (34, 54)], shade(body, 0.85))
    p.rect(22, 39, 50, 46, (30, 30, 32), radius=2.5)
    p.ellipse(44, 34, 66, 50, body, outline=shade(body, 0.7), width=0.4)
    p.ellipse(48, 37, 56, 41, light(body, 0.5))
    p.line([(66, 33), (62, 28), (70, 26)], (40, 40, 44), 1.2)
    p.circle(72, 40, 3.8, (250, 236, 170), outline=(90, 90, 96), width=0.6)
    p.rect(18, 40, 23, 43, (220, 40, 40), radius=0.8)


@family("bicycle")
def _bicycle(p, r, c, **style):
    frame = _pick(c, r, VEHICLE + [(236, 118, 30)])
    p.shadow(50, 83, 42, 2)
    for x in (26, 74):
        p.circle(x, 66, 16, None, outline=TYRE, width=2.2)
        p.circle(x, 66, 14.2, None, outline=(180, 182, 188), width=0.5)
        for i in range(16):
            a = i * math.pi / 8
            p.line([(x, 66), (x + 14 * math.cos(a), 66 + 14 * math.sin(a))], (170, 172, 178), 0.22)
        p.circle(x, 66, 1.4, METAL)
    bb, seat, head = (47, 66), (40, 40), (66, 40)
    for a, b in ((seat, head), (head, bb), (bb, seat), (bb, (26, 66)), (seat, (26, 66)), (head, (74, 66))):
        p.line([a, b], frame, 1.6)
    p.line([(40, 40), (38, 34)], DARK, 1)
    p.poly([(32, 32), (44, 32), (42, 35), (34, 35)], (30, 30, 32))
    p.line([(66, 40), (64, 32), (70, 30)], DARK, 1.2)
    p.circle(47, 66, 3, (90, 90, 96))
    if style.get("basket"):
        p.rect(70, 30, 84, 40, (180, 140, 80), radius=1)
    if style.get("training"):
        for x in (20, 32):
            p.circle(x, 78, 4, TYRE)


@family("tire")
def _tire(p, r, c, **style):
    if style.get("pair"):
        _tire(p.sub(0.8, -14, 4), r, c)
        p = p.sub(0.8, 14, 4)
    p.shadow(50, 86, 30, 2)
    p.circle(50, 50, 36, TYRE)
    for i in range(36):
        a = i * math.pi / 18
        p.line([(50 + 32 * math.cos(a), 50 + 32 * math.sin(a)), (50 + 36 * math.cos(a), 50 + 36 * math.sin(a))],
               (58, 58, 62), 1.2)
    p.circle(50, 50, 31, (44, 44, 46))
    rim = c or r.choice([METAL, (60, 62, 68), (210, 212, 218)])
    p.circle(50, 50, 22, rim)
    p.circle(50, 50, 19, shade(rim, 0.55))
    for i in range(5):
        a = i * 2 * math.pi / 5 + 0.3
        p.line([(50, 50), (50 + 19 * math.cos(a), 50 + 19 * math.sin(a))], rim, 3.6)
    p.circle(50, 50, 6, light(rim, 0.2))
    p.circle(50, 50, 2, shade(rim, 0.5))


@family("battery")
def _battery(p, r, c, **_):
    label = _pick(c, r, [(30, 70, 160), (200, 40, 40), (38, 128, 72)])
    p.shadow(50, 86, 32, 2)
    for x, col in ((28, (196, 40, 40)), (64, (60, 60, 64))):
        p.rect(x, 24, x + 8, 33, col, radius=1)
    p.rect(18, 30, 82, 40, (58, 58, 62), radius=2)
    p.rect(20, 38, 80, 86, (36, 36, 40), radius=2)
    p.rect(20, 50, 80, 68, label)
    p.rect(20, 56, 80, 58, (250, 206, 50))
    p.line([(29, 35), (35, 35)], (250, 250, 250), 0.8)
    p.line([(32, 32), (32, 38)], (250, 250, 250), 0.8)
    p.line([(65, 35), (71, 35)], (250, 250, 250), 0.8)


# --- sports & leisure --------------------------------------------------------------------------

@family("ball")
def _ball(p, r, c, **_):
    patch = c or r.choice([(24, 24, 28), (24, 24, 28), (30, 70, 170), (200, 40, 40)])
    p.shadow(50, 82, 24, 3)

    def pentagon(q, cx, cy, rad, rot, fill):
        q.poly([(cx + rad * math.cos(rot + i * 2 * math.pi / 5), cy + rad * math.sin(rot + i * 2 * math.pi / 5))
                for i in range(5)], fill)

    def pattern(q):
        q.circle(50, 50, 31, (248, 248, 246))
        pentagon(q, 50, 50, 9, -math.pi / 2, patch)
        for i in range(5):
            a = -math.pi / 2 + i * 2 * math.pi / 5
            vx, vy = 50 + 9 * math.cos(a), 50 + 9 * math.sin(a)
            ox, oy = 50 + 27 * math.cos(a + math.pi / 5), 50 + 27 * math.sin(a + math.pi / 5)
            q.line([(vx, vy), (50 + 17 * math.cos(a), 50 + 17 * math.sin(a))], (140, 140, 146), 0.5)
            pentagon(q, ox, oy, 10, a + math.pi / 5 + math.pi, patch)
        q.circle(40, 38, 7, (255, 255, 255))

    p.masked(lambda q, f: q.circle(50, 50, 31, f), pattern)
    p.circle(50, 50, 31, None, outline=(150, 150, 156), width=0.5)


@family("dumbbell")
def _dumbbell(p, r, c, **_):
    plate = _pick(c, r, [(34, 34, 38), (196, 40, 45), (38, 78, 168), (60, 60, 66)])
    for dy, s in ((-16, 0.8), (10, 1.0)):
        q = p.sub(s, 0, dy)
        q.shadow(50, 68, 38, 2)
        q.rect(24, 47, 76, 53, METAL, radius=1)
        for x0 in (18, 70):
            q.rect(x0, 34, x0 + 12, 66, plate, radius=2, outline=shade(plate, 0.7), width=0.4)
            q.rect(x0 + 2, 36, x0 + 4, 64, light(plate, 0.25), radius=1)
        for x0 in (12, 82):
            q.rect(x0, 40, x0 + 6, 60, shade(plate, 0.9), radius=2)


@family("yogamat")
def _yogamat(p, r, c, **_):
    base = _pick(c, r, [(120, 60, 148), (38, 128, 140), (228, 128, 168), (38, 78, 168), (236, 118, 30)])
    p.shadow(50, 74, 38, 2.4)
    p.rect(18, 42, 74, 72, base, radius=2)
    p.rect(18, 44, 74, 48, light(base, 0.25))
    p.rect(40, 41, 46, 73, (30, 30, 34))
    p.ellipse(66, 42, 82, 72, shade(base, 0.85))
    for k in range(4):
        inset = k * 1.8
        p.ellipse(67 + inset, 43.5 + inset * 1.8, 81 - inset, 70.5 - inset * 1.8, None,
                  outline=light(base, 0.3), width=0.4)


@family("guitar")
def _guitar(p, r, c, **style):
    wood = _pick(c, r, [(200, 140, 70), (160, 90, 40), (196, 40, 45), (34, 34, 38), (232, 190, 120)])
    p.shadow(50, 92, 20, 1.8)
    p.rect(47.5, 6, 52.5, 56, (80, 50, 30))
    for i in range(1, 10):
        p.line([(47.5, 6 + i * 4.5), (52.5, 6 + i * 4.5)], (200, 200, 200), 0.25)
    p.rect(45.5, 1, 54.5, 9, (60, 36, 22), radius=1.5)
    for y in (3, 6):
        p.circle(44.5, y, 1, METAL)
        p.circle(55.5, y, 1, METAL)
    p.circle(50, 74, 19, wood, outline=shade(wood, 0.6), width=0.6)
    p.circle(50, 52, 14, wood, outline=shade(wood, 0.6), width=0.6)
    p.rect(37, 52, 63, 72, wood)
    if style.get("electric"):
        p.rect(45, 60, 55, 63, (30, 30, 30))
        p.rect(45, 67, 55, 70, (30, 30, 30))
        p.circle(61, 80, 2, METAL)
    else:
        p.circle(50, 60, 5.4, (44, 28, 18))
        p.circle(50, 60, 6.4, None, outline=shade(wood, 0.7), width=0.6)
    p.rect(43, 78, 57, 81, (50, 32, 20), radius=0.6)
    for i in range(6):
        x = 48.2 + i * 0.72
        p.line([(x, 8), (x, 79)], (230, 230, 230), 0.12)


@family("keyboard")
def _keyboard(p, r, c, **_):
    body = _pick(c, r, [(34, 34, 38), (60, 60, 66), (240, 240, 236)])
    p.shadow(50, 72, 46, 2)
    p.rect(4, 42, 96, 70, body, radius=3)
    p.rect(8, 54, 92, 68, (252, 252, 250))
    whites = 28
    wkey = 84 / whites
    for i in range(1, whites):
        p.line([(8 + i * wkey, 54), (8 + i * wkey, 68)], (170, 170, 176), 0.25)
    for i in range(whites - 1):
        if i % 7 in (0, 1, 3, 4, 5):
            x = 8 + (i + 1) * wkey
            p.rect(x - wkey * 0.32, 54, x + wkey * 0.32, 63, (20, 20, 22))
    p.rect(40, 45, 56, 51, (40, 70, 80), radius=0.6)
    for i in range(6):
        p.circle(62 + i * 4, 48, 1, r.choice([(230, 80, 80), (80, 180, 230), (200, 200, 200)]))
    for x0 in (10, 86):
        for i in range(3):
            for j in range(3):
                p.circle(x0 + i * 2, 45 + j * 2.6, 0.55, shade(body, 0.5) if sum(body) > 300 else (90, 90, 96))


@family("djembe")
def _djembe(p, r, c, **_):
    wood = _pick(c, r, WOOD)
    p.shadow(50, 90, 18, 2)
    p.poly([(30, 20), (70, 20), (62, 48), (55, 58), (60, 88), (40, 88), (45, 58), (38, 48)], wood,
           outline=shade(wood, 0.6), width=0.5)
    band = r.choice([(196, 40, 45), (38, 128, 72), GOLD])
    p.rect(36, 40, 64, 43, band)
    p.rect(41, 80, 59, 83, band)
    for i in range(9):
        x_top = 31 + i * 4.75
        x_bottom = 46 + i * 1
        p.line([(x_top, 21), (x_bottom + (2 if i % 2 else -2), 57)], (238, 226, 200), 0.5)
    p.ellipse(29, 15, 71, 25, (234, 212, 170), outline=(160, 130, 90), width=0.6)


@family("balafon")
def _balafon(p, r, c, **_):
    wood = _pick(c, r, WOOD)
    p.shadow(50, 88, 42, 2)
    for x in (10, 86):
        p.line([(x, 40), (x + 2, 88)], shade(wood, 0.7), 1.4)
    for i in range(10):
        x = 14 + i * 7.2
        gourd = 9 - i * 0.45
        p.circle(x + 2.8, 62 + gourd * 0.6, gourd / 2 + 1.2, (150, 96, 44))
    p.rect(8, 38, 92, 41, shade(wood, 0.75))
    for i in range(10):
        x = 14 + i * 7.2
        p.rect(x, 30 + i * 0.7, x + 5.6, 50 - i * 0.7, light(wood, 0.1 * (i % 2)), radius=0.8,
               outline=shade(wood, 0.6), width=0.3)
    p.line([(60, 22), (78, 34)], (150, 110, 70), 0.8)
    p.circle(79, 35, 2, (40, 30, 24))


@family("awale")
def _awale(p, r, c, **_):
    wood = _pick(c, r, WOOD)
    p.shadow(50, 76, 44, 2.5)
    p.rect(6, 38, 94, 74, shade(wood, 0.7), radius=9)
    p.rect(6, 36, 94, 70, wood, radius=9)
    for row, y in enumerate((46, 60)):
        for i in range(6):
            x = 15 + i * 14
            p.ellipse(x - 5.5, y - 5, x + 5.5, y + 5, shade(wood, 0.55))
            for _ in range(r.randint(2, 5)):
                sx, sy = x + r.uniform(-2.8, 2.8), y + r.uniform(-2.4, 2.4)
                seed_colour = r.choice([(120, 110, 100), (90, 80, 70), (160, 150, 130)])
                p.ellipse(sx - 1.3, sy - 1, sx + 1.3, sy + 1, seed_colour)


@family("checkers")
def _checkers(p, r, c, **_):
    p.shadow(50, 82, 44, 2.5)
    n = 8
    tl, tr, br, bl = (20, 32), (80, 32), (92, 78), (8, 78)

    def at(u, v):
        left = (tl[0] + (bl[0] - tl[0]) * v, tl[1] + (bl[1] - tl[1]) * v)
        right = (tr[0] + (br[0] - tr[0]) * v, tr[1] + (br[1] - tr[1]) * v)
        return (left[0] + (right[0] - left[0]) * u, left[1] + (right[1] - left[1]) * u)

    p.poly([(bl[0], bl[1]), (br[0], br[1]), (br[0], br[1] + 3), (bl[0], bl[1] + 3)], (80, 50, 30))
    dark, pale = r.choice([((92, 58, 34), (230, 206, 160)), ((30, 30, 30), (236, 236, 230))])
    for i in range(n):
        for j in range(n):
            quad = [at(i / n, j / n), at((i + 1) / n, j / n), at((i + 1) / n, (j + 1) / n), at(i / n, (j + 1) / n)]
            p.poly(quad, dark if (i + j) % 2 else pale)
    for i in range(n):
        for j in list(range(3)) + list(range(5, 8)):
            if (i + j) % 2 and r.random() < 0.8:
                x, y = at((i + 0.5) / n, (j + 0.5) / n)
                piece = (250, 246, 236) if j < 3 else (180, 30, 30)
                p.ellipse(x - 2.6, y - 1.6, x + 2.6, y + 1.6, piece, outline=shade(piece, 0.6), width=0.3)


# --- books & culture ---------------------------------------------------------------------------

@family("book")
def _book(p, r, c, **style):
    if style.get("stack"):
        p.shadow(50, 84, 36, 2.5)
        y = 84
        for _ in range(r.randint(3, 5)):
            col = _pick(None, r, FABRIC)
            h, x0, w = r.uniform(7, 10), r.uniform(14, 24), r.uniform(56, 66)
            p.rect(x0, y - h, x0 + w, y, col, radius=1)
            p.rect(x0 + w - 4, y - h + 1.2, x0 + w, y - 1.2, (244, 238, 222))
            p.rect(x0 + 8, y - h * 0.62, x0 + 30, y - h * 0.38, light(col, 0.5))
            y -= h
        return
    cover = _pick(c, r, FABRIC)
    p.shadow(52, 89, 28, 2)
    p.rect(30, 15, 75, 89, (244, 238, 222), radius=1)
    for i in range(8):
        p.line([(71 + i * 0.45, 17), (71 + i * 0.45, 87)], (214, 206, 190), 0.2)
    p.rect(25, 11, 71, 86, cover, radius=1, outline=shade(cover, 0.7), width=0.4)
    p.rect(25, 11, 30, 86, shade(cover, 0.8))
    p.rect(35, 22, 65, 40, light(cover, 0.75), radius=1)
    for i in range(2):
        p.rect(38, 26 + i * 6, 62 - i * 8, 29 + i * 6, shade(cover, 0.7))
    art = r.choice(["circle", "mountain", "lines"])
    if art == "circle":
        p.circle(48, 58, 10, light(cover, 0.4))
    elif art == "mountain":
        p.poly([(34, 74), (46, 50), (54, 62), (60, 54), (66, 74)], light(cover, 0.4))
    else:
        for i in range(4):
            p.line([(36, 52 + i * 5), (64, 52 + i * 5)], light(cover, 0.4), 1)
    p.rect(38, 78, 58, 80.5, light(cover, 0.6))


@family("disc")
def _disc(p, r, c, **style):
    sleeve = _pick(c, r, FABRIC)
    p.shadow(50, 88, 40, 2)
    if style.get("cd"):
        for i in range(3):
            dx = i * 8
            p.rect(14 + dx, 24 - i * 4, 66 + dx, 76 - i * 4, (220, 226, 232), radius=1,
                   outline=(150, 156, 166), width=0.5)
            p.rect(17 + dx, 27 - i * 4, 63 + dx, 73 - i * 4, r.choice(FABRIC))
        p.circle(64, 62, 22, (206, 210, 220), outline=(150, 156, 166), width=0.4)
        p.arc(46, 44, 82, 80, 200, 290, (230, 180, 230), 2.4)
        p.arc(46, 44, 82, 80, 20, 110, (170, 230, 220), 2.4)
        p.circle(64, 62, 5, (240, 242, 246))
        p.circle(64, 62, 2, (180, 184, 190))
        return
    p.circle(62, 52, 31, (22, 22, 24))
    for rad in range(14, 31, 3):
        p.circle(62, 52, rad, None, outline=(48, 48, 52), width=0.25)
    p.circle(62, 52, 10, r.choice([(236, 188, 40), (196, 40, 45), (242, 242, 238)]))
    p.circle(62, 52, 1.2, (240, 240, 240))
    p.rect(10, 20, 60, 86, sleeve, outline=shade(sleeve, 0.7), width=0.4)
    p.circle(35, 46, 12, light(sleeve, 0.4))
    p.rect(16, 70, 48, 74, light(sleeve, 0.6))
    p.rect(16, 77, 38, 80, light(sleeve, 0.6))


# --- beauty ------------------------------------------------------------------------------------

@family("perfume")
def _perfume(p, r, c, **_):
    tint = _pick(c, r, [(230, 190, 120), (200, 140, 170), (150, 190, 220), (230, 220, 200), (60, 60, 70)])
    cap = r.choice([GOLD, (30, 30, 34), (210, 212, 218)])
    p.shadow(50, 88, 22, 2)
    if r.random() < 0.5:
        body = lambda q, f: q.rect(30, 40, 70, 88, f, radius=5)  # noqa: E731
    else:
        body = lambda q, f: q.ellipse(28, 38, 72, 88, f)  # noqa: E731
    body(p, light(tint, 0.55))
    p.masked(body, lambda q: q.rect(20, 50, 80, 90, tint))
    p.rect(34, 44, 37, 82, (255, 255, 255), radius=1)
    p.rect(40, 60, 60, 70, (250, 250, 246), radius=0.6)
    p.rect(43, 63.5, 57, 65.5, shade(tint, 0.5))
    p.rect(44, 31, 56, 41, (200, 200, 206))
    p.rect(38, 14, 62, 32, cap, radius=2, outline=shade(cap, 0.7), width=0.4)


@family("lotion")
def _lotion(p, r, c, **_):
    body = _pick(c, r, [(242, 242, 238), (38, 78, 168), (236, 188, 40), (228, 128, 168), (38, 128, 72)])
    p.shadow(50, 89, 18, 2)
    p.rect(47.5, 10, 52.5, 22, (240, 240, 240), outline=(180, 180, 186), width=0.3)
    p.rect(47.5, 9, 64, 13, (240, 240, 240), radius=1, outline=(180, 180, 186), width=0.3)
    p.rect(42, 20, 58, 30, r.choice([(240, 240, 240), (30, 30, 34), GOLD]), radius=1.5)
    p.rect(36, 28, 64, 89, body, radius=8, outline=shade(body, 0.75), width=0.5)
    p.rect(39, 48, 61, 74, (250, 250, 246) if sum(body) < 650 else (38, 78, 168), radius=2)
    p.rect(42, 54, 58, 57, shade(body, 0.7) if sum(body) < 650 else (250, 250, 246))
    p.rect(42, 61, 54, 63, (160, 160, 166))
    p.rect(39, 32, 42, 84, light(body, 0.35), radius=1.5)


@family("jar")
def _jar(p, r, c, **_):
    body = _pick(c, r, [(244, 232, 206), (242, 242, 238), (110, 72, 42), (38, 78, 168)])
    lid = r.choice([GOLD, (38, 128, 72), (196, 40, 45), (30, 30, 34), (242, 242, 238)])
    p.shadow(50, 86, 28, 2.2)
    p.rect(24, 44, 76, 86, body, radius=6, outline=shade(body, 0.72), width=0.5)
    p.rect(24, 56, 76, 74, light(lid, 0.6))
    p.circle(38, 65, 5, shade(lid, 0.9))
    p.rect(46, 62, 70, 64, shade(lid, 0.6))
    p.rect(46, 67, 62, 68.5, shade(lid, 0.6))
    p.rect(22, 34, 78, 46, lid, radius=3, outline=shade(lid, 0.7), width=0.4)
    for x in range(26, 76, 3):
        p.line([(x, 36), (x, 44)], shade(lid, 0.85), 0.3)


@family("lipstick")
def _lipstick(p, r, c, **_):
    colour = _pick(c, r, [(196, 24, 46), (150, 30, 60), (224, 96, 120), (180, 60, 40)])
    case = r.choice([GOLD, (30, 30, 34), (210, 212, 218)])
    p.shadow(50, 89, 26, 2)
    p.rect(60, 52, 76, 89, case, radius=1.5, outline=shade(case, 0.7), width=0.4)
    p.rect(63, 55, 66, 86, light(case, 0.35), radius=1)
    p.rect(30, 54, 50, 89, case, radius=1.5, outline=shade(case, 0.7), width=0.4)
    p.rect(32, 40, 48, 56, (210, 212, 218))
    p.poly([(33, 41), (47, 41), (47, 24), (33, 32)], colour)
    p.rect(30, 62, 50, 64, shade(case, 0.7))


@family("palette")
def _palette(p, r, c, **_):
    p.shadow(50, 80, 40, 2.5)
    p.rect(10, 24, 90, 78, (28, 28, 32), radius=5)
    tones = [(236, 200, 170), (200, 150, 110), (150, 96, 70), (96, 60, 44), (220, 170, 90), (230, 150, 160),
             (180, 80, 110), (120, 60, 90), (240, 220, 200), (200, 170, 60), (90, 100, 140), (60, 40, 36)]
    r.shuffle(tones)
    if c:
        tones[0] = c
    for row in range(3):
        for col in range(4):
            x, y = 15 + col * 18.5, 29 + row * 16
            p.rect(x, y, x + 15, y + 13, tones[row * 4 + col], radius=2)
            p.line([(x + 3, y + 3), (x + 7, y + 3)], light(tones[row * 4 + col], 0.4), 0.6)
    p.line([(30, 90), (66, 80)], (30, 30, 34), 1.8)
    p.poly([(66, 78), (74, 76), (76, 80), (67, 83)], (200, 160, 130))


@family("clipper")
def _clipper(p, r, c, **_):
    body = _pick(c, r, [(30, 30, 34), (196, 160, 70), (190, 192, 198), (170, 30, 40)])
    p.shadow(50, 91, 14, 1.8)
    p.rect(36, 12, 64, 26, (210, 212, 218), radius=2)
    for x in range(37, 64, 2):
        p.line([(x, 8), (x, 13)], (180, 182, 188), 0.7)
    p.rect(38, 24, 62, 91, body, radius=10, outline=shade(body, 0.7), width=0.5)
    p.rect(46, 38, 54, 52, shade(body, 0.6), radius=2)
    p.rect(47.5, 40, 52.5, 45, (220, 220, 224), radius=1)
    p.rect(41, 30, 44, 86, light(body, 0.25), radius=1.5)


@family("hairdryer")
def _hairdryer(p, r, c, **_):
    body = _pick(c, r, [(30, 30, 34), (228, 128, 168), (242, 242, 238), (118, 60, 148), (38, 78, 168)])
    p.shadow(50, 90, 26, 2)
    p.line([(50, 84), (54, 92), (70, 90), (86, 94)], (40, 40, 44), 0.8)
    p.poly([(40, 42), (56, 42), (58, 84), (44, 84)], body, outline=shade(body, 0.7), width=0.4)
    p.rect(47, 54, 53, 58, light(body, 0.45), radius=1)
    p.rect(47, 62, 53, 66, light(body, 0.45), radius=1)
    p.rect(68, 28, 86, 46, shade(body, 0.8), radius=2)
    p.rect(16, 24, 72, 50, body, radius=13, outline=shade(body, 0.7), width=0.4)
    p.circle(22, 37, 12, shade(body, 0.75))
    for rad in (9, 6, 3):
        p.circle(22, 37, rad, None, outline=shade(body, 0.5), width=0.5)
    p.rect(30, 28, 62, 31, light(body, 0.3), radius=1.5)


# --- rendering ---------------------------------------------------------------------------------

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


def render(family_name, seed, variant=0, colour=None, size=SIZE, quality=84, **style):
    """JPEG bytes of one picture. Same seed: same object; another variant: another framing."""
    draw_object = _FAMILIES[family_name]
    view = random.Random(seed * 31 + variant * 7 + 1)
    big = size * SUPERSAMPLE
    image = _backdrop(big, view)
    scale, dx, dy = _framing(variant, view)
    draw_object(_Pen(image, scale, dx, dy), random.Random(seed), colour, **style)
    image = image.reduce(SUPERSAMPLE)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=False)
    return out.getvalue()
