"""Demo drawings for fashion: clothes on hangers, shoes, bags, glasses, watches, beads."""
import math

from vgk.demo.images.motifs import fabric
from vgk.demo.images.palette import DARK, FABRIC, GOLD, METAL, PASTEL, light, pick, shade
from vgk.demo.images.registry import family


def _hanger(p):
    p.arc(47, 4, 55, 12, 180, 90, (150, 152, 158), 0.8)
    p.line([(34, 17), (50, 11), (66, 17)], (150, 152, 158), 1)


@family("dress")
def _dress(p, r, c, **style):
    base = pick(c, r, FABRIC)
    kind = style.get("pattern") or r.choice(["plain", "wax", "dots", "flowers"])
    _hanger(p)
    outline = [(39, 14), (43, 14), (46, 22), (50, 25), (54, 22), (57, 14), (61, 14), (62, 28), (59, 42),
               (76, 88), (24, 88), (41, 42), (38, 28)]
    p.poly(outline, base)
    if kind != "plain":
        p.masked(lambda q, f: q.poly(outline, f), lambda q: fabric(q, r, kind, base, 20, 12, 80, 90))
    p.line([(41, 42), (59, 42)], shade(base, 0.7), 1)
    p.line([(50, 46), (46, 86)], shade(base, 0.85), 0.4)
    p.line([(54, 46), (60, 86)], shade(base, 0.85), 0.4)


@family("shirt")
def _shirt(p, r, c, **style):
    base = pick(c, r, FABRIC)
    kind = style.get("pattern") or r.choice(["plain", "plain", "stripes", "check"])
    _hanger(p)
    outline = [(38, 16), (26, 20), (12, 36), (19, 44), (28, 38), (28, 88), (72, 88), (72, 38), (81, 44),
               (88, 36), (74, 20), (62, 16), (56, 20), (50, 22), (44, 20)]
    p.poly(outline, base)
    if kind != "plain":
        p.masked(lambda q, f: q.poly(outline, f), lambda q: fabric(q, r, kind, base, 10, 14, 90, 90))
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
    base = pick(c, r, [(46, 72, 120), (30, 48, 86), (34, 34, 38), (196, 180, 140), (90, 110, 150)])
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
    base = pick(c, r, PASTEL)
    outline = [(44, 18), (34, 20), (22, 30), (28, 38), (34, 34), (34, 64), (36, 86), (47, 86), (50, 74),
               (53, 86), (64, 86), (66, 64), (66, 34), (72, 38), (78, 30), (66, 20), (56, 18), (50, 22)]
    p.shadow(50, 90, 20, 1.5)
    p.poly(outline, base)
    p.masked(lambda q, f: q.poly(outline, f), lambda q: fabric(q, r, "dots", base, 20, 16, 80, 88))
    p.arc(44, 13, 56, 25, 20, 160, shade(base, 0.75), 0.8)
    for x in (44, 50, 56):
        p.circle(x, 77, 0.8, (250, 250, 250))
    p.circle(43, 50, 4, light(base, 0.5))
    p.circle(43, 50, 2, shade(base, 0.7))


@family("shoe")
def _shoe(p, r, c, **style):
    base = pick(c, r, [(242, 242, 238), (34, 34, 38), (196, 40, 45), (38, 78, 168), (110, 72, 42)])
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
    base = pick(c, r, [(196, 40, 45), (34, 34, 38), (228, 128, 168), GOLD, (214, 194, 158)])
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
    strap = pick(c, r, [(34, 34, 38), (38, 78, 168), (242, 242, 238), (196, 40, 45)])
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
    base = pick(c, r, [(110, 72, 42), (34, 34, 38), (196, 40, 45), (214, 194, 158), (228, 128, 168)])
    p.shadow(50, 86, 34, 2)
    p.arc(32, 16, 68, 60, 180, 360, shade(base, 0.75), 2.4)
    p.poly([(22, 40), (78, 40), (84, 86), (16, 86)], base, outline=shade(base, 0.7), width=0.5)
    p.poly([(22, 40), (78, 40), (75, 60), (25, 60)], shade(base, 0.9))
    p.rect(46, 55, 54, 62, GOLD, radius=1)
    p.line([(20, 72), (80, 72)], shade(base, 0.8), 0.4)


@family("backpack")
def _backpack(p, r, c, **_):
    base = pick(c, r, FABRIC)
    p.shadow(50, 89, 26, 2)
    p.arc(42, 12, 58, 26, 180, 360, DARK, 1.6)
    p.rect(26, 20, 74, 88, base, radius=14, outline=shade(base, 0.7), width=0.5)
    p.arc(28, 22, 72, 60, 190, 350, shade(base, 0.6), 0.6)
    p.rect(33, 58, 67, 84, shade(base, 0.88), radius=6)
    p.line([(36, 64), (64, 64)], DARK, 0.6)
    p.rect(47, 62, 51, 67, METAL, radius=0.8)


@family("glasses")
def _glasses(p, r, c, **_):
    frame = pick(c, r, [(34, 34, 38), GOLD, (110, 72, 42)])
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
    strap = pick(c, r, [(34, 34, 38), (110, 72, 42), (190, 192, 198), GOLD])
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
