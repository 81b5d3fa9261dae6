"""The demo data set: cities, pickup points, categories, demo accounts and a believable catalogue.

`seed_demo()` is idempotent. Reference data (cities, pickup points, categories) is matched by its
natural key and only missing rows are added; once the demo accounts exist, nothing else is done.
The listings come from a fixed `random.Random(237)`, so two fresh databases get the same catalogue
(only the opaque public ids and the dates, relative to today, differ). Every picture is drawn by
`vgk.demo.images` and goes through the real upload pipeline (`media.store_product_image`), so the
demo serves the same WebP thumbnails as production.

Demo accounts share one public password: never seed a real production database.
"""
import logging
import random
import time
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from vgk.demo import images as demo_images
from vgk.extensions import db
from vgk.models import (
    Category,
    City,
    Condition,
    PickupPoint,
    Product,
    ProductImage,
    ProductStatus,
    Role,
    TwoFactor,
    User,
    UserStatus,
)
from vgk.models.base import new_public_id, utcnow
from vgk.services import moderation
from vgk.services.media import store_product_image

log = logging.getLogger(__name__)

SEED = 237
DEMO_PASSWORD = "demo-pass-237"
DEMO_STAFF_PIN = "246810"
PENDING_PRODUCTS = 10
DRAFT_PRODUCTS = 2
HISTORY_DAYS = 60

# --- reference data ----------------------------------------------------------------------------

# The ten largest cities, by population rank.
CITIES = [
    ("douala", "Douala", "Littoral"),
    ("yaounde", "Yaoundé", "Centre"),
    ("garoua", "Garoua", "Nord"),
    ("bamenda", "Bamenda", "Nord-Ouest"),
    ("maroua", "Maroua", "Extrême-Nord"),
    ("bafoussam", "Bafoussam", "Ouest"),
    ("ngaoundere", "Ngaoundéré", "Adamaoua"),
    ("bertoua", "Bertoua", "Est"),
    ("loum", "Loum", "Littoral"),
    ("kumba", "Kumba", "Sud-Ouest"),
]

# Home delivery is offered in the two largest cities (fee in XAF).
DELIVERY_FEES = {"douala": 1500, "yaounde": 2000}

# city slug, name, address, opening hours, phone. The first Douala point hosts the demo staff.
PICKUP_POINTS = [
    ("douala", "Point relais Akwa", "Boulevard de la Liberté, face à la pharmacie du Centre, Akwa, Douala",
     "Lun–Sam 8h–19h", "+237699112233"),
    ("douala", "Point relais Bonamoussadi",
     "Carrefour Kotto, à côté de la boulangerie Saker, Bonamoussadi, Douala",
     "Lun–Sam 8h30–19h, Dim 10h–14h", "+237677445566"),
    ("yaounde", "Point relais Mvan", "Carrefour Mvan, en face de l'agence de voyages, Yaoundé",
     "Lun–Sam 8h–18h30", "+237655778899"),
    ("yaounde", "Point relais Bastos", "Rue de l'Ambassade de Chine, près du rond-point Bastos, Yaoundé",
     "Lun–Ven 9h–19h, Sam 9h–15h", "+237690334455"),
    ("bafoussam", "Point relais Marché A", "Face à l'entrée principale du Marché A, Bafoussam",
     "Lun–Sam 8h–18h", "+237678223344"),
    ("garoua", "Point relais Roumdé Adja", "Avenue Ahmadou Ahidjo, à côté de la station Tradex, Garoua",
     "Lun–Sam 7h30–18h", "+237696556677"),
]

# Neighbourhoods sellers mention in their descriptions.
QUARTERS = {
    "douala": ["Akwa", "Bonapriso", "Makepe", "Bonamoussadi", "Deïdo", "Bépanda", "Ndokoti", "Logbaba", "Kotto",
               "Bonabéri"],
    "yaounde": ["Bastos", "Mvan", "Biyem-Assi", "Essos", "Ngoa-Ekellé", "Mokolo", "Omnisport", "Emana",
                "Nlongkak"],
    "garoua": ["Roumdé Adja", "Poumpoumré", "Yelwa", "Marouaré"],
    "bamenda": ["Commercial Avenue", "Nkwen", "Up Station", "Mankon"],
    "maroua": ["Domayo", "Kakataré", "Dougoï"],
    "bafoussam": ["Tamdja", "Banengo", "Djeleng", "Kouogouo"],
    "ngaoundere": ["Dang", "Joli Soir", "Baladji"],
    "bertoua": ["Tigaza", "Monou", "Nkolbikon"],
    "loum": ["Loum-Chantier", "Loum-Gare"],
    "kumba": ["Fiango", "Kumba Town", "Mbonge Road"],
}

