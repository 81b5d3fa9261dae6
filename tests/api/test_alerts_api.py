"""The app's saved searches: the same service as the account page, JSON envelopes, clients only."""
from tests import factories as f
from vgk.models import Role
from vgk.services.catalogue import alerts

URL = "/mobile/api/client/alerts/"


def test_visitors_and_other_roles_are_refused(app, client):
    assert client.get(URL).status_code == 401
    response = client.post(URL, json={"q": "vélo"})
    assert response.status_code == 401 and response.get_json()["success"] is False
    staff = f.user(role=Role.STAFF)
    assert client.get(URL, headers=f.bearer(staff)).status_code == 403


def test_a_client_saves_lists_and_deletes_an_alert(app, client):
    f.city("Douala", "douala")
    f.category("Vélos", "velos", name_en="Bikes")
    me = f.user(locale="en")
    headers = f.bearer(me)
    response = client.post(URL, json={"category": "velos", "city": "douala", "max_price": 50000}, headers=headers)
    assert response.status_code == 201
    alert = response.get_json()["alert"]
    assert (alert["q"], alert["category"], alert["city"], alert["max_price"], alert["search"]) == (
        "", "velos", "douala", 50000, "Bikes")
    [listed] = client.get(URL, headers=headers).get_json()["results"]
    assert listed["id"] == alert["id"]
    assert [a.public_id for a in alerts.alerts_of(me)] == [alert["id"]]  # the service the web page uses
    assert client.delete(f"{URL}{alert['id']}/", headers=headers).get_json() == {"success": True}
    assert client.get(URL, headers=headers).get_json()["results"] == []
    assert client.delete(f"{URL}{alert['id']}/", headers=headers).status_code == 404


def test_bad_input_is_a_clear_error(app, client):
    headers = f.bearer(f.user())
    for payload, status in (({}, 400), ({"q": "vélo", "city": "nulle-part"}, 400), ({"q": ["vélo"]}, 400),
                            ({"max_price": -5}, 400)):
        response = client.post(URL, json=payload, headers=headers)
        assert response.status_code == status, payload
        assert response.get_json()["success"] is False and response.get_json()["error"]


def test_the_twenty_first_alert_is_a_conflict(app, client):
    me = f.user()
    for n in range(alerts.MAX_ALERTS):
        alerts.create(me, {"q": f"objet {n}"})
    response = client.post(URL, json={"q": "un de trop"}, headers=f.bearer(me))
    assert response.status_code == 409 and response.get_json()["success"] is False
