"""The demo catalogue: per leaf category (one module per category group) what sellers list, at what
price and how they describe it, plus the listings always shown and the wording of descriptions.

The order of `CATALOGUE` is the category tree's: the seed draws from it with a fixed seed, so
reordering it changes every demo listing."""
from vgk.demo.catalogue import beauty, culture, electronics, fashion, home, kids, sports, vehicles
from vgk.models import Condition

__all__ = ["CATALOGUE", "CONDITIONS", "CONDITION_PHRASES", "CONDITION_PRICE", "CONDITION_WEIGHTS", "OPENERS",
           "PAYMENT_PHRASES", "QUALIFIERS", "SHOWCASE", "SIZES"]

SIZES = ["S", "M", "L", "XL"]
CONDITIONS = [Condition.NEW, Condition.LIKE_NEW, Condition.GOOD, Condition.FAIR]
CONDITION_WEIGHTS = [18, 27, 38, 17]
# Where in its price range a listing sits, by condition.
CONDITION_PRICE = {
    Condition.NEW: (0.75, 1.0),
    Condition.LIKE_NEW: (0.55, 0.9),
    Condition.GOOD: (0.3, 0.7),
    Condition.FAIR: (0.0, 0.4),
}

CATALOGUE = {
    **electronics.LEAVES,
    **home.LEAVES,
    **fashion.LEAVES,
    **kids.LEAVES,
    **vehicles.LEAVES,
    **sports.LEAVES,
    **culture.LEAVES,
    **beauty.LEAVES,
}

# Listings always published, so the search examples of the README find something.
SHOWCASE = [
    ("televisions", "Télé Samsung 43 pouces Smart TV"),
    ("electromenager", "Réfrigérateur LG 2 portes"),
    ("vetements-femme", "Robe en pagne wax taille {taille}"),
    ("motos", "Moto Nanfang 125"),
    ("meubles", "Canapé 3 places en cuir {c}"),
    ("telephones", "iPhone 11 {sto}"),
    ("telephones", "Samsung Galaxy A14 {sto}"),
]

OPENERS = ["À vendre : {title}.", "{title} à saisir.", "Je mets en vente : {title}.", "Bonne affaire : {title}.",
           "{title}, disponible tout de suite."]
CONDITION_PHRASES = {
    Condition.NEW: ["Neuf, jamais utilisé, encore dans son emballage.",
                    "Article neuf, sous emballage d'origine."],
    Condition.LIKE_NEW: ["Comme neuf, utilisé seulement quelques semaines.",
                         "Quasiment neuf, aucune trace d'usage."],
    Condition.GOOD: ["Bon état général, quelques petites traces d'usage.", "En bon état, rien à signaler."],
    Condition.FAIR: ["État correct, quelques défauts visibles sur les photos.",
                     "Usure visible, d'où le petit prix."],
}
# Sellers tell apart two listings of the same thing.
QUALIFIERS = {
    Condition.NEW: ["neuf", "sous emballage", "jamais servi"],
    Condition.LIKE_NEW: ["comme neuf", "très peu servi", "état impeccable"],
    Condition.GOOD: ["bon état", "bon prix", "à saisir"],
    Condition.FAIR: ["petit prix", "urgent", "à saisir"],
}
PAYMENT_PHRASES = ["Paiement par MTN Mobile Money ou Orange Money accepté.",
                   "Paiement sécurisé via Vidé-Grenier Kamer.", "Répond vite sur la messagerie du site."]