# slug, French name, English name, icon, children (same shape without children).
CATEGORIES = [
    ("electronique", "Électronique", "Electronics", "📱", [
        ("telephones", "Téléphones & tablettes", "Phones & tablets", "📱"),
        ("televisions", "Télévisions", "TVs", "📺"),
        ("ordinateurs", "Ordinateurs", "Computers", "💻"),
        ("audio", "Audio & Hi-Fi", "Audio & hi-fi", "🔊"),
        ("consoles", "Consoles & jeux vidéo", "Consoles & video games", "🎮"),
    ]),
    ("maison", "Maison", "Home", "🏠", [
        ("meubles", "Meubles", "Furniture", "🛋️"),
        ("electromenager", "Électroménager", "Home appliances", "🔌"),
        ("cuisine", "Cuisine & vaisselle", "Kitchen & tableware", "🍳"),
        ("decoration", "Décoration & luminaires", "Decor & lighting", "🖼️"),
        ("literie", "Literie", "Bedding", "🛏️"),
    ]),
    ("mode", "Mode", "Fashion", "👗", [
        ("vetements-femme", "Vêtements femme", "Women's clothing", "👗"),
        ("vetements-homme", "Vêtements homme", "Men's clothing", "👔"),
        ("chaussures", "Chaussures", "Shoes", "👟"),
        ("sacs-accessoires", "Sacs & accessoires", "Bags & accessories", "👜"),
        ("montres-bijoux", "Montres & bijoux", "Watches & jewellery", "⌚"),
    ]),
    ("bebe-enfants", "Bébé & Enfants", "Baby & kids", "🍼", [
        ("poussettes", "Poussettes", "Strollers", "👶"),
        ("jouets", "Jouets", "Toys", "🧸"),
        ("vetements-enfants", "Vêtements enfants", "Kids' clothing", "👕"),
        ("puericulture", "Puériculture", "Nursery", "🍼"),
    ]),
    ("vehicules", "Véhicules", "Vehicles", "🚗", [
        ("voitures", "Voitures", "Cars", "🚗"),
        ("motos", "Motos", "Motorbikes", "🏍️"),
        ("pieces-auto", "Pièces auto & moto", "Car & motorbike parts", "🔧"),
        ("velos", "Vélos", "Bicycles", "🚲"),
    ]),
    ("sports-loisirs", "Sports & Loisirs", "Sports & leisure", "⚽", [
        ("football", "Football", "Football", "⚽"),
        ("fitness", "Fitness & musculation", "Fitness & weights", "🏋️"),
        ("instruments", "Instruments de musique", "Musical instruments", "🎸"),
        ("jeux-societe", "Jeux de société", "Board games", "🎲"),
    ]),
    ("livres-culture", "Livres & Culture", "Books & culture", "📚", [
        ("livres-scolaires", "Livres scolaires", "School books", "📘"),
        ("romans", "Romans & essais", "Novels & essays", "📖"),
        ("bd-mangas", "BD & mangas", "Comics & manga", "💬"),
        ("musique-films", "Musique & films", "Music & films", "💿"),
    ]),
    ("beaute-sante", "Beauté & Santé", "Beauty & health", "💄", [
        ("parfums", "Parfums", "Perfumes", "🌸"),
        ("soins", "Soins du corps", "Body care", "🧴"),
        ("maquillage", "Maquillage", "Make-up", "💄"),
        ("coiffure", "Coiffure", "Hair care", "💇"),
    ]),
]

# --- accounts ----------------------------------------------------------------------------------

DEMO_ACCOUNTS = [
    {"email": "admin@vgk.test", "name": "Brice Atangana", "role": Role.ADMIN, "city": "douala",
     "phone": "+237690000001"},
    {"email": "vendeur@vgk.test", "name": "Jean-Paul Mbarga", "role": Role.CLIENT, "city": "douala",
     "phone": "+237690000002"},
    {"email": "acheteur@vgk.test", "name": "Clarisse Ngo Nyemb", "role": Role.CLIENT, "city": "yaounde",
     "phone": "+237690000003"},
    {"email": "staff.douala@vgk.test", "name": "Serge Ekwalla", "role": Role.STAFF, "city": "douala",
     "phone": "+237690000004", "pickup_point": "Point relais Akwa"},
]
MAIN_SELLER = "vendeur@vgk.test"

# name, email, city slug, phone, share of the listings
SELLERS = [
    ("Christelle Ekane", "christelle.ekane@vgk.test", "douala", "+237677120458", 7),
    ("Alain Tchakounté", "alain.tchakounte@vgk.test", "douala", "+237699845210", 6),
    ("Blaise Kamga", "blaise.kamga@vgk.test", "douala", "+237655309871", 5),
    ("Marie-Claire Ngono", "marie-claire.ngono@vgk.test", "yaounde", "+237670281945", 9),
    ("Rodrigue Essomba", "rodrigue.essomba@vgk.test", "yaounde", "+237694562318", 8),
    ("Mireille Abena", "mireille.abena@vgk.test", "yaounde", "+237682917430", 7),
    ("Emmanuel Fotso", "emmanuel.fotso@vgk.test", "bafoussam", "+237677904126", 5),
    ("Hamadou Bouba", "hamadou.bouba@vgk.test", "garoua", "+237696730582", 4),
    ("Divine Nfor", "divine.nfor@vgk.test", "bamenda", "+237651478203", 4),
    ("Fadimatou Oumarou", "fadimatou.oumarou@vgk.test", "maroua", "+237698215674", 3),
    ("Ibrahim Sali", "ibrahim.sali@vgk.test", "ngaoundere", "+237675063918", 3),
    ("Grace Enow", "grace.enow@vgk.test", "kumba", "+237680547129", 3),
    ("Patrice Owona", "patrice.owona@vgk.test", "bertoua", "+237657382614", 3),
]
MAIN_SELLER_SHARE = 10
CITY_WEIGHTS = {"douala": 34, "yaounde": 30, "garoua": 6, "bamenda": 5, "maroua": 4, "bafoussam": 6,
                "ngaoundere": 4, "bertoua": 6, "loum": 8, "kumba": 4}

# --- the catalogue -----------------------------------------------------------------------------


@dataclass
class Item:
    title: str
    low: int
    high: int
    family: str | None = None
    notes: tuple = ()
    style: dict = field(default_factory=dict)


def _i(title, low, high, family=None, *notes, **style):
    return Item(title, low, high, family, notes, style)


