"""Demo drawings for books & culture: books, records and discs."""
from vgk.demo.images.palette import FABRIC, light, pick, shade
from vgk.demo.images.registry import family


@family("book")
def _book(p, r, c, **style):
    if style.get("stack"):
        p.shadow(50, 84, 36, 2.5)
        y = 84
        for _ in range(r.randint(3, 5)):
            col = pick(None, r, FABRIC)
            h, x0, w = r.uniform(7, 10), r.uniform(14, 24), r.uniform(56, 66)
            p.rect(x0, y - h, x0 + w, y, col, radius=1)
            p.rect(x0 + w - 4, y - h + 1.2, x0 + w, y - 1.2, (244, 238, 222))
            p.rect(x0 + 8, y - h * 0.62, x0 + 30, y - h * 0.38, light(col, 0.5))
            y -= h
        return
    cover = pick(c, r, FABRIC)
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
    sleeve = pick(c, r, FABRIC)
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
