"""A synthetic but realistic catalogue for the benchmarks: French titles with accents and brands.

Everything is generated combinatorially (object x brand x qualifier) from a seeded random
generator, so two runs with the same seed produce the same rows. Rows are plain dicts ready for
SQLAlchemy Core `insert(...)` executemany; the normalised search columns are filled here because
Core inserts skip the ORM `before_insert` listener that normally does it.
"""
import math
import random
from datetime import datetime, timedelta

from vgk.text import normalize

CITIES = [
    ("douala", "Douala", "Littoral"),
    ("yaounde", "Yaoundé", "Centre"),
    ("bafoussam", "Bafoussam", "Ouest"),
    ("bamenda", "Bamenda", "Nord-Ouest"),
    ("garoua", "Garoua", "Nord"),
    ("maroua", "Maroua", "Extrême-Nord"),
    ("ngaoundere", "Ngaoundéré", "Adamaoua"),
    ("bertoua", "Bertoua", "Est"),
    ("kribi", "Kribi", "Sud"),
    ("limbe", "Limbé", "Sud-Ouest"),
]
# Douala and Yaoundé carry most of the market.
CITY_WEIGHTS = [30, 28, 8, 7, 6, 5, 4, 4, 4, 4]

GENERIC_QUALIFIERS = [
    "comme neuf", "très bon état", "peu servi", "à saisir", "urgent", "importé d'Europe",
    "garantie 3 mois", "prix négociable", "jamais utilisé", "sous emballage", "occasion",
    "état correct", "venant de France", "bon prix",
]