@dataclass
class Leaf:
    family: str
    weight: int
    items: list
    features: list
    bulk: bool = False  # sellers often have several units (books, cosmetics...)


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
    "telephones": Leaf("phone", 14, [
        _i("Samsung Galaxy A14 {sto}", 55_000, 85_000),
        _i("Samsung Galaxy A34 5G {sto}", 110_000, 160_000),
        _i("Samsung Galaxy S21 {sto}", 150_000, 230_000),
        _i("iPhone 11 {sto}", 140_000, 190_000, None, "Batterie à 86 %, Face ID fonctionnel."),
        _i("iPhone 12 Pro {sto}", 200_000, 250_000, None, "Batterie à 89 %, aucune pièce changée."),
        _i("iPhone XR {sto}", 95_000, 135_000),
        _i("Tecno Spark 10 Pro {sto}", 55_000, 80_000),
        _i("Tecno Camon 20 {sto}", 80_000, 115_000),
        _i("Infinix Hot 30 {sto}", 60_000, 85_000),
        _i("Infinix Note 30 {sto}", 85_000, 120_000),
        _i("Itel A60 32 Go", 25_000, 40_000),
        _i("Xiaomi Redmi Note 12 {sto}", 85_000, 125_000),
        _i("Huawei P30 Lite {sto}", 65_000, 95_000),
        _i("Tablette Samsung Galaxy Tab A8", 90_000, 140_000),
    ], [
        "La batterie tient toute la journée.",
        "Écran sans rayure, toujours protégé par un verre trempé.",
        "Double SIM, fonctionne avec MTN et Orange.",
        "Vendu avec chargeur d'origine et coque.",
        "Débloqué tout opérateur.",
        "Empreinte digitale et reconnaissance faciale fonctionnelles.",
        "Aucune réparation, jamais ouvert.",
        "Boîte d'origine et facture disponibles.",
    ]),
    "televisions": Leaf("tv", 8, [
        _i("Télé Samsung 43 pouces Smart TV", 140_000, 220_000),
        _i("Télé LG 32 pouces LED", 60_000, 95_000),
        _i("Smart TV LG 55 pouces 4K", 250_000, 400_000),
        _i("Télévision Hisense 50 pouces 4K", 180_000, 280_000),
        _i("Télé TCL 43 pouces Android TV", 130_000, 190_000),
        _i("Télé Sony Bravia 40 pouces", 120_000, 180_000),
        _i("Écran plat Skyworth 32 pouces", 60_000, 85_000),
        _i("Télé Samsung 55 pouces Crystal UHD", 260_000, 380_000),
    ], [
        "Image nette, aucune tache ni pixel mort.",
        "Télécommande d'origine fournie.",
        "Compatible Canal+ et StarTimes.",
        "Netflix et YouTube intégrés, connexion Wi-Fi.",
        "Ports HDMI et USB fonctionnels.",
        "Support mural offert.",
        "Toujours branchée sur un parafoudre.",
    ]),
    "ordinateurs": Leaf("laptop", 8, [
        _i("Ordinateur portable HP ProBook 450 Core i5", 150_000, 230_000),
        _i("Laptop Dell Latitude 5490 Core i5 8 Go", 140_000, 210_000),
        _i("MacBook Air M1 256 Go", 350_000, 450_000),
        _i("Lenovo ThinkPad T470 Core i5", 120_000, 180_000),
        _i("HP EliteBook 840 G5 16 Go RAM", 180_000, 260_000),
        _i("Acer Aspire 3 Core i3", 110_000, 160_000),
        _i("Asus VivoBook 15 Ryzen 5", 170_000, 240_000),
        _i("Lenovo IdeaPad 3 Celeron", 80_000, 120_000),
    ], [
        "Disque SSD, démarre en quelques secondes.",
        "Windows 11 et Office installés.",
        "La batterie tient 3 à 4 heures.",
        "Clavier AZERTY, toutes les touches fonctionnent.",
        "Idéal pour étudiant ou travail de bureau.",
        "Chargeur d'origine inclus.",
        "Écran sans rayure ni pixel mort.",
    ]),
    "audio": Leaf("speaker", 4, [
        _i("Enceinte JBL Charge 5", 60_000, 95_000),
        _i("Enceinte Bluetooth JBL Flip 6", 45_000, 70_000),
        _i("Home cinéma Sony 5.1", 120_000, 200_000),
        _i("Casque Sony WH-1000XM4", 110_000, 160_000, "headphones"),
        _i("Casque Bluetooth Oraimo", 10_000, 18_000, "headphones"),
        _i("Casque Beats Studio 3", 70_000, 110_000, "headphones"),
        _i("Enceinte amplifiée Sayona 12 pouces", 90_000, 180_000, None,
           "Parfaite pour les anniversaires et les veillées."),
    ], [
        "Son puissant, basses profondes.",
        "Bluetooth, se connecte en deux secondes.",
        "Batterie longue durée.",
        "Aucune saturation même à fond.",
        "Câble de charge fourni.",
    ]),
    "consoles": Leaf("gamepad", 5, [
        _i("PlayStation 4 Slim 500 Go + 2 manettes", 130_000, 180_000, "console"),
        _i("PlayStation 5 édition standard", 300_000, 350_000, "console"),
        _i("Xbox One S 1 To", 110_000, 160_000, "console"),
        _i("Manette PS4 DualShock 4", 15_000, 25_000),
        _i("Manette Xbox sans fil", 20_000, 30_000),
        _i("Nintendo Switch avec 3 jeux", 150_000, 210_000, "console"),
    ], [
        "Fonctionne parfaitement, aucune surchauffe.",
        "FIFA et GTA V installés.",
        "Câbles HDMI et d'alimentation fournis.",
        "Les joysticks ne dérivent pas.",
        "Compte réinitialisé, prêt à l'emploi.",
    ]),
    "meubles": Leaf("sofa", 8, [
        _i("Canapé 3 places en cuir {c}", 120_000, 350_000),
        _i("Salon complet 7 places en tissu {c}", 250_000, 600_000),
        _i("Canapé d'angle {c}", 200_000, 450_000),
        _i("Lot de 4 chaises en bois massif", 40_000, 90_000, "chair"),
        _i("Chaise de bureau ergonomique", 25_000, 60_000, "chair", office=True),
        _i("Table à manger 6 places en bois", 80_000, 200_000, "table"),
        _i("Table basse en verre", 30_000, 70_000, "table", table="coffee"),
        _i("Bureau d'étudiant avec tiroirs", 35_000, 70_000, "table", table="desk"),
        _i("Armoire 3 portes avec miroir", 90_000, 180_000, "wardrobe"),
    ], [
        "Bois massif local, très solide.",
        "Aucune déchirure, aucune tache.",
        "Démontable pour le transport.",
        "Fabriqué par un menuisier du quartier, finitions soignées.",
        "Vendu pour cause de déménagement.",
        "Livraison possible en ville moyennant participation.",
    ]),
    "electromenager": Leaf("fridge", 8, [
        _i("Réfrigérateur LG 2 portes", 150_000, 280_000),
        _i("Réfrigérateur Samsung américain", 350_000, 550_000, None, fridge="american"),
        _i("Réfrigérateur Roch 1 porte 120 L", 90_000, 140_000),
        _i("Mini-frigo Nasco 90 L", 60_000, 95_000, None, fridge="small"),
        _i("Machine à laver Samsung 7 kg", 150_000, 250_000, "washer"),
        _i("Micro-ondes Midea 20 L", 30_000, 55_000, "microwave"),
        _i("Ventilateur sur pied Binatone", 15_000, 30_000, "fan"),
        _i("Ventilateur Roch 18 pouces", 18_000, 30_000, "fan"),
    ], [
        "Fonctionne parfaitement.",
        "Consomme peu, à brancher sur un stabilisateur.",
        "Aucune rouille, joints en bon état.",
        "Vendu avec son stabilisateur.",
        "Peut être testé sur place avant l'achat.",
        "Garantie encore valable six mois.",
    ]),
    "cuisine": Leaf("pot", 5, [
        _i("Marmite en aluminium 20 litres", 12_000, 25_000),
        _i("Lot de casseroles inox Tefal", 25_000, 60_000),
        _i("Cocotte-minute SEB 8 L", 20_000, 40_000, None, pot="pressure"),
        _i("Blender Moulinex 1,5 L", 15_000, 30_000, "blender"),
        _i("Mixeur Kenwood multifonction", 25_000, 45_000, "blender"),
        _i("Bouteille de gaz 12,5 kg pleine", 15_000, 22_000, "gas"),
        _i("Service de table 24 pièces", 15_000, 35_000, "plate"),
    ], [
        "Très bonne qualité, rien ne colle.",
        "Utilisé quelques fois seulement.",
        "Idéal pour les grandes familles et les fêtes.",
        "Parfait pour le ndolè, le poulet DG et le koki.",
        "Facile à nettoyer.",
        "Encore dans son carton.",
    ], bulk=True),
    "decoration": Leaf("lamp", 4, [
        _i("Lampe de chevet design", 8_000, 20_000),
        _i("Lampadaire sur pied", 20_000, 45_000, None, lamp="floor"),
        _i("Tableau d'un peintre camerounais", 25_000, 120_000, "painting",
           "Pièce unique, signée par l'artiste."),
        _i("Vase en céramique avec fleurs artificielles", 7_000, 18_000, "vase"),
        _i("Masque bamiléké décoratif en bois", 20_000, 80_000, "mask", "Sculpté à la main, pièce unique."),
    ], [
        "Donne du cachet à un salon.",
        "Très bon état, aucune fissure.",
        "Idéal comme cadeau.",
        "Je peux envoyer d'autres photos sur WhatsApp.",
    ]),
    "literie": Leaf("mattress", 4, [
        _i("Matelas Mousse Confort 2 places 190x140", 45_000, 90_000, None, "Matelas ferme, ne s'affaisse pas."),
        _i("Matelas orthopédique Vitafoam 160x200", 80_000, 160_000),
        _i("Lit 2 places avec tête de lit", 90_000, 200_000, "bed"),
        _i("Parure de draps en coton + 2 taies", 10_000, 25_000, "folded"),
        _i("Lot de serviettes de bain", 6_000, 15_000, "folded"),
    ], [
        "Très propre, sans odeur.",
        "Vendu pour cause de départ.",
        "Toujours utilisé avec une alèse.",
        "Bien entretenu.",
    ]),
    "vetements-femme": Leaf("dress", 10, [
        _i("Robe en pagne wax taille {taille}", 5_000, 18_000, None, pattern="wax"),
        _i("Kaba ngondo brodé taille unique", 8_000, 25_000, None, pattern="wax"),
        _i("Robe de soirée {cf} taille {taille}", 10_000, 25_000, None, pattern="plain"),
        _i("Ensemble pagne jupe et haut taille {taille}", 8_000, 20_000, None, pattern="wax"),
        _i("Robe Zara fleurie taille {taille}", 6_000, 15_000, None, pattern="flowers"),
        _i("Jean femme Levi's taille 38", 5_000, 12_000, "trousers"),
        _i("Chemisier en soie {c}", 4_000, 10_000, "shirt", pattern="plain"),
    ], [
        "Portée une seule fois, pour un mariage.",
        "Tissu de qualité, les couleurs ne déteignent pas.",
        "Couture soignée, finitions propres.",
        "Lavée et repassée.",
        "Taille normalement.",
    ]),
    "vetements-homme": Leaf("shirt", 7, [
        _i("Chemise en pagne wax taille {taille}", 5_000, 15_000, None, pattern="wax"),
        _i("Maillot des Lions Indomptables taille {taille}", 8_000, 20_000, None, pattern="jersey", collar=False),
        _i("Polo Lacoste {c} taille {taille}", 6_000, 15_000, None, pattern="plain"),
        _i("Jean Levi's 501 taille 42", 6_000, 15_000, "trousers"),
        _i("Boubou brodé homme 3 pièces", 15_000, 40_000, None, pattern="wax"),
        _i("T-shirt Nike {c} taille {taille}", 3_000, 8_000, None, pattern="plain", collar=False),
        _i("Chemise à carreaux taille {taille}", 4_000, 9_000, None, pattern="check"),
    ], [
        "Porté deux ou trois fois.",
        "Tissu épais de bonne qualité.",
        "Couleurs bien vives, aucune décoloration.",
        "Lavé et repassé.",
        "Taille normalement.",
    ]),
    "chaussures": Leaf("shoe", 8, [
        _i("Baskets Nike Air Force 1 pointure {pointure}", 15_000, 45_000),
        _i("Adidas Stan Smith pointure {pointure}", 15_000, 35_000),
        _i("Chaussures en cuir homme pointure {pointure}", 12_000, 35_000, None, shoe="leather"),
        _i("Escarpins {c} pointure {pointuref}", 8_000, 20_000, "heel"),
        _i("Claquettes Adidas pointure {pointure}", 3_000, 8_000, "sandal"),
        _i("Crampons Puma pointure {pointure}", 10_000, 30_000),
    ], [
        "Semelle en très bon état.",
        "Portées quelques fois seulement.",
        "Originales, achetées en Europe.",
        "Nettoyées et désinfectées.",
        "Chaussent normalement.",
    ]),
    "sacs-accessoires": Leaf("bag", 5, [
        _i("Sac à main Michael Kors {c}", 15_000, 45_000),
        _i("Pochette de soirée dorée", 5_000, 12_000),
        _i("Sac à dos scolaire renforcé", 5_000, 15_000, "backpack"),
        _i("Sac à dos North Face", 15_000, 35_000, "backpack"),
        _i("Lunettes de soleil Ray-Ban", 15_000, 40_000, "glasses"),
    ], [
        "Fermetures et coutures en parfait état.",
        "Aucune trace d'usure.",
        "Original, avec son sachet de protection.",
        "Beaucoup de rangements.",
    ]),
    "montres-bijoux": Leaf("watch", 5, [
        _i("Montre Casio G-Shock", 25_000, 60_000),
        _i("Montre Fossil homme", 35_000, 80_000),
        _i("Montre connectée Apple Watch Series 6", 90_000, 150_000, None, smart=True),
        _i("Montre Casio vintage dorée", 12_000, 25_000),
        _i("Bracelet en perles africaines", 2_000, 6_000, "beads"),
        _i("Collier de perles fait main", 3_000, 9_000, "beads"),
    ], [
        "Fonctionne parfaitement, pile neuve.",
        "Aucune rayure sur le verre.",
        "Livrée dans sa boîte.",
        "Idéal comme cadeau.",
    ]),
    "poussettes": Leaf("stroller", 3, [
        _i("Poussette Chicco pliable", 35_000, 80_000),
        _i("Poussette canne légère", 15_000, 30_000),
        _i("Landau Bébé Confort", 40_000, 90_000),
    ], [
        "Se plie en un geste.",
        "Housse lavée, très propre.",
        "Roues et freins en parfait état.",
        "Bébé a grandi, elle ne sert plus.",
    ]),
    "jouets": Leaf("teddy", 4, [
        _i("Ours en peluche géant", 8_000, 25_000),
        _i("Voiture télécommandée", 10_000, 30_000, "car", car="small"),
        _i("Boîte de Lego Classic", 10_000, 30_000, "blocks"),
        _i("Vélo enfant 16 pouces avec roulettes", 25_000, 50_000, "bicycle", training=True),
        _i("Ballon de foot enfant", 2_000, 5_000, "ball"),
    ], [
        "Complet, aucune pièce manquante.",
        "Propre et en très bon état.",
        "Les enfants ont grandi.",
        "Idéal pour un anniversaire.",
    ]),
    "vetements-enfants": Leaf("onesie", 4, [
        _i("Lot de 10 bodies bébé 0-6 mois", 6_000, 15_000),
        _i("Robe fillette en pagne 4 ans", 3_000, 8_000, "dress", pattern="wax"),
        _i("Uniforme scolaire taille 8 ans", 3_000, 7_000, "shirt", pattern="plain"),
        _i("Ensemble garçon jean + t-shirt 6 ans", 4_000, 9_000, "shirt"),
        _i("Chaussures enfant pointure 28", 3_000, 10_000, "shoe"),
    ], [
        "Très peu portés, comme neufs.",
        "Lavés et repassés.",
        "Tissu doux, adapté aux peaux sensibles.",
        "Les enfants grandissent trop vite !",
    ], bulk=True),
    "puericulture": Leaf("baby_bottle", 3, [
        _i("Lit bébé en bois avec matelas", 35_000, 80_000, "crib"),
        _i("Chaise haute évolutive", 20_000, 45_000, "chair"),
        _i("Lot de biberons Philips Avent", 5_000, 12_000),
        _i("Stérilisateur électrique Philips Avent", 15_000, 30_000),
    ], [
        "Stérilisé et très propre.",
        "Servi pour un seul enfant.",
        "Conforme aux normes européennes.",
        "Notice fournie.",
    ]),
    "voitures": Leaf("car", 5, [
        _i("Toyota Corolla 2008 automatique", 3_500_000, 5_500_000),
        _i("Toyota RAV4 2010", 6_000_000, 8_500_000, None, car="suv"),
        _i("Toyota Yaris 2012", 3_000_000, 4_500_000, None, car="small"),
        _i("Hyundai Accent 2014", 3_500_000, 5_000_000),
        _i("Mercedes Classe C 2009", 5_000_000, 7_500_000),
        _i("Toyota Land Cruiser Prado 2011", 12_000_000, 18_000_000, None, car="suv"),
        _i("Nissan Sunny 2006", 2_000_000, 3_200_000),
        _i("Suzuki Alto 2015", 2_500_000, 3_500_000, None, car="small"),
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
        _i("Moto Nanfang 125", 350_000, 550_000),
        _i("Moto Honda CG 125", 450_000, 700_000),
        _i("Moto Yamaha Crux 110", 400_000, 600_000),
        _i("Moto Haojue 150", 500_000, 800_000),
        _i("Moto Sanya 125", 450_000, 750_000),
        _i("Moto Suzuki AX 100", 380_000, 550_000),
        _i("Moto Lifan 150 carénée", 600_000, 900_000),
    ], [
        "Carte grise et assurance à jour.",
        "Moteur propre, démarre au premier coup.",
        "Idéale pour le travail ou le benskin.",
        "Pneus en bon état.",
        "Jamais accidentée.",
        "Kilométrage réel : {km} km.",
    ]),
    "pieces-auto": Leaf("tire", 4, [
        _i("Pneus Michelin 205/55 R16 (lot de 2)", 60_000, 110_000, None, pair=True),
        _i("Jante alu 16 pouces Toyota", 30_000, 60_000),
        _i("Pneu moto 2.75-18", 10_000, 18_000),
        _i("Batterie Varta 70 Ah", 40_000, 65_000, "battery"),
        _i("Batterie moto 12 V", 8_000, 15_000, "battery"),
    ], [
        "Pièce d'origine, pas une copie.",
        "Montage possible chez mon mécanicien.",
        "Peu roulé, encore beaucoup de gomme.",
        "Testée devant vous avant l'achat.",
    ]),
    "velos": Leaf("bicycle", 3, [
        _i("VTT Rockrider 26 pouces", 60_000, 120_000),
        _i("Vélo de ville avec panier", 40_000, 80_000, None, basket=True),
        _i("Vélo de course Btwin", 80_000, 150_000),
        _i("BMX freestyle", 35_000, 70_000),
    ], [
        "Freins et vitesses bien réglés.",
        "Chaîne graissée, pneus gonflés.",
        "Cadre sans fissure ni rouille.",
        "Idéal pour les trajets courts.",
    ]),
    "football": Leaf("ball", 4, [
        _i("Ballon Adidas officiel taille 5", 8_000, 25_000),
        _i("Ballon de foot Nike Strike", 7_000, 18_000),
        _i("Maillot du Coton Sport de Garoua taille {taille}", 6_000, 15_000, "shirt",
           pattern="jersey", collar=False),
        _i("Crampons Nike Mercurial pointure {pointure}", 15_000, 40_000, "shoe"),
    ], [
        "Très bonne tenue, parfait pour les matchs du dimanche.",
        "Peu utilisé.",
        "Original, pas une copie.",
        "Idéal pour les équipes de quartier.",
    ]),
    "fitness": Leaf("dumbbell", 3, [
        _i("Haltères réglables 2 x 10 kg", 20_000, 45_000),
        _i("Paire d'haltères 5 kg", 10_000, 20_000),
        _i("Tapis de yoga épais", 5_000, 12_000, "yogamat"),
        _i("Tapis de sol pour abdos", 4_000, 9_000, "yogamat"),
    ], [
        "Parfait pour s'entraîner à la maison.",
        "Comme neuf, presque pas servi.",
        "Revêtement antidérapant.",
        "Bonne résolution abandonnée, à saisir !",
    ]),
    "instruments": Leaf("guitar", 4, [
        _i("Guitare acoustique Yamaha", 40_000, 90_000),
        _i("Guitare basse électrique", 60_000, 150_000, None, electric=True),
        _i("Clavier Yamaha PSR-E373", 90_000, 150_000, "keyboard"),
        _i("Djembé en bois sculpté", 15_000, 40_000, "djembe"),
        _i("Balafon traditionnel", 25_000, 60_000, "balafon", "Fabriqué par un artisan de l'Ouest."),
    ], [
        "Son juste, accordé récemment.",
        "Idéal pour débuter ou pour l'église.",
        "Housse de transport offerte.",
        "Aucune fissure.",
    ]),
    "jeux-societe": Leaf("awale", 2, [
        _i("Jeu de songo (awalé) en bois sculpté", 8_000, 25_000),
        _i("Damier en bois avec pions", 5_000, 15_000, "checkers"),
        _i("Jeu d'échecs en bois", 8_000, 20_000, "checkers"),
    ], [
        "Complet, aucune pièce manquante.",
        "Fabriqué à la main.",
        "Parfait pour les soirées en famille.",
    ]),
    "livres-scolaires": Leaf("book", 5, [
        _i("Lot de livres de Terminale C", 15_000, 35_000, None, stack=True),
        _i("Manuel de mathématiques 3e", 3_500, 7_000),
        _i("Dictionnaire Larousse illustré", 8_000, 18_000),
        _i("Livres de CM2 programme officiel", 8_000, 15_000, None, stack=True),
        _i("Annales du BEPC corrigées", 2_000, 5_000),
        _i("Cahier d'activités d'anglais Form 2", 2_000, 4_000),
    ], [
        "Programme officiel en vigueur.",
        "Quelques annotations au crayon.",
        "Couvertures protégées.",
        "Aucune page déchirée.",
    ], bulk=True),
    "romans": Leaf("book", 4, [
        _i("Une vie de boy – Ferdinand Oyono", 2_000, 5_000),
        _i("Le vieux nègre et la médaille – Ferdinand Oyono", 2_000, 5_000),
        _i("Ville cruelle – Eza Boto (Mongo Beti)", 2_000, 5_000),
        _i("Le Pauvre Christ de Bomba – Mongo Beti", 2_500, 6_000),
        _i("Les Impatientes – Djaïli Amadou Amal", 5_000, 10_000),
        _i("L'Enfant noir – Camara Laye", 2_000, 4_500),
        _i("Americanah – Chimamanda Ngozi Adichie", 4_000, 9_000),
    ], [
        "Lu une seule fois.",
        "Édition de poche.",
        "Aucune page cornée.",
        "Au programme de plusieurs lycées.",
    ], bulk=True),
    "bd-mangas": Leaf("book", 3, [
        _i("One Piece tomes 1 à 10", 15_000, 30_000, None, stack=True),
        _i("Naruto tomes 1 à 5", 8_000, 15_000, None, stack=True),
        _i("Astérix – lot de 6 albums", 10_000, 20_000, None, stack=True),
        _i("Aya de Yopougon tome 1", 4_000, 8_000),
        _i("Tintin – Objectif Lune", 3_000, 6_000),
    ], [
        "Version française.",
        "Très bon état, conservés à l'abri de la lumière.",
        "Parfait pour compléter une collection.",
    ]),
    "musique-films": Leaf("disc", 3, [
        _i("Vinyles de makossa des années 80", 5_000, 15_000),
        _i("Disque vinyle Manu Dibango – Soul Makossa", 10_000, 25_000),
        _i("Collection de CD de bikutsi", 5_000, 12_000, None, cd=True),
        _i("Lot de DVD de films nollywood", 3_000, 8_000, None, cd=True),
    ], [
        "Aucune rayure, lecture parfaite.",
        "Pochettes d'origine.",
        "Pour les nostalgiques de la belle époque.",
    ]),
    "parfums": Leaf("perfume", 5, [
        _i("Parfum Dior Sauvage 100 ml", 35_000, 70_000),
        _i("Chanel N°5 eau de parfum 50 ml", 40_000, 80_000),
        _i("Parfum Lattafa Oud 100 ml", 10_000, 20_000),
        _i("Hugo Boss Bottled 100 ml", 25_000, 50_000),
        _i("Eau de toilette Lacoste L.12.12", 20_000, 40_000),
        _i("Coffret parfum femme Yves Saint Laurent", 35_000, 65_000),
    ], [
        "Original, acheté en parfumerie.",
        "Flacon presque plein.",
        "Sous blister, jamais ouvert.",
        "Tenue toute la journée.",
    ], bulk=True),
    "soins": Leaf("lotion", 4, [
        _i("Lait de corps Nivea 400 ml (lot de 3)", 5_000, 10_000),
        _i("Beurre de karité pur du Nord", 2_000, 6_000, "jar", "Karité artisanal, récolté près de Garoua."),
        _i("Huile de coco vierge 500 ml", 3_000, 6_000),
        _i("Crème hydratante Cetaphil", 6_000, 12_000, "jar"),
        _i("Gel douche Dove (lot de 2)", 2_000, 4_000),
    ], [
        "Produit neuf, date de péremption lointaine.",
        "Convient aux peaux sèches.",
        "Sans paraben.",
    ], bulk=True),
    "maquillage": Leaf("lipstick", 3, [
        _i("Rouge à lèvres MAC Ruby Woo", 8_000, 15_000),
        _i("Palette Huda Beauty", 20_000, 40_000, "palette"),
        _i("Kit maquillage complet avec pinceaux", 15_000, 35_000, "palette"),
        _i("Fond de teint Fenty Beauty", 15_000, 25_000, "lotion"),
    ], [
        "Original, acheté en boutique.",
        "Jamais utilisé, teinte qui ne me va pas.",
        "Convient aux peaux foncées.",
    ], bulk=True),
    "coiffure": Leaf("clipper", 3, [
        _i("Tondeuse Wahl Magic Clip", 25_000, 45_000),
        _i("Tondeuse Philips Series 3000", 15_000, 25_000),
        _i("Sèche-cheveux Babyliss 2000 W", 12_000, 25_000, "hairdryer"),
        _i("Défrisant Dark and Lovely (lot de 3)", 3_000, 6_000, "jar"),
    ], [
        "Idéal pour les salons de coiffure.",
        "Lames bien aiguisées.",
        "Fonctionne parfaitement.",
        "Vendu avec ses accessoires.",
    ]),
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


