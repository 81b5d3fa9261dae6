"""Demo listings for fashion: women's and men's clothes, shoes, bags and accessories, watches and jewellery.

Per leaf category: the drawing, popularity, typical items with their price range, selling points."""
from vgk.demo.catalogue.items import Leaf, item

LEAVES = {
    "vetements-femme": Leaf("dress", 10, [
        item("Robe en pagne wax taille {taille}", 5_000, 18_000, None, pattern="wax"),
        item("Kaba ngondo brodé taille unique", 8_000, 25_000, None, pattern="wax"),
        item("Robe de soirée {cf} taille {taille}", 10_000, 25_000, None, pattern="plain"),
        item("Ensemble pagne jupe et haut taille {taille}", 8_000, 20_000, None, pattern="wax"),
        item("Robe Zara fleurie taille {taille}", 6_000, 15_000, None, pattern="flowers"),
        item("Jean femme Levi's taille 38", 5_000, 12_000, "trousers"),
        item("Chemisier en soie {c}", 4_000, 10_000, "shirt", pattern="plain"),
    ], [
        "Portée une seule fois, pour un mariage.",
        "Tissu de qualité, les couleurs ne déteignent pas.",
        "Couture soignée, finitions propres.",
        "Lavée et repassée.",
        "Taille normalement.",
    ]),
    "vetements-homme": Leaf("shirt", 7, [
        item("Chemise en pagne wax taille {taille}", 5_000, 15_000, None, pattern="wax"),
        item("Maillot des Lions Indomptables taille {taille}", 8_000, 20_000, None, pattern="jersey", collar=False),
        item("Polo Lacoste {c} taille {taille}", 6_000, 15_000, None, pattern="plain"),
        item("Jean Levi's 501 taille 42", 6_000, 15_000, "trousers"),
        item("Boubou brodé homme 3 pièces", 15_000, 40_000, None, pattern="wax"),
        item("T-shirt Nike {c} taille {taille}", 3_000, 8_000, None, pattern="plain", collar=False),
        item("Chemise à carreaux taille {taille}", 4_000, 9_000, None, pattern="check"),
    ], [
        "Porté deux ou trois fois.",
        "Tissu épais de bonne qualité.",
        "Couleurs bien vives, aucune décoloration.",
        "Lavé et repassé.",
        "Taille normalement.",
    ]),
    "chaussures": Leaf("shoe", 8, [
        item("Baskets Nike Air Force 1 pointure {pointure}", 15_000, 45_000),
        item("Adidas Stan Smith pointure {pointure}", 15_000, 35_000),
        item("Chaussures en cuir homme pointure {pointure}", 12_000, 35_000, None, shoe="leather"),
        item("Escarpins {c} pointure {pointuref}", 8_000, 20_000, "heel"),
        item("Claquettes Adidas pointure {pointure}", 3_000, 8_000, "sandal"),
        item("Crampons Puma pointure {pointure}", 10_000, 30_000),
    ], [
        "Semelle en très bon état.",
        "Portées quelques fois seulement.",
        "Originales, achetées en Europe.",
        "Nettoyées et désinfectées.",
        "Chaussent normalement.",
    ]),
    "sacs-accessoires": Leaf("bag", 5, [
        item("Sac à main Michael Kors {c}", 15_000, 45_000),
        item("Pochette de soirée dorée", 5_000, 12_000),
        item("Sac à dos scolaire renforcé", 5_000, 15_000, "backpack"),
        item("Sac à dos North Face", 15_000, 35_000, "backpack"),
        item("Lunettes de soleil Ray-Ban", 15_000, 40_000, "glasses"),
    ], [
        "Fermetures et coutures en parfait état.",
        "Aucune trace d'usure.",
        "Original, avec son sachet de protection.",
        "Beaucoup de rangements.",
    ]),
    "montres-bijoux": Leaf("watch", 5, [
        item("Montre Casio G-Shock", 25_000, 60_000),
        item("Montre Fossil homme", 35_000, 80_000),
        item("Montre connectée Apple Watch Series 6", 90_000, 150_000, None, smart=True),
        item("Montre Casio vintage dorée", 12_000, 25_000),
        item("Bracelet en perles africaines", 2_000, 6_000, "beads"),
        item("Collier de perles fait main", 3_000, 9_000, "beads"),
    ], [
        "Fonctionne parfaitement, pile neuve.",
        "Aucune rayure sur le verre.",
        "Livrée dans sa boîte.",
        "Idéal comme cadeau.",
    ]),
}
