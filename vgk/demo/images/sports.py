"""Demo drawings for sports & leisure: balls, fitness gear, musical instruments, board games."""
import math

from vgk.demo.images.palette import GOLD, METAL, WOOD, light, pick, shade
from vgk.demo.images.registry import family


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
    plate = pick(c, r, [(34, 34, 38), (196, 40, 45), (38, 78, 168), (60, 60, 66)])
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
    base = pick(c, r, [(120, 60, 148), (38, 128, 140), (228, 128, 168), (38, 78, 168), (236, 118, 30)])
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
    wood = pick(c, r, [(200, 140, 70), (160, 90, 40), (196, 40, 45), (34, 34, 38), (232, 190, 120)])
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
    body = pick(c, r, [(34, 34, 38), (60, 60, 66), (240, 240, 236)])
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
    wood = pick(c, r, WOOD)
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
    wood = pick(c, r, WOOD)
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
    wood = pick(c, r, WOOD)
    p.shadow(50, 76, 44, 2.5)
    p.rect(6, 38, 94, 74, shade(wood, 0.7), radius=9)
    p.rect(6, 36, 94, 70, wood, radius=9)
    for y in (46, 60):
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