# --- the seed ----------------------------------------------------------------------------------

def seed_demo(*, products=220):
    """Fill an empty (migrated) database with demo data; return counts. Does nothing twice."""
    started = time.perf_counter()
    demo_emails = [account["email"] for account in DEMO_ACCOUNTS]
    if db.session.scalar(select(func.count()).select_from(User).where(User.email.in_(demo_emails))):
        return _summary(created=False, seconds=time.perf_counter() - started)

    storage = current_app.extensions["vgk.storage"]
    stored_keys = []
    try:
        cities = _ensure_cities()
        points = _ensure_pickup_points(cities)
        leaves = _ensure_categories()
        sellers = _create_accounts(cities, points)
        _create_products(random.Random(SEED), products, cities, points, leaves, sellers, stored_keys)
        db.session.commit()
    except Exception:
        db.session.rollback()
        for key in stored_keys:
            storage.delete(key)
        raise
    summary = _summary(created=True, seconds=time.perf_counter() - started)
    log.info("demo data seeded: %s", summary)
    return summary


def _summary(*, created, seconds):
    def count(model, *where):
        return db.session.scalar(select(func.count()).select_from(model).where(*where))

    by_status = dict(db.session.execute(select(Product.status, func.count()).group_by(Product.status)).all())
    return {
        "created": created,
        "seconds": round(seconds, 1),
        "cities": count(City),
        "pickup_points": count(PickupPoint),
        "categories": count(Category),
        "users": count(User),
        "products": {status: by_status.get(status, 0) for status in ProductStatus.ALL if by_status.get(status)},
        "images": count(ProductImage),
    }


