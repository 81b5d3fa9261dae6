"""Demo drawings for the home: furniture, appliances, kitchenware, decoration, bedding."""
import math

from vgk.demo.images.motifs import fabric, landscape
from vgk.demo.images.palette import APPLIANCE, DARK, FABRIC, GOLD, METAL, PASTEL, WOOD, light, pick, shade
from vgk.demo.images.registry import family


@family("sofa")
def _sofa(p, r, c, **_):
    body = pick(c, r, [(110, 72, 42), (34, 34, 38), (140, 140, 146), (38, 78, 168), (196, 170, 130),
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
    body = pick(c, r, WOOD)
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
    body = pick(c, r, WOOD)
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
    body = pick(c, r, WOOD)
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
    body = pick(c, r, APPLIANCE)
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
    body = pick(c, r, APPLIANCE[:2])
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
    body = pick(c, r, APPLIANCE)
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
    body = pick(c, r, [(240, 240, 238), (30, 30, 34), (70, 120, 200), (190, 192, 198)])
    blade = pick(None, r, [(140, 190, 230), (240, 240, 240), (60, 60, 66), (120, 200, 190)])
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
    body = pick(c, r, [(196, 198, 204), (196, 40, 45), (38, 78, 168), (34, 34, 38), (236, 118, 30)])
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
    body = pick(c, r, [(240, 240, 238), (34, 34, 38), (196, 40, 45), (190, 192, 198)])
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
    body = pick(c, r, [(38, 78, 168), (196, 40, 45), (38, 128, 72), (236, 188, 40), (240, 240, 238)])
    p.shadow(50, 89, 18, 2.2)
    p.rect(40, 16, 60, 30, (170, 172, 178), radius=3)
    p.rect(46, 10, 54, 18, (196, 160, 70), radius=1.5)
    p.rect(33, 28, 67, 89, body, radius=12, outline=shade(body, 0.7), width=0.5)
    p.rect(33, 56, 67, 61, (245, 245, 245))
    p.rect(37, 34, 41, 80, light(body, 0.3), radius=2)


@family("plate")
def _plate(p, r, c, **_):
    rim = pick(c, r, [(38, 78, 168), GOLD, (196, 40, 45), (38, 128, 72)])
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
    shade_colour = pick(c, r, [(244, 232, 206), (196, 40, 45), (38, 78, 168), (236, 188, 40), (242, 242, 238)])
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
    frame = pick(c, r, [GOLD, (92, 60, 36), (34, 34, 38), (240, 240, 238)])
    p.shadow(50, 84, 36, 2)
    p.rect(14, 12, 86, 80, frame, outline=shade(frame, 0.7), width=0.6)
    p.rect(17, 15, 83, 77, shade(frame, 0.82))
    canvas = (19, 17, 81, 75)
    if r.random() < 0.5:
        p.masked(lambda q, f: q.rect(*canvas, f), lambda q: landscape(q, r, *canvas))
    else:
        p.rect(*canvas, r.choice([(236, 200, 120), (214, 90, 60), (60, 90, 140)]))
        for _ in range(7):
            x, y = r.uniform(24, 76), r.uniform(22, 70)
            p.ellipse(x - 4, y - 10, x + 4, y + 6, r.choice(FABRIC))
            p.circle(x, y - 12, 3, (70, 40, 30))


@family("vase")
def _vase(p, r, c, **_):
    body = pick(c, r, [(38, 78, 168), (196, 110, 60), (240, 240, 236), (38, 128, 72), (34, 34, 38)])
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
    wood = pick(c, r, [(92, 58, 34), (120, 76, 44), (60, 40, 28)])
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
    trim = pick(c, r, [(38, 78, 168), (196, 40, 45), (110, 110, 116), (38, 128, 72)])
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
    cover = pick(c, r, FABRIC)
    wood = r.choice(WOOD)
    p.shadow(50, 86, 44, 2.5)
    p.rect(8, 30, 18, 86, wood, radius=2)
    p.rect(86, 50, 92, 86, wood, radius=1.5)
    p.rect(16, 64, 88, 74, shade(wood, 0.85))
    p.rect(18, 54, 88, 65, (246, 246, 242), radius=2)
    p.ellipse(18, 44, 38, 57, (250, 250, 250), outline=(210, 210, 206), width=0.4)
    p.masked(lambda q, f: q.rect(32, 50, 88, 68, f, radius=3),
             lambda q: (q.rect(30, 48, 90, 70, cover), fabric(q, r, r.choice(["stripes", "dots", "flowers"]),
                                                                cover, 30, 48, 90, 70)))
    for x in (20, 84):
        p.rect(x, 74, x + 3, 86, shade(wood, 0.7))


@family("folded")
def _folded(p, r, c, **_):
    p.shadow(50, 84, 32, 2.5)
    y = 84
    for _ in range(4):
        col = pick(c, r, FABRIC + PASTEL) if c is None else light(c, r.uniform(0, 0.4))
        h = r.uniform(8, 11)
        p.rect(20, y - h, 80, y, col, radius=h / 2.2, outline=shade(col, 0.8), width=0.4)
        p.line([(24, y - h * 0.5), (70, y - h * 0.5)], shade(col, 0.85), 0.4)
        y -= h