# slug, name_fr, name_en, icon, [(leaf slug, name_fr, name_en, objects, brands, qualifiers, (min, max) price)]
CATEGORIES = [
    ("electronique", "Électronique", "Electronics", "📱", [
        ("telephones", "Téléphones", "Phones",
         ["Téléphone", "Smartphone", "Portable", "iPhone", "Téléphone Android"],
         ["Samsung", "Tecno", "Infinix", "Itel", "Apple", "Xiaomi", "Huawei", "Oppo", "Nokia"],
         ["128 Go", "64 Go", "double SIM", "écran fissuré", "avec chargeur", "débloqué", "4G"],
         (15_000, 650_000)),
        ("televisions-audio", "Télévisions et audio", "TV and audio",
         ["Télé", "Téléviseur", "Écran plat", "Home cinéma", "Enceinte Bluetooth", "Barre de son",
          "Radio", "Décodeur"],
         ["Samsung", "LG", "Sony", "Hisense", "TCL", "Philips", "JBL", "Panasonic"],
         ["32 pouces", "43 pouces", "55 pouces", "Smart TV", "4K", "avec télécommande", "HDMI"],
         (10_000, 900_000)),
        ("ordinateurs", "Ordinateurs", "Computers",
         ["Ordinateur portable", "PC de bureau", "Laptop", "Tablette", "Écran d'ordinateur",
          "Imprimante", "Clavier"],
         ["HP", "Dell", "Lenovo", "Apple", "Asus", "Acer", "Toshiba", "Samsung"],
         ["Core i5", "Core i7", "8 Go RAM", "SSD 256 Go", "Windows 11", "clavier AZERTY", "écran 15 pouces"],
         (20_000, 1_200_000)),
        ("consoles-jeux", "Consoles et jeux vidéo", "Consoles and video games",
         ["Console", "Manette", "Jeu vidéo", "Casque gaming"],
         ["Sony PlayStation", "Xbox", "Nintendo Switch", "PS4", "PS5", "Logitech"],
         ["avec deux manettes", "FIFA inclus", "version européenne", "1 To", "édition limitée"],
         (5_000, 450_000)),
    ]),
    ("electromenager", "Électroménager", "Home appliances", "🧊", [
        ("refrigerateurs", "Réfrigérateurs et congélateurs", "Fridges and freezers",
         ["Réfrigérateur", "Frigo", "Congélateur", "Frigo américain", "Mini frigo"],
         ["LG", "Samsung", "Hisense", "Whirlpool", "Beko", "Haier", "Roch"],
         ["200 litres", "350 litres", "deux portes", "no frost", "classe A+", "silencieux"],
         (40_000, 700_000)),
        ("cuisinieres", "Cuisinières et fours", "Cookers and ovens",
         ["Cuisinière", "Four", "Micro-ondes", "Plaque de cuisson", "Gazinière"],
         ["Roch", "Samsung", "LG", "Brandt", "Scanfrost", "Whirlpool"],
         ["4 feux", "à gaz", "électrique", "avec four", "inox", "grill"],
         (15_000, 400_000)),
        ("climatisation", "Climatiseurs et ventilateurs", "Air conditioning",
         ["Climatiseur", "Split", "Ventilateur", "Ventilateur sur pied", "Brasseur d'air"],
         ["LG", "Samsung", "Midea", "Nasco", "Binatone", "Hisense"],
         ["1 CV", "1,5 CV", "2 CV", "inverter", "télécommande", "économique"],
         (8_000, 600_000)),
        ("petit-electromenager", "Petit électroménager", "Small appliances",
         ["Mixeur", "Blender", "Bouilloire", "Fer à repasser", "Machine à café", "Friteuse",
          "Aspirateur", "Machine à laver"],
         ["Moulinex", "Philips", "Binatone", "Tefal", "Kenwood", "Nasco", "Bosch"],
         ["1,5 litre", "2 vitesses", "sans fil", "7 kg", "automatique", "compact"],
         (3_000, 350_000)),
    ]),
    ("maison", "Maison et meubles", "Home and furniture", "🛋️", [
        ("salons", "Salons et canapés", "Sofas",
         ["Canapé", "Salon complet", "Fauteuil", "Canapé d'angle", "Pouf", "Table basse"],
         ["Ikea", "Conforama", "fabrication locale", "Maisons du Monde", "menuiserie Douala"],
         ["cuir", "tissu", "7 places", "en acajou", "en bois massif", "convertible", "wengé"],
         (20_000, 1_500_000)),
        ("lits-matelas", "Lits et matelas", "Beds and mattresses",
         ["Lit", "Matelas", "Lit double", "Lit superposé", "Sommier", "Armoire"],
         ["Mousse Cameroun", "Sotech", "Ikea", "Vitafoam", "fabrication locale"],
         ["2 places", "160 x 200", "orthopédique", "avec tiroirs", "en bois", "3 portes"],
         (15_000, 800_000)),
        ("tables-chaises", "Tables et chaises", "Tables and chairs",
         ["Table à manger", "Chaise", "Lot de chaises", "Bureau", "Tabouret", "Étagère"],
         ["Ikea", "fabrication locale", "Conforama", "menuiserie Yaoundé"],
         ["6 places", "en verre", "pliable", "en bois", "en rotin", "métal"],
         (3_000, 500_000)),
        ("decoration", "Décoration", "Decoration",
         ["Miroir", "Tableau", "Rideaux", "Tapis", "Lampe", "Vase", "Horloge"],
         ["artisanat Bamoun", "Ikea", "Maisons du Monde", "fait main", "Zara Home"],
         ["grand format", "en bronze", "sculpté", "ancien", "moderne", "wax"],
         (1_500, 250_000)),
    ]),
    ("mode", "Mode", "Fashion", "👗", [
        ("vetements-femme", "Vêtements femme", "Women's clothing",
         ["Robe", "Jupe", "Ensemble pagne", "Kaba", "Chemisier", "Jean", "Robe de soirée"],
         ["Zara", "H&M", "Shein", "couture locale", "Mango", "Vlisco"],
         ["taille M", "taille L", "taille 40", "en wax", "en soie", "brodé", "neuve avec étiquette"],
         (1_500, 120_000)),
        ("vetements-homme", "Vêtements homme", "Men's clothing",
         ["Chemise", "Costume", "Pantalon", "Boubou", "Veste", "Polo", "Tee-shirt"],
         ["Hugo Boss", "Zara", "Lacoste", "couture locale", "Celio", "Nike", "Adidas"],
         ["taille XL", "taille 42", "slim", "en lin", "brodé", "trois pièces"],
         (1_500, 150_000)),
        ("chaussures", "Chaussures", "Shoes",
         ["Chaussures", "Baskets", "Sandales", "Escarpins", "Mocassins", "Bottes", "Tongs"],
         ["Nike", "Adidas", "Puma", "Bata", "Converse", "Clarks", "Timberland", "New Balance"],
         ["pointure 42", "pointure 38", "pointure 44", "cuir véritable", "originales", "en daim"],
         (2_000, 180_000)),
        ("sacs-accessoires", "Sacs et accessoires", "Bags and accessories",
         ["Sac à main", "Montre", "Lunettes de soleil", "Ceinture", "Portefeuille", "Sac à dos",
          "Bijoux"],
         ["Louis Vuitton", "Casio", "Michael Kors", "Ray-Ban", "Guess", "Fossil", "Rolex"],
         ["cuir", "authentique", "plaqué or", "avec boîte", "vintage", "bandoulière"],
         (1_000, 900_000)),
    ]),
    ("enfants", "Enfants et bébés", "Kids and babies", "🧸", [
        ("poussettes", "Poussettes et sièges auto", "Strollers and car seats",
         ["Poussette", "Siège auto", "Porte-bébé", "Landau", "Transat"],
         ["Chicco", "Bébé Confort", "Graco", "Maxi-Cosi", "Peg Perego"],
         ["pliable", "0 à 4 ans", "3 roues", "avec nacelle", "isofix"],
         (5_000, 250_000)),
        ("jouets", "Jouets", "Toys",
         ["Jouet", "Poupée", "Voiture télécommandée", "Lego", "Puzzle", "Vélo enfant", "Trottinette"],
         ["Lego", "Barbie", "Fisher-Price", "Hot Wheels", "Playmobil", "VTech"],
         ["complet", "avec piles", "dès 3 ans", "éducatif", "grande boîte"],
         (1_000, 90_000)),
        ("vetements-enfant", "Vêtements enfant", "Children's clothing",
         ["Lot de vêtements", "Uniforme scolaire", "Pyjama", "Robe fillette", "Body bébé"],
         ["Kiabi", "Zara Kids", "H&M", "Petit Bateau", "couture locale"],
         ["2 ans", "6 ans", "10 ans", "0-3 mois", "lot de 5"],
         (1_000, 40_000)),
        ("mobilier-enfant", "Mobilier enfant", "Children's furniture",
         ["Lit bébé", "Berceau", "Table à langer", "Chaise haute", "Parc bébé"],
         ["Ikea", "Chicco", "fabrication locale", "Aubert"],
         ["avec matelas", "en bois", "évolutif", "pliable"],
         (5_000, 200_000)),
    ]),
    ("vehicules", "Véhicules", "Vehicles", "🚗", [
        ("voitures", "Voitures", "Cars",
         ["Voiture", "Berline", "4x4", "Pick-up", "SUV", "Minibus"],
         ["Toyota Corolla", "Toyota RAV4", "Hyundai", "Mercedes", "Peugeot", "Nissan", "Honda",
          "Kia", "Mitsubishi Pajero"],
         ["automatique", "manuelle", "climatisée", "diesel", "essence", "dédouanée", "2012", "2016"],
         (1_500_000, 25_000_000)),
        ("motos", "Motos", "Motorbikes",
         ["Moto", "Scooter", "Moto taxi", "Quad"],
         ["Yamaha", "Honda", "Suzuki", "Nanfang", "Sanya", "Haojue", "KTM"],
         ["125 cc", "150 cc", "papiers à jour", "neuve", "démarreur électrique"],
         (150_000, 3_500_000)),
        ("pieces-auto", "Pièces auto", "Car parts",
         ["Pneus", "Batterie", "Jantes", "Phare", "Autoradio", "Rétroviseur", "Moteur"],
         ["Michelin", "Bridgestone", "Bosch", "Varta", "Toyota", "Pioneer", "Continental"],
         ["17 pouces", "12 V", "lot de 4", "d'origine", "occasion Europe"],
         (2_000, 1_500_000)),
        ("velos", "Vélos", "Bicycles",
         ["Vélo", "VTT", "Vélo de course", "Vélo électrique", "BMX"],
         ["Decathlon", "Btwin", "Giant", "Peugeot", "Trek", "Specialized"],
         ["21 vitesses", "taille adulte", "freins à disque", "cadre aluminium", "avec antivol"],
         (15_000, 800_000)),
    ]),
    ("sport-loisirs", "Sport et loisirs", "Sport and leisure", "⚽", [
        ("fitness", "Fitness et musculation", "Fitness",
         ["Tapis de course", "Banc de musculation", "Haltères", "Vélo d'appartement", "Rameur"],
         ["Domyos", "Decathlon", "Kettler", "Technogym", "Bowflex"],
         ["pliable", "électrique", "20 kg", "réglable", "avec écran"],
         (5_000, 900_000)),
        ("football", "Football", "Football",
         ["Ballon", "Maillot", "Crampons", "Protège-tibias", "Cage de foot"],
         ["Adidas", "Nike", "Puma", "Lions Indomptables", "Kipsta"],
         ["officiel", "taille 5", "floqué Eto'o", "floqué Aboubakar", "réplique"],
         (1_500, 120_000)),
        ("instruments", "Instruments de musique", "Musical instruments",
         ["Guitare", "Piano numérique", "Clavier", "Batterie", "Balafon", "Djembé", "Saxophone"],
         ["Yamaha", "Casio", "Fender", "Gibson", "Roland", "fabrication artisanale"],
         ["acoustique", "électrique", "61 touches", "avec housse", "avec ampli"],
         (5_000, 1_200_000)),
        ("livres", "Livres et BD", "Books",
         ["Livre", "Roman", "Manuel scolaire", "Bande dessinée", "Dictionnaire", "Encyclopédie"],
         ["Hachette", "Gallimard", "Larousse", "Nathan", "Clé", "Édicef"],
         ["Terminale", "CM2", "collection complète", "dédicacé", "édition originale"],
         (500, 60_000)),
    ]),
    ("bricolage-jardin", "Bricolage et jardin", "DIY and garden", "🛠️", [
        ("outillage", "Outillage", "Tools",
         ["Perceuse", "Meuleuse", "Scie circulaire", "Caisse à outils", "Poste à souder",
          "Compresseur"],
         ["Bosch", "Makita", "DeWalt", "Stanley", "Black et Decker", "Total"],
         ["sans fil", "18 V", "avec coffret", "professionnel", "220 V"],
         (3_000, 600_000)),
        ("groupes-electrogenes", "Groupes électrogènes et énergie", "Generators and energy",
         ["Groupe électrogène", "Onduleur", "Panneau solaire", "Batterie solaire", "Régulateur"],
         ["Honda", "Firman", "Elemax", "Yamaha", "Sumec", "Victron"],
         ["5 kVA", "3 kVA", "silencieux", "démarrage électrique", "250 W", "gel 200 Ah"],
         (15_000, 2_500_000)),
        ("jardin", "Jardin", "Garden",
         ["Tondeuse", "Débroussailleuse", "Pulvérisateur", "Brouette", "Tuyau d'arrosage",
          "Salon de jardin"],
         ["Stihl", "Husqvarna", "Honda", "Gardena", "fabrication locale"],
         ["thermique", "électrique", "16 litres", "en résine", "25 mètres"],
         (3_000, 700_000)),
        ("materiaux", "Matériaux", "Building materials",
         ["Tôles", "Carreaux", "Sacs de ciment", "Portes", "Fenêtres", "Robinet", "Lavabo"],
         ["Dangote", "Cimencam", "Alucam", "Grohe", "fabrication locale"],
         ["lot de 20", "alu", "en fer forgé", "60 x 60", "neuf", "reste de chantier"],
         (2_000, 900_000)),
    ]),
]