def _ensure_cities():
    existing = {city.slug: city for city in db.session.scalars(select(City))}
    for position, (slug, name, region) in enumerate(CITIES, start=1):
        if slug not in existing:
            existing[slug] = City(slug=slug, name=name, region=region, position=position,
                                  delivery_fee=DELIVERY_FEES.get(slug))
            db.session.add(existing[slug])
    return existing


def _ensure_pickup_points(cities):
    existing = {point.name: point for point in db.session.scalars(select(PickupPoint))}
    points = {}
    for city_slug, name, address, hours, phone in PICKUP_POINTS:
        point = existing.get(name)
        if point is None:
            point = PickupPoint(city=cities[city_slug], name=name, address=address, opening_hours=hours,
                                phone=phone)
            db.session.add(point)
        points[name] = point
    return points


def _ensure_categories():
    """Create the two-level tree; return the leaf categories by slug."""
    existing = {category.slug: category for category in db.session.scalars(select(Category))}
    leaves = {}
    for position, (slug, name_fr, name_en, icon, children) in enumerate(CATEGORIES, start=1):
        parent = existing.get(slug)
        if parent is None:
            parent = Category(slug=slug, name_fr=name_fr, name_en=name_en, icon=icon, position=position)
            db.session.add(parent)
        for child_position, (child_slug, child_fr, child_en, child_icon) in enumerate(children, start=1):
            child = existing.get(child_slug)
            if child is None:
                child = Category(parent=parent, slug=child_slug, name_fr=child_fr, name_en=child_en,
                                 icon=child_icon, position=child_position)
                db.session.add(child)
            leaves[child_slug] = child
    return leaves


