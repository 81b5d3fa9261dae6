"""Search finds what people call things: category names (FR/EN, singular or plural, accent-free) and
common synonyms, on SQLite and PostgreSQL."""
from tests import factories as f
from vgk.services.catalogue import catalog
from vgk.services.catalogue.vocabulary import CategoryName, match_categories, singular


def listing(**params):
    return catalog.list_products(catalog.ListingFilters.from_params(params), per_page=20)


def titles(page):
    return [p.title for p in page.items]


def shop(app):
    """A small shop: phones and shoes, with titles that never say "téléphone" or "chaussures"."""
    electronics = f.category("Électronique", slug="electronique", name_en="Electronics")
    phones = f.category("Téléphones & tablettes", slug="telephones", parent=electronics, name_en="Phones & tablets")
    tv = f.category("Télévisions", slug="tv", parent=electronics, name_en="TV and audio")
    fashion = f.category("Mode", slug="mode", name_en="Fashion")
    shoes = f.category("Chaussures", slug="chaussures", parent=fashion, name_en="Shoes")
    f.product("Samsung Galaxy A12", category_=phones, age_minutes=5)
    f.product("Tecno Spark 10", category_=phones, age_minutes=4)
    f.product("Nike Air Max pointure 42", category_=shoes, age_minutes=3)
    f.product("Écran Samsung 43 pouces", category_=tv, age_minutes=2)
    f.product("Robe wax", category_=fashion, description="Belle robe", age_minutes=1)
    return phones, shoes


def test_category_names_and_synonyms_find_the_category_items(app):
    shop(app)
    phones = {"Samsung Galaxy A12", "Tecno Spark 10"}
    for query in ("telephone", "téléphone", "Téléphones", "smartphone", "portable", "phone"):
        assert set(titles(listing(q=query))) == phones, query
    assert titles(listing(q="chaussures")) == ["Nike Air Max pointure 42"]
    assert titles(listing(q="basket")) == ["Nike Air Max pointure 42"]
    assert titles(listing(q="shoes")) == ["Nike Air Max pointure 42"]
    assert titles(listing(q="tv")) == ["Écran Samsung 43 pouces"]


def test_a_parent_category_name_finds_its_subcategories_items(app):
    shop(app)
    assert set(titles(listing(q="mode"))) == {"Nike Air Max pointure 42", "Robe wax"}


def test_other_words_still_narrow_a_category_search(app):
    shop(app)
    assert titles(listing(q="telephone samsung")) == ["Samsung Galaxy A12"]
    assert titles(listing(q="chaussures samsung")) == []


def test_title_matches_come_before_category_matches(app):
    phones, _ = shop(app)
    f.product("Housse pour téléphone", age_minutes=60)  # not in the phones category, older
    f.product("Chargeur", description="Pour téléphone Samsung", age_minutes=0)
    page = listing(q="telephone")
    assert titles(page)[0] == "Housse pour téléphone"
    # then the phones category's items, then what only the description mentions
    assert set(titles(page)[1:3]) == {"Samsung Galaxy A12", "Tecno Spark 10"}
    assert titles(page)[3] == "Chargeur"


def test_category_search_counts_and_respects_filters(app):
    shop(app)
    page = catalog.list_products(catalog.ListingFilters.from_params({"q": "telephone"}), 20, with_count=True)
    assert page.count == 2
    assert titles(listing(q="telephone", max_price="5000")) == []
    assert titles(listing(q="telephone", sort="price_asc")) != []


def test_synonyms_in_titles_are_found(app):
    f.product("Frigo Hisense 200 litres")
    f.product("Lit deux places")
    assert titles(listing(q="refrigerateur")) == ["Frigo Hisense 200 litres"]
    # short synonyms are whole words: a bed search does not find "litres"
    assert titles(listing(q="bed")) == ["Lit deux places"]


def test_words_with_another_meaning_are_searched_only_when_typed(app):
    f.product("Ordinateur portable HP")
    f.product("Téléphone Itel", description="Payez par Mobile Money")
    assert titles(listing(q="telephone")) == ["Téléphone Itel"]  # not the laptop
    assert set(titles(listing(q="portable"))) == {"Ordinateur portable HP", "Téléphone Itel"}


def test_words_and_categories_are_compared_singular_and_accent_free():
    assert singular("chaussures") == "chaussure"
    assert singular("jeux") == "jeu"
    rows = [CategoryName(1, None, "Mode", "Fashion"), CategoryName(2, 1, "Chaussures", "Shoes"),
            CategoryName(3, None, "Téléphones & tablettes", "Phones & tablets")]
    assert match_categories(["chaussure"], rows).ids == [2]
    assert match_categories(["smartphones", "tecno"], rows).ids == [3]
    assert match_categories(["smartphones", "tecno"], rows).rest == ["tecno"]
    assert match_categories(["et"], rows).ids == []
    both = match_categories(["telephone", "chaussure"], rows)
    assert both.ids == [] and both.named == [2, 3]
