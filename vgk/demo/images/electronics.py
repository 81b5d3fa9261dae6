"""Demo drawings for electronics: phones, televisions, laptops, speakers, headphones, game consoles."""
from vgk.demo.images.motifs import landscape, wallpaper
from vgk.demo.images.palette import DEVICE, METAL, light, pick, shade
from vgk.demo.images.registry import family

ICON_COLOURS = [(52, 199, 89), (0, 122, 255), (255, 149, 0), (255, 59, 48), (175, 82, 222),
                (255, 204, 0), (90, 200, 250), (240, 240, 240), (37, 211, 102)]


@family("phone")
def _phone(p, r, c, **_):
    body = pick(c, r, DEVICE)
    p.shadow(50, 89, 19, 2.2)
    p.rect(33, 8, 67, 90, body, radius=6, outline=shade(body, 0.7), width=0.6)
    p.rect(35.2, 10.6, 64.8, 87.4, (14, 14, 18), radius=4.4)
    screen = (36.4, 12, 63.6, 86)
    p.masked(lambda q, f: q.rect(*screen, f, radius=3.6), lambda q: wallpaper(q, r, *screen))
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
    p.masked(lambda q, f: q.rect(*screen, f), lambda q: landscape(q, r, *screen))
    p.circle(50, 65.1, 0.5, (200, 200, 200))


@family("laptop")
def _laptop(p, r, c, **_):
    body = pick(c, r, [(190, 192, 198), (54, 56, 62), (28, 28, 32), (212, 208, 200)])
    p.shadow(50, 72, 44, 2)
    p.rect(20, 16, 80, 60, shade(body, 0.85), radius=2)
    p.rect(21.5, 17.5, 78.5, 59, (16, 16, 20), radius=1.4)
    screen = (23, 19.5, 77, 57.5)
    p.masked(lambda q, f: q.rect(*screen, f), lambda q: wallpaper(q, r, *screen))
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
    body = pick(c, r, [(30, 30, 34), (40, 60, 110), (150, 30, 40), (70, 70, 76), (20, 90, 80)])
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
    body = pick(c, r, [(30, 30, 34), (220, 220, 224), (40, 60, 110), (200, 170, 140), (180, 30, 50)])
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
    body = pick(c, r, [(30, 30, 34), (236, 236, 238), (40, 60, 140), (150, 30, 40)])
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
