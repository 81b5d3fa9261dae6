"""Demo drawings for vehicles: cars, motorbikes, bicycles, tyres, batteries."""
import math

from vgk.demo.images.motifs import wheel
from vgk.demo.images.palette import DARK, METAL, TYRE, VEHICLE, light, pick, shade
from vgk.demo.images.registry import family


@family("car")
def _car(p, r, c, **style):
    body = pick(c, r, VEHICLE)
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
        wheel(p, x, 72, 9, spokes=5)


@family("motorbike")
def _motorbike(p, r, c, **_):
    body = pick(c, r, VEHICLE)
    p.shadow(50, 85, 42, 2.5)
    for x in (24, 77):
        wheel(p, x, 72, 13, spokes=12, rim=(176, 178, 184))
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
    frame = pick(c, r, VEHICLE + [(236, 118, 30)])
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
    label = pick(c, r, [(30, 70, 160), (200, 40, 40), (38, 128, 72)])
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