def _create_accounts(cities, points):
    """The four demo accounts and the extra sellers; return [(seller, weight)]."""
    # One scrypt hash for everyone: they share the public demo password and it keeps the seed fast.
    password_hash = generate_password_hash(DEMO_PASSWORD)
    verified_at = utcnow() - timedelta(days=HISTORY_DAYS + 30)
    existing = {user.email: user for user in db.session.scalars(select(User).where(User.email.like("%@vgk.test")))}

    def account(email, name, role, city, phone, pickup_point=None):
        user = existing.get(email)
        if user is None:
            user = User(email=email, name=name, role=role, status=UserStatus.ACTIVE, locale="fr",
                        city=cities[city], phone=phone, phone_verified_at=verified_at,
                        password_hash=password_hash, pickup_point=pickup_point, created_at=verified_at)
            db.session.add(user)
        # Their addresses are the project's own (vgk.test): verified, so Google and reset links work.
        user.email_verified_at = user.email_verified_at or verified_at
        return user

    sellers = []
    for spec in DEMO_ACCOUNTS:
        user = account(spec["email"], spec["name"], spec["role"], spec["city"], spec["phone"],
                       points.get(spec.get("pickup_point")))
        if spec["role"] in (Role.ADMIN, Role.STAFF):
            # Admins and staff must use a second factor: the demo ones get SMS codes (see /dev/outbox).
            user.two_factor = user.two_factor or TwoFactor.SMS
        if spec["role"] == Role.STAFF and not user.pin_hash:
            user.pin_hash = generate_password_hash(DEMO_STAFF_PIN)
        if spec["email"] == MAIN_SELLER:
            sellers.append((user, MAIN_SELLER_SHARE))
    for name, email, city, phone, weight in SELLERS:
        sellers.append((account(email, name, Role.CLIENT, city, phone), weight))
    return sellers


