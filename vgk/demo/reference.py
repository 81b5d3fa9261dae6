"""The demo's reference data: the ten cities, their delivery fees, pickup points and quarters, and the
two-level category tree. The seed adds only the rows missing by natural key (slug or name)."""

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
