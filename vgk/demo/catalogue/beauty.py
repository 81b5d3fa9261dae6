"""Demo listings for beauty & health: perfumes, body care, make-up, hair care.

Per leaf category: the drawing, popularity, typical items with their price range, selling points."""
from vgk.demo.catalogue.items import Leaf, item

LEAVES = {
    "parfums": Leaf("perfume", 5, [
        item("Parfum Dior Sauvage 100 ml", 35_000, 70_000),
        item("Chanel N°5 eau de parfum 50 ml", 40_000, 80_000),
        item("Parfum Lattafa Oud 100 ml", 10_000, 20_000),
        item("Hugo Boss Bottled 100 ml", 25_000, 50_000),
        item("Eau de toilette Lacoste L.12.12", 20_000, 40_000),
        item("Coffret parfum femme Yves Saint Laurent", 35_000, 65_000),
    ], [
        "Original, acheté en parfumerie.",
        "Flacon presque plein.",
        "Sous blister, jamais ouvert.",
        "Tenue toute la journée.",
    ], bulk=True),
    "soins": Leaf("lotion", 4, [
        item("Lait de corps Nivea 400 ml (lot de 3)", 5_000, 10_000),
        item("Beurre de karité pur du Nord", 2_000, 6_000, "jar", "Karité artisanal, récolté près de Garoua."),
        item("Huile de coco vierge 500 ml", 3_000, 6_000),
        item("Crème hydratante Cetaphil", 6_000, 12_000, "jar"),
        item("Gel douche Dove (lot de 2)", 2_000, 4_000),
    ], [
        "Produit neuf, date de péremption lointaine.",
        "Convient aux peaux sèches.",
        "Sans paraben.",
    ], bulk=True),
    "maquillage": Leaf("lipstick", 3, [
        item("Rouge à lèvres MAC Ruby Woo", 8_000, 15_000),
        item("Palette Huda Beauty", 20_000, 40_000, "palette"),
        item("Kit maquillage complet avec pinceaux", 15_000, 35_000, "palette"),
        item("Fond de teint Fenty Beauty", 15_000, 25_000, "lotion"),
    ], [
        "Original, acheté en boutique.",
        "Jamais utilisé, teinte qui ne me va pas.",
        "Convient aux peaux foncées.",
    ], bulk=True),
    "coiffure": Leaf("clipper", 3, [
        item("Tondeuse Wahl Magic Clip", 25_000, 45_000),
        item("Tondeuse Philips Series 3000", 15_000, 25_000),
        item("Sèche-cheveux Babyliss 2000 W", 12_000, 25_000, "hairdryer"),
        item("Défrisant Dark and Lovely (lot de 3)", 3_000, 6_000, "jar"),
    ], [
        "Idéal pour les salons de coiffure.",
        "Lames bien aiguisées.",
        "Fonctionne parfaitement.",
        "Vendu avec ses accessoires.",
    ]),
}
