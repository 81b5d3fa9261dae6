"""The demo pictures' colours: named colours a title may carry, backdrops, materials, and the
small helpers that shade, lighten and mix them."""

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


def shade(colour, factor):
    return tuple(max(0, min(255, int(v * factor))) for v in colour)


def light(colour, amount):
    return mix(colour, (255, 255, 255), amount)


def mix(a, b, t):
    return tuple(int(a[i] * (1 - t) + b[i] * t) for i in range(3))


def pick(colour, rng, options):
    return colour if colour is not None else rng.choice(options)
