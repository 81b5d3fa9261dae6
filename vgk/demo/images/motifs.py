"""Motifs shared by several drawings: a landscape (screens, paintings), cloth patterns, a wallpaper,
a spoked wheel."""
import math

from vgk.demo.images.palette import FABRIC, GOLD, METAL, TYRE, light, shade


def landscape(p, rng, x0, y0, x1, y1):
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


def _wax(p, base, accent, third, x0, y0, x1, y1):
    step = 11
    for row, y in enumerate(range(int(y0) - step, int(y1) + step, step)):
        for x in range(int(x0) - step, int(x1) + step, step):
            cx = x + (step / 2 if row % 2 else 0)
            p.circle(cx, y, 4.6, accent)
            p.circle(cx, y, 3.0, third)
            p.circle(cx, y, 1.5, base)
        p.line([(x0, y + step / 2), (x1, y + step / 2)], shade(accent, 0.8), 0.7)


def _stripes(p, base, accent, third, x0, y0, x1, y1):
    for x in range(int(x0), int(x1) + 6, 6):
        p.line([(x, y0), (x, y1)], accent, 1.6)


def _dots(p, base, accent, third, x0, y0, x1, y1):
    for row, y in enumerate(range(int(y0), int(y1) + 7, 7)):
        for x in range(int(x0), int(x1) + 7, 7):
            p.circle(x + (3.5 if row % 2 else 0), y, 1.3, third)


def _check(p, base, accent, third, x0, y0, x1, y1):
    for x in range(int(x0), int(x1) + 8, 8):
        p.line([(x, y0), (x, y1)], shade(base, 0.75), 2.2)
    for y in range(int(y0), int(y1) + 8, 8):
        p.line([(x0, y), (x1, y)], light(base, 0.3), 1.4)


def _flowers(p, base, accent, third, x0, y0, x1, y1):
    for row, y in enumerate(range(int(y0), int(y1) + 12, 12)):
        for x in range(int(x0), int(x1) + 12, 12):
            cx = x + (6 if row % 2 else 0)
            for a in range(5):
                t = a * 2 * math.pi / 5
                p.circle(cx + 2.2 * math.cos(t), y + 2.2 * math.sin(t), 1.6, accent)
            p.circle(cx, y, 1.1, (250, 220, 80))


def _jersey(p, base, accent, third, x0, y0, x1, y1):
    """Green, red, yellow: the Lions' colours."""
    p.rect(x0, y0, x1, y1, (22, 128, 66))
    p.rect(x0, y0 + (y1 - y0) * 0.38, x1, y0 + (y1 - y0) * 0.46, (206, 32, 40))
    p.rect(x0, y0 + (y1 - y0) * 0.46, x1, y0 + (y1 - y0) * 0.52, (244, 204, 40))


PATTERNS = {"wax": _wax, "stripes": _stripes, "dots": _dots, "check": _check, "flowers": _flowers, "jersey": _jersey}


def fabric(p, rng, kind, base, x0, y0, x1, y1):
    """Cloth patterns: wax prints, stripes, dots, checks, flowers, a football jersey."""
    accent = rng.choice([c for c in FABRIC if c != base])
    third = rng.choice([(250, 250, 245), GOLD, (34, 34, 38), (236, 188, 40)])
    pattern = PATTERNS.get(kind)
    if pattern is not None:
        pattern(p, base, accent, third, x0, y0, x1, y1)


def wallpaper(p, rng, x0, y0, x1, y1):
    a, b = rng.sample([(70, 90, 200), (220, 80, 120), (40, 160, 170), (240, 150, 60), (120, 70, 190)], 2)
    p.rect(x0, y0, x1, y1, a)
    p.circle(x1, y1, (x1 - x0) * 0.8, b)
    p.circle(x0, y0, (x1 - x0) * 0.45, light(a, 0.35))


def wheel(p, x, y, rad, spokes=8, rim=METAL):
    p.circle(x, y, rad, TYRE)
    p.circle(x, y, rad * 0.72, rim)
    p.circle(x, y, rad * 0.6, (70, 72, 78))
    for i in range(spokes):
        a = i * 2 * math.pi / spokes
        p.line([(x, y), (x + rad * 0.6 * math.cos(a), y + rad * 0.6 * math.sin(a))], rim, max(0.3, rad * 0.05))
    p.circle(x, y, rad * 0.18, rim)
