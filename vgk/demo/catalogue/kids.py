"""Demo listings for baby & kids: strollers, toys, children's clothes, childcare.

Per leaf category: the drawing, popularity, typical items with their price range, selling points."""
from vgk.demo.catalogue.items import Leaf, item

LEAVES = {
    "poussettes": Leaf("stroller", 3, [
        item("Poussette Chicco pliable", 35_000, 80_000),
        item("Poussette canne légère", 15_000, 30_000),
        item("Landau Bébé Confort", 40_000, 90_000),
    ], [
        "Se plie en un geste.",
        "Housse lavée, très propre.",
        "Roues et freins en parfait état.",
        "Bébé a grandi, elle ne sert plus.",
    ]),
    "jouets": Leaf("teddy", 4, [
        item("Ours en peluche géant", 8_000, 25_000),
        item("Voiture télécommandée", 10_000, 30_000, "car", car="small"),
        item("Boîte de Lego Classic", 10_000, 30_000, "blocks"),
        item("Vélo enfant 16 pouces avec roulettes", 25_000, 50_000, "bicycle", training=True),
        item("Ballon de foot enfant", 2_000, 5_000, "ball"),
    ], [
        "Complet, aucune pièce manquante.",
        "Propre et en très bon état.",
        "Les enfants ont grandi.",
        "Idéal pour un anniversaire.",
    ]),
    "vetements-enfants": Leaf("onesie", 4, [
        item("Lot de 10 bodies bébé 0-6 mois", 6_000, 15_000),
        item("Robe fillette en pagne 4 ans", 3_000, 8_000, "dress", pattern="wax"),
        item("Uniforme scolaire taille 8 ans", 3_000, 7_000, "shirt", pattern="plain"),
        item("Ensemble garçon jean + t-shirt 6 ans", 4_000, 9_000, "shirt"),
        item("Chaussures enfant pointure 28", 3_000, 10_000, "shoe"),
    ], [
        "Très peu portés, comme neufs.",
        "Lavés et repassés.",
        "Tissu doux, adapté aux peaux sensibles.",
        "Les enfants grandissent trop vite !",
    ], bulk=True),
    "puericulture": Leaf("baby_bottle", 3, [
        item("Lit bébé en bois avec matelas", 35_000, 80_000, "crib"),
        item("Chaise haute évolutive", 20_000, 45_000, "chair"),
        item("Lot de biberons Philips Avent", 5_000, 12_000),
        item("Stérilisateur électrique Philips Avent", 15_000, 30_000),
    ], [
        "Stérilisé et très propre.",
        "Servi pour un seul enfant.",
        "Conforme aux normes européennes.",
        "Notice fournie.",
    ]),
}