CONDITIONS = ["NEUF", "COMME_NEUF", "BON", "ACCEPTABLE"]
CONDITION_WEIGHTS = [12, 25, 45, 18]
CONDITION_TEXT = {
    "NEUF": "neuf, jamais servi",
    "COMME_NEUF": "état comme neuf",
    "BON": "bon état général",
    "ACCEPTABLE": "état correct avec quelques traces d'usure",
}

OPENINGS = [
    "Je vends {obj} {brand}, {cond}.",
    "À vendre : {obj} {brand} ({cond}).",
    "{Obj} {brand} disponible, {cond}.",
    "Vends mon {obj} {brand}, {cond}.",
    "Cause départ, je cède {obj} {brand} en {cond}.",
]
MIDDLES = [
    "Acheté à {city} il y a {months} mois, très peu utilisé.",
    "Fonctionne parfaitement, aucune panne.",
    "Quelques rayures légères, rien de grave.",
    "Vendu avec sa facture et sa boîte d'origine.",
    "Importé de Belgique l'année dernière.",
    "Idéal pour étudiant ou jeune couple.",
    "Couleur {color}, très propre.",
    "Disponible tout de suite, premier arrivé premier servi.",
    "Je déménage, tout doit partir rapidement.",
    "Testé devant vous avant l'achat.",
    "Entretien régulier, aucun défaut caché.",
    "Photos réelles, pas de mauvaise surprise.",
]
CLOSINGS = [
    "Prix légèrement négociable.",
    "Prix ferme.",
    "Remise au point relais de {city}.",
    "Livraison possible via le point relais.",
    "Paiement Mobile Money accepté.",
    "Pas sérieux s'abstenir.",
    "Appelez ou écrivez via la messagerie.",
]
COLORS = ["noir", "blanc", "gris", "rouge", "bleu nuit", "beige", "bordeaux", "vert kaki",
          "doré", "argenté", "marron", "rose poudré"]
