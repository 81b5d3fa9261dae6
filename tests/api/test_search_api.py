"""The app's listing corrects a misspelled search as the web does and says so in `did_you_mean`
(checked against the served OpenAPI document)."""
from tests import factories as f


def titles_of(body):
    return [card["title"] for card in body["results"]]


def test_did_you_mean_gives_the_corrected_query_whose_results_are_listed(api):
    fridges = f.category("Réfrigérateurs", slug="refrigerateurs", name_en="Fridges")
    f.product("Réfrigérateur Hisense 200 litres", category_=fridges)
    f.product("Téléphone Tecno Spark")
    corrected = api.get("products/", query={"q": "refrigirateur hisense"}).get_json()
    assert corrected["did_you_mean"] == "refrigerateur hisense"
    assert titles_of(corrected) == ["Réfrigérateur Hisense 200 litres"] and corrected["count"] == 1
    assert "suggestions" not in corrected
    typed = api.get("products/", query={"q": "réfrigérateur"}).get_json()
    assert typed["did_you_mean"] is None and titles_of(typed) == ["Réfrigérateur Hisense 200 litres"]
    listing = api.get("products/").get_json()
    assert listing["did_you_mean"] is None and listing["count"] == 2


def test_nothing_found_even_corrected_has_no_did_you_mean_but_the_nearest_categories(api):
    fridges = f.category("Réfrigérateurs", slug="refrigerateurs", name_en="Fridges")
    f.product("Chaise en bois")
    found = api.get("products/", query={"q": "refrigirateur"}).get_json()
    assert found["did_you_mean"] is None and found["count"] == 0
    assert [c["slug"] for c in found["suggestions"]["categories"]] == [fridges.slug]


def test_the_document_describes_did_you_mean(api):
    listing = api.spec["paths"]["/mobile/api/products/"]["get"]
    schema = listing["responses"]["200"]["content"]["application/json"]["schema"]
    assert "did_you_mean" in schema["required"]
    assert schema["properties"]["did_you_mean"]["type"] == ["string", "null"]
