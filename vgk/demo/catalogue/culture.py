"""Demo listings for books & culture: school books, novels, comics and manga, music and films.

Per leaf category: the drawing, popularity, typical items with their price range, selling points."""
from vgk.demo.catalogue.items import Leaf, item

LEAVES = {
    "livres-scolaires": Leaf("book", 5, [
        item("Lot de livres de Terminale C", 15_000, 35_000, None, stack=True),
        item("Manuel de mathématiques 3e", 3_500, 7_000),
        item("Dictionnaire Larousse illustré", 8_000, 18_000),
        item("Livres de CM2 programme officiel", 8_000, 15_000, None, stack=True),
        item("Annales du BEPC corrigées", 2_000, 5_000),
        item("Cahier d'activités d'anglais Form 2", 2_000, 4_000),
    ], [
        "Programme officiel en vigueur.",
        "Quelques annotations au crayon.",
        "Couvertures protégées.",
        "Aucune page déchirée.",
    ], bulk=True),
    "romans": Leaf("book", 4, [
        item("Une vie de boy – Ferdinand Oyono", 2_000, 5_000),
        item("Le vieux nègre et la médaille – Ferdinand Oyono", 2_000, 5_000),
        item("Ville cruelle – Eza Boto (Mongo Beti)", 2_000, 5_000),
        item("Le Pauvre Christ de Bomba – Mongo Beti", 2_500, 6_000),
        item("Les Impatientes – Djaïli Amadou Amal", 5_000, 10_000),
        item("L'Enfant noir – Camara Laye", 2_000, 4_500),
        item("Americanah – Chimamanda Ngozi Adichie", 4_000, 9_000),
    ], [
        "Lu une seule fois.",
        "Édition de poche.",
        "Aucune page cornée.",
        "Au programme de plusieurs lycées.",
    ], bulk=True),
    "bd-mangas": Leaf("book", 3, [
        item("One Piece tomes 1 à 10", 15_000, 30_000, None, stack=True),
        item("Naruto tomes 1 à 5", 8_000, 15_000, None, stack=True),
        item("Astérix – lot de 6 albums", 10_000, 20_000, None, stack=True),
        item("Aya de Yopougon tome 1", 4_000, 8_000),
        item("Tintin – Objectif Lune", 3_000, 6_000),
    ], [
        "Version française.",
        "Très bon état, conservés à l'abri de la lumière.",
        "Parfait pour compléter une collection.",
    ]),
    "musique-films": Leaf("disc", 3, [
        item("Vinyles de makossa des années 80", 5_000, 15_000),
        item("Disque vinyle Manu Dibango – Soul Makossa", 10_000, 25_000),
        item("Collection de CD de bikutsi", 5_000, 12_000, None, cd=True),
        item("Lot de DVD de films nollywood", 3_000, 8_000, None, cd=True),
    ], [
        "Aucune rayure, lecture parfaite.",
        "Pochettes d'origine.",
        "Pour les nostalgiques de la belle époque.",
    ]),
}
