"""Demo listings for vehicles: cars, motorbikes, car parts, bicycles.

Per leaf category: the drawing, popularity, typical items with their price range, selling points."""
from vgk.demo.catalogue.items import Leaf, item

LEAVES = {
    "voitures": Leaf("car", 5, [
        item("Toyota Corolla 2008 automatique", 3_500_000, 5_500_000),
        item("Toyota RAV4 2010", 6_000_000, 8_500_000, None, car="suv"),
        item("Toyota Yaris 2012", 3_000_000, 4_500_000, None, car="small"),
        item("Hyundai Accent 2014", 3_500_000, 5_000_000),
        item("Mercedes Classe C 2009", 5_000_000, 7_500_000),
        item("Toyota Land Cruiser Prado 2011", 12_000_000, 18_000_000, None, car="suv"),
        item("Nissan Sunny 2006", 2_000_000, 3_200_000),
        item("Suzuki Alto 2015", 2_500_000, 3_500_000, None, car="small"),
    ], [
        "Dédouanée, carte grise et vignette à jour.",
        "Climatisation fonctionnelle.",
        "Moteur et boîte impeccables, aucun bruit.",
        "Pneus neufs, vidange récente.",
        "Kilométrage réel : {km} km.",
        "Papiers en règle, mutation immédiate.",
        "Essai possible sur rendez-vous.",
    ]),
    "motos": Leaf("motorbike", 6, [
        item("Moto Nanfang 125", 350_000, 550_000),
        item("Moto Honda CG 125", 450_000, 700_000),
        item("Moto Yamaha Crux 110", 400_000, 600_000),
        item("Moto Haojue 150", 500_000, 800_000),
        item("Moto Sanya 125", 450_000, 750_000),
        item("Moto Suzuki AX 100", 380_000, 550_000),
        item("Moto Lifan 150 carénée", 600_000, 900_000),
    ], [
        "Carte grise et assurance à jour.",
        "Moteur propre, démarre au premier coup.",
        "Idéale pour le travail ou le benskin.",
        "Pneus en bon état.",
        "Jamais accidentée.",
        "Kilométrage réel : {km} km.",
    ]),
    "pieces-auto": Leaf("tire", 4, [
        item("Pneus Michelin 205/55 R16 (lot de 2)", 60_000, 110_000, None, pair=True),
        item("Jante alu 16 pouces Toyota", 30_000, 60_000),
        item("Pneu moto 2.75-18", 10_000, 18_000),
        item("Batterie Varta 70 Ah", 40_000, 65_000, "battery"),
        item("Batterie moto 12 V", 8_000, 15_000, "battery"),
    ], [
        "Pièce d'origine, pas une copie.",
        "Montage possible chez mon mécanicien.",
        "Peu roulé, encore beaucoup de gomme.",
        "Testée devant vous avant l'achat.",
    ]),
    "velos": Leaf("bicycle", 3, [
        item("VTT Rockrider 26 pouces", 60_000, 120_000),
        item("Vélo de ville avec panier", 40_000, 80_000, None, basket=True),
        item("Vélo de course Btwin", 80_000, 150_000),
        item("BMX freestyle", 35_000, 70_000),
    ], [
        "Freins et vitesses bien réglés.",
        "Chaîne graissée, pneus gonflés.",
        "Cadre sans fissure ni rouille.",
        "Idéal pour les trajets courts.",
    ]),
}