def _round_price(value):
    step = 500 if value < 100_000 else 5_000 if value < 2_000_000 else 50_000
    return max(step, int(round(value / step)) * step)


def _fill_title(template, rng):
    colour = None
    if "{c}" in template or "{cf}" in template:
        colour = rng.choice(demo_images.COLOURS)
    title = template.format(
        sto=rng.choice(["64 Go", "128 Go", "128 Go", "256 Go"]),
        taille=rng.choice(SIZES),
        pointure=rng.randint(39, 45),
        pointuref=rng.randint(36, 41),
        c=colour[0] if colour else "",
        cf=colour[1] if colour else "",
    )
    return title, (colour[2] if colour else None)


def _describe(rng, title, item, leaf, condition, city, points_by_city, negotiable):
    features = list(item.notes) + rng.sample(leaf.features, k=min(len(leaf.features), rng.randint(2, 3)))
    features = [f.format(km=f"{rng.randrange(40_000, 220_000, 1_000):,}".replace(",", " ")) for f in features]
    quarter = rng.choice(QUARTERS[city.slug])
    if points_by_city.get(city.slug) and rng.random() < 0.6:
        handover = f"Remise au {rng.choice(points_by_city[city.slug]).name} ou en main propre à {quarter}."
    else:
        handover = f"Visible à {quarter}, {city.name}. Remise en main propre."
    if negotiable:
        closing = rng.choice(["Prix légèrement négociable.", "Prix à débattre raisonnablement."])
    else:
        closing = rng.choice(["Prix ferme.", "Prix ferme, pas sérieux s'abstenir.", ""])
    paragraphs = [
        f"{rng.choice(OPENERS).format(title=title)} {rng.choice(CONDITION_PHRASES[condition])}",
        " ".join(features[:3]),
        " ".join(part for part in (handover, rng.choice(PAYMENT_PHRASES), closing) if part),
    ]
    return "\n".join(paragraphs)


