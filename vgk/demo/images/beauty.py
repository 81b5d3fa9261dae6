"""Demo drawings for beauty: perfumes, lotions, jars, lipsticks, palettes, clippers, hair dryers."""
from vgk.demo.images.palette import GOLD, light, pick, shade
from vgk.demo.images.registry import family


@family("perfume")
def _perfume(p, r, c, **_):
    tint = pick(c, r, [(230, 190, 120), (200, 140, 170), (150, 190, 220), (230, 220, 200), (60, 60, 70)])
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
    body = pick(c, r, [(242, 242, 238), (38, 78, 168), (236, 188, 40), (228, 128, 168), (38, 128, 72)])
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
    body = pick(c, r, [(244, 232, 206), (242, 242, 238), (110, 72, 42), (38, 78, 168)])
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
    colour = pick(c, r, [(196, 24, 46), (150, 30, 60), (224, 96, 120), (180, 60, 40)])
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
    body = pick(c, r, [(30, 30, 34), (196, 160, 70), (190, 192, 198), (170, 30, 40)])
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
    body = pick(c, r, [(30, 30, 34), (228, 128, 168), (242, 242, 238), (118, 60, 148), (38, 78, 168)])
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