# Words that appear in only a handful of descriptions: the "rare word" searches.
RARE_WORDS = ["acajou massif", "ébène sculptée", "collector", "dédicace de l'artiste",
              "série limitée numérotée", "bois de bubinga", "boîtier titane", "Ngondo 2019"]


def _token(rng, length=12):
    alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789-_"
    return "".join(rng.choice(alphabet) for _ in range(length))


def _price(rng, low, high):
    value = math.exp(rng.uniform(math.log(low), math.log(high)))
    step = 500 if value < 100_000 else 5_000
    return max(step, int(round(value / step)) * step)


def _views(rng):
    # Heavily skewed: most listings are seen a few times, a handful thousands of times.
    return min(50_000, int(rng.paretovariate(1.1)) - 1 + (rng.random() < 0.6) * rng.randint(0, 5))


class Catalogue:
    """The reference rows (cities, categories, sellers) and a generator for products."""

    def __init__(self, seed=2026, sellers=2_000, now=None):
        self.rng = random.Random(seed)
        self.now = now or datetime(2026, 11, 29, 12, 0, 0)
        self.cities = [
            {"id": i + 1, "slug": slug, "name": name, "region": region, "position": i}
            for i, (slug, name, region) in enumerate(CITIES)
        ]
        self.categories = []
        self.leaves = []  # (category id, spec)
        next_id = 1
        for position, (slug, name_fr, name_en, icon, leaves) in enumerate(CATEGORIES):
            parent_id = next_id
            next_id += 1
            self.categories.append({"id": parent_id, "parent_id": None, "slug": slug, "name_fr": name_fr,
                                    "name_en": name_en, "icon": icon, "position": position})
            for leaf_position, leaf in enumerate(leaves):
                leaf_slug, leaf_fr, leaf_en = leaf[:3]
                self.categories.append({"id": next_id, "parent_id": parent_id, "slug": leaf_slug,
                                        "name_fr": leaf_fr, "name_en": leaf_en, "icon": "",
                                        "position": leaf_position})
                self.leaves.append((next_id, parent_id, leaf))
                next_id += 1
        self.sellers = []
        first_names = ["Aïcha", "Jean", "Marie", "Paul", "Ngono", "Fadimatou", "Éric", "Brice",
                       "Solange", "Hervé", "Chantal", "Ibrahim", "Clémence", "Yannick", "Joël"]
        last_names = ["Mbarga", "Nkoulou", "Tchoumi", "Fotso", "Ndjock", "Abena", "Ewané",
                      "Bello", "Kamga", "Ngo Bassa", "Essomba", "Moussa", "Tagne", "Owona"]
        for n in range(sellers):
            self.sellers.append({
                "id": n + 1,
                "public_id": _token(self.rng),
                "name": f"{self.rng.choice(first_names)} {self.rng.choice(last_names)}",
                "email": f"vendeur{n + 1}@bench.cm",
                "phone": f"+2376{n + 1:08d}",
                "password_hash": None,
                "role": "CLIENT",
                "status": "ACTIVE",
                "locale": "fr",
                "city_id": self.rng.choices(range(1, len(CITIES) + 1), CITY_WEIGHTS)[0],
                "created_at": self.now - timedelta(days=self.rng.randint(30, 700)),
            })
        # Some sellers are far more active than others.
        self.seller_weights = [self.rng.paretovariate(1.3) for _ in self.sellers]
        # Some categories are far busier than others.
        self.leaf_weights = [self.rng.uniform(0.3, 3.0) for _ in self.leaves]
        self.leaf_weights[0] = 6.0   # phones
        self.leaf_weights[1] = 4.0   # TVs
        self.active_ids = []

    def products(self, count):
        """Yield product rows; ids are 1..count, about 94% ACTIVE, the rest PENDING or SOLD."""
        rng = self.rng
        seller_ids = [s["id"] for s in self.sellers]
        city_ids = [c["id"] for c in self.cities]
        city_names = {c["id"]: c["name"] for c in self.cities}
        leaf_choices = rng.choices(range(len(self.leaves)), self.leaf_weights, k=count)
        seller_choices = rng.choices(seller_ids, self.seller_weights, k=count)
        # Listed over the past year; ids grow with created_at, as they do with real inserts.
        ages = sorted((rng.randint(0, 365 * 24 * 3600) for _ in range(count)), reverse=True)
        for n in range(count):
            category_id, _parent_id, leaf = self.leaves[leaf_choices[n]]
            _slug, _fr, _en, objects, brands, qualifiers, (low, high) = leaf
            obj, brand = rng.choice(objects), rng.choice(brands)
            qualifier = rng.choice(qualifiers) if rng.random() < 0.7 else rng.choice(GENERIC_QUALIFIERS)
            title = f"{obj} {brand} {qualifier}"
            if rng.random() < 0.25:
                title += f" - {rng.choice(GENERIC_QUALIFIERS)}"
            condition = rng.choices(CONDITIONS, CONDITION_WEIGHTS)[0]
            city_id = rng.choices(city_ids, CITY_WEIGHTS)[0]
            values = {"obj": obj.lower(), "Obj": obj, "brand": brand, "cond": CONDITION_TEXT[condition],
                      "city": city_names[city_id], "months": rng.randint(2, 30), "color": rng.choice(COLORS)}
            sentences = [rng.choice(OPENINGS)]
            sentences += rng.sample(MIDDLES, rng.randint(1, 4))
            if rng.random() < 0.01:
                sentences.append(f"Pièce rare : {rng.choice(RARE_WORDS)}.")
            sentences.append(rng.choice(CLOSINGS))
            description = " ".join(s.format(**values) for s in sentences)
            roll = rng.random()
            status = "ACTIVE" if roll < 0.94 else ("PENDING" if roll < 0.97 else "SOLD")
            created_at = self.now - timedelta(seconds=ages[n])
            product_id = n + 1
            if status == "ACTIVE":
                self.active_ids.append(product_id)
            yield {
                "id": product_id,
                "public_id": _token(rng),
                "seller_id": seller_choices[n],
                "category_id": category_id,
                "city_id": city_id,
                "title": title[:120],
                "description": description,
                "price": _price(rng, low, high),
                "negotiable": rng.random() < 0.5,
                "condition": condition,
                "status": status,
                "quantity": 1,
                "view_count": _views(rng) if status != "PENDING" else 0,
                "search_title": normalize(title[:120]),
                "search_body": normalize(description),
                "created_at": created_at,
                "updated_at": created_at,
                "published_at": created_at if status != "PENDING" else None,
            }