def _plan(rng, count):
    """[(leaf slug, forced item or None)]: the showcase first, then every leaf at least twice and
    the rest by popularity, shuffled."""
    showcase = [
        (slug, next(item for item in CATALOGUE[slug].items if item.title == title)) for slug, title in SHOWCASE
    ]
    slugs = list(CATALOGUE)
    rest = [slug for slug in slugs for _ in range(2)]
    weights = [CATALOGUE[slug].weight for slug in slugs]
    rest += rng.choices(slugs, weights=weights, k=max(0, count - len(showcase) - len(rest)))
    rng.shuffle(rest)
    return (showcase + [(slug, None) for slug in rest])[:count]


def _create_products(rng, active_count, cities, points, leaves, sellers, stored_keys):
    now = utcnow()
    points_by_city = {}
    for point in points.values():
        points_by_city.setdefault(point.city.slug, []).append(point)
    main_seller = sellers[0][0]
    city_slugs = list(CITY_WEIGHTS)
    city_weights = list(CITY_WEIGHTS.values())
    seen_titles = set()

    total = active_count + PENDING_PRODUCTS + DRAFT_PRODUCTS
    for index, (leaf_slug, forced_item) in enumerate(_plan(rng, total)):
        leaf = CATALOGUE[leaf_slug]
        if index < active_count:
            status = ProductStatus.ACTIVE
        elif index < active_count + PENDING_PRODUCTS:
            status = ProductStatus.PENDING
        else:
            status = ProductStatus.DRAFT

        if status == ProductStatus.DRAFT:
            seller = main_seller
        elif status == ProductStatus.PENDING and index % 3 == 0:
            seller = main_seller
        else:
            seller = rng.choices([s for s, _ in sellers], weights=[w for _, w in sellers])[0]
        city = seller.city if rng.random() < 0.85 else cities[rng.choices(city_slugs, weights=city_weights)[0]]

        condition = rng.choices(CONDITIONS, weights=CONDITION_WEIGHTS)[0]
        for _attempt in range(4):
            item = forced_item or rng.choice(leaf.items)
            title, colour = _fill_title(item.title, rng)
            if title not in seen_titles:
                break
        else:
            for qualifier in rng.sample(QUALIFIERS[condition], k=len(QUALIFIERS[condition])):
                if f"{title} – {qualifier}" not in seen_titles:
                    title = f"{title} – {qualifier}"
                    break
        seen_titles.add(title)
        low_t, high_t = CONDITION_PRICE[condition]
        price = _round_price(item.low + (item.high - item.low) * rng.uniform(low_t, high_t))
        negotiable = rng.random() < (0.7 if leaf_slug in ("voitures", "motos", "meubles") else 0.4)
        quantity = rng.randint(2, 5) if leaf.bulk and rng.random() < 0.3 else 1

        if status == ProductStatus.ACTIVE:
            age = timedelta(days=HISTORY_DAYS * rng.random() ** 1.3, minutes=rng.randint(0, 1439))
            age_days = age.total_seconds() / 86_400
            views = int(rng.lognormvariate(2.6, 0.9) * (0.4 + age_days / 12))
        else:
            age = timedelta(days=rng.uniform(0, 3), minutes=rng.randint(0, 1439))
            views = 0
        created_at = now - age

        product = Product(
            public_id=new_public_id(),
            seller=seller,
            category=leaves[leaf_slug],
            city=city,
            title=title,
            description=_describe(rng, title, item, leaf, condition, city, points_by_city, negotiable),
            price=price,
            negotiable=negotiable,
            condition=condition,
            status=status,
            quantity=quantity,
            view_count=min(views, 5_000),
            created_at=created_at,
            updated_at=created_at,
            published_at=created_at if status == ProductStatus.ACTIVE else None,
            submitted_at=created_at if status in (ProductStatus.ACTIVE, ProductStatus.PENDING) else None,
        )
        db.session.add(product)

        picture_seed = rng.getrandbits(31)
        for position in range(rng.choices([1, 2, 3], weights=[3, 4, 3])[0]):
            data = demo_images.render(item.family or leaf.family, picture_seed, position, colour, **item.style)
            image = store_product_image(product, data, position)
            stored_keys += [image.thumb_key, image.large_key]
            db.session.add(image)

    # Listings awaiting moderation carry their automatic flags, as after a real submission.
    db.session.flush()
    for product in db.session.scalars(select(Product).where(Product.status == ProductStatus.PENDING)):
        moderation.refresh_flags(product)
