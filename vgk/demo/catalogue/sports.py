"""Demo listings for sports & leisure: football, fitness, musical instruments, board games.

Per leaf category: the drawing, popularity, typical items with their price range, selling points."""
from vgk.demo.catalogue.items import Leaf, item

LEAVES = {
    "football": Leaf("ball", 4, [
        item("Ballon Adidas officiel taille 5", 8_000, 25_000),
        item("Ballon de foot Nike Strike", 7_000, 18_000),
        item("Maillot du Coton Sport de Garoua taille {taille}", 6_000, 15_000, "shirt",
           pattern="jersey", collar=False),
        item("Crampons Nike Mercurial pointure {pointure}", 15_000, 40_000, "shoe"),
    ], [
        "Très bonne tenue, parfait pour les matchs du dimanche.",
        "Peu utilisé.",
        "Original, pas une copie.",
        "Idéal pour les équipes de quartier.",
    ]),
    "fitness": Leaf("dumbbell", 3, [
        item("Haltères réglables 2 x 10 kg", 20_000, 45_000),
        item("Paire d'haltères 5 kg", 10_000, 20_000),
        item("Tapis de yoga épais", 5_000, 12_000, "yogamat"),
        item("Tapis de sol pour abdos", 4_000, 9_000, "yogamat"),
    ], [
        "Parfait pour s'entraîner à la maison.",
        "Comme neuf, presque pas servi.",
        "Revêtement antidérapant.",
        "Bonne résolution abandonnée, à saisir !",
    ]),
    "instruments": Leaf("guitar", 4, [
        item("Guitare acoustique Yamaha", 40_000, 90_000),
        item("Guitare basse électrique", 60_000, 150_000, None, electric=True),
        item("Clavier Yamaha PSR-E373", 90_000, 150_000, "keyboard"),
        item("Djembé en bois sculpté", 15_000, 40_000, "djembe"),
        item("Balafon traditionnel", 25_000, 60_000, "balafon", "Fabriqué par un artisan de l'Ouest."),
    ], [
        "Son juste, accordé récemment.",
        "Idéal pour débuter ou pour l'église.",
        "Housse de transport offerte.",
        "Aucune fissure.",
    ]),
    "jeux-societe": Leaf("awale", 2, [
        item("Jeu de songo (awalé) en bois sculpté", 8_000, 25_000),
        item("Damier en bois avec pions", 5_000, 15_000, "checkers"),
        item("Jeu d'échecs en bois", 8_000, 20_000, "checkers"),
    ], [
        "Complet, aucune pièce manquante.",
        "Fabriqué à la main.",
        "Parfait pour les soirées en famille.",
    ]),
}
