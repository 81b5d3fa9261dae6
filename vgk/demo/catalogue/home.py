"""Demo listings for home: furniture, appliances, kitchen, decoration, bedding.

Per leaf category: the drawing, popularity, typical items with their price range, selling points."""
from vgk.demo.catalogue.items import Leaf, item

LEAVES = {
    "meubles": Leaf("sofa", 8, [
        item("Canapé 3 places en cuir {c}", 120_000, 350_000),
        item("Salon complet 7 places en tissu {c}", 250_000, 600_000),
        item("Canapé d'angle {c}", 200_000, 450_000),
        item("Lot de 4 chaises en bois massif", 40_000, 90_000, "chair"),
        item("Chaise de bureau ergonomique", 25_000, 60_000, "chair", office=True),
        item("Table à manger 6 places en bois", 80_000, 200_000, "table"),
        item("Table basse en verre", 30_000, 70_000, "table", table="coffee"),
        item("Bureau d'étudiant avec tiroirs", 35_000, 70_000, "table", table="desk"),
        item("Armoire 3 portes avec miroir", 90_000, 180_000, "wardrobe"),
    ], [
        "Bois massif local, très solide.",
        "Aucune déchirure, aucune tache.",
        "Démontable pour le transport.",
        "Fabriqué par un menuisier du quartier, finitions soignées.",
        "Vendu pour cause de déménagement.",
        "Livraison possible en ville moyennant participation.",
    ]),
    "electromenager": Leaf("fridge", 8, [
        item("Réfrigérateur LG 2 portes", 150_000, 280_000),
        item("Réfrigérateur Samsung américain", 350_000, 550_000, None, fridge="american"),
        item("Réfrigérateur Roch 1 porte 120 L", 90_000, 140_000),
        item("Mini-frigo Nasco 90 L", 60_000, 95_000, None, fridge="small"),
        item("Machine à laver Samsung 7 kg", 150_000, 250_000, "washer"),
        item("Micro-ondes Midea 20 L", 30_000, 55_000, "microwave"),
        item("Ventilateur sur pied Binatone", 15_000, 30_000, "fan"),
        item("Ventilateur Roch 18 pouces", 18_000, 30_000, "fan"),
    ], [
        "Fonctionne parfaitement.",
        "Consomme peu, à brancher sur un stabilisateur.",
        "Aucune rouille, joints en bon état.",
        "Vendu avec son stabilisateur.",
        "Peut être testé sur place avant l'achat.",
        "Garantie encore valable six mois.",
    ]),
    "cuisine": Leaf("pot", 5, [
        item("Marmite en aluminium 20 litres", 12_000, 25_000),
        item("Lot de casseroles inox Tefal", 25_000, 60_000),
        item("Cocotte-minute SEB 8 L", 20_000, 40_000, None, pot="pressure"),
        item("Blender Moulinex 1,5 L", 15_000, 30_000, "blender"),
        item("Mixeur Kenwood multifonction", 25_000, 45_000, "blender"),
        item("Bouteille de gaz 12,5 kg pleine", 15_000, 22_000, "gas"),
        item("Service de table 24 pièces", 15_000, 35_000, "plate"),
    ], [
        "Très bonne qualité, rien ne colle.",
        "Utilisé quelques fois seulement.",
        "Idéal pour les grandes familles et les fêtes.",
        "Parfait pour le ndolè, le poulet DG et le koki.",
        "Facile à nettoyer.",
        "Encore dans son carton.",
    ], bulk=True),
    "decoration": Leaf("lamp", 4, [
        item("Lampe de chevet design", 8_000, 20_000),
        item("Lampadaire sur pied", 20_000, 45_000, None, lamp="floor"),
        item("Tableau d'un peintre camerounais", 25_000, 120_000, "painting",
           "Pièce unique, signée par l'artiste."),
        item("Vase en céramique avec fleurs artificielles", 7_000, 18_000, "vase"),
        item("Masque bamiléké décoratif en bois", 20_000, 80_000, "mask", "Sculpté à la main, pièce unique."),
    ], [
        "Donne du cachet à un salon.",
        "Très bon état, aucune fissure.",
        "Idéal comme cadeau.",
        "Je peux envoyer d'autres photos sur WhatsApp.",
    ]),
    "literie": Leaf("mattress", 4, [
        item("Matelas Mousse Confort 2 places 190x140", 45_000, 90_000, None, "Matelas ferme, ne s'affaisse pas."),
        item("Matelas orthopédique Vitafoam 160x200", 80_000, 160_000),
        item("Lit 2 places avec tête de lit", 90_000, 200_000, "bed"),
        item("Parure de draps en coton + 2 taies", 10_000, 25_000, "folded"),
        item("Lot de serviettes de bain", 6_000, 15_000, "folded"),
    ], [
        "Très propre, sans odeur.",
        "Vendu pour cause de départ.",
        "Toujours utilisé avec une alèse.",
        "Bien entretenu.",
    ]),
}
