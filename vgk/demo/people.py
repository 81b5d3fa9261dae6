"""The demo's people: the four demo accounts (one per role), the extra sellers with their share of the
listings, and where listings are. They all share one public password: never seed a real production database."""
from vgk.models import Role

DEMO_PASSWORD = "demo-pass-237"
DEMO_STAFF_PIN = "246810"

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
