"""Demo drawings for baby & kids: strollers, teddy bears, blocks, cribs, baby bottles."""
import math

from vgk.demo.images.motifs import wheel
from vgk.demo.images.palette import DARK, FABRIC, GOLD, PASTEL, WOOD, light, pick, shade
from vgk.demo.images.registry import family


@family("stroller")
def _stroller(p, r, c, **_):
    base = pick(c, r, FABRIC + PASTEL)
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
    wheel(p, 30, 86, 6)
    wheel(p, 70, 86, 6)


@family("teddy")
def _teddy(p, r, c, **_):
    fur = pick(c, r, [(160, 110, 70), (214, 180, 130), (230, 160, 180), (242, 236, 226), (130, 90, 60)])
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
        col = pick(c, r, [(220, 40, 40), (30, 90, 200), (250, 200, 30), (40, 160, 70), (242, 242, 238)])
        w = studs * 8
        for i in range(studs):
            p.rect(x + 1.5 + i * 8, y - 3, x + 6.5 + i * 8, y, shade(col, 0.9), radius=0.6)
        p.rect(x, y, x + w, y + 14, col, radius=1, outline=shade(col, 0.7), width=0.4)


@family("crib")
def _crib(p, r, c, **_):
    wood = pick(c, r, WOOD + [(242, 242, 238)])
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
    ring = pick(c, r, PASTEL)
    p.shadow(50, 89, 14, 2)
    p.rect(38, 34, 62, 88, (232, 238, 244), radius=6, outline=(190, 198, 208), width=0.5)
    p.rect(39.5, 52, 60.5, 86.5, (250, 246, 232), radius=4.5)
    for i in range(6):
        y = 44 + i * 7
        p.line([(40, y), (44 if i % 2 else 46, y)], (150, 160, 180), 0.5)
    p.rect(36, 27, 64, 37, ring, radius=2, outline=shade(ring, 0.8), width=0.3)
    p.rect(45, 19, 55, 28, (226, 196, 150), radius=1)
    p.ellipse(44, 9, 56, 24, (232, 204, 160))
