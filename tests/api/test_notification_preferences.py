"""Notification preferences from the app: the same choices and rules as the account page, every answer
checked against the OpenAPI document; invalid input is a 400 that changes nothing."""
from tests import factories as f
from vgk.services.notifications.preferences import accepted

BASE = "client/notification_preferences/"


def test_the_defaults(api, app):
    me = f.user()
    answer = api.get(BASE, user=me).get_json()
    assert answer["success"] is True
    prefs = answer["preferences"]
    assert prefs["channels"]["transactional"] == ["push", "sms", "email"]
    assert prefs["channels"]["security"] == ["push", "sms", "email"]
    assert "whatsapp" not in sum(prefs["channels"].values(), [])  # opt-in
    assert (prefs["quiet_start"], prefs["quiet_end"], prefs["language"]) == ("21:00", "07:00", "fr")


def test_a_change_keeps_what_is_left_out(api, app):
    me = f.user()
    response = api.put(BASE, {"channels": {"chat": ["whatsapp"], "security": []}, "quiet_start": "22:00",
                              "quiet_end": "6:30", "language": "en"}, user=me)
    assert response.status_code == 200
    prefs = response.get_json()["preferences"]
    assert prefs["channels"]["chat"] == ["whatsapp"]
    assert prefs["channels"]["security"] == ["sms"]  # security always keeps SMS
    assert prefs["channels"]["alerts"] == ["push", "sms", "email"]  # left out: unchanged
    assert (prefs["quiet_start"], prefs["quiet_end"], prefs["language"]) == ("22:00", "06:30", "en")
    assert api.get(BASE, user=me).get_json()["preferences"] == prefs


def test_invalid_input_changes_nothing(api, app):
    me = f.user()
    for bad in ({"channels": {"chat": ["whatsapp"]}, "quiet_start": "22:00"},  # no end
                {"channels": {"chat": ["whatsapp"]}, "quiet_start": "24:00", "quiet_end": "07:00"},
                {"channels": {"chat": "whatsapp"}}, {"channels": {"chat": ["pigeon"]}},
                {"channels": {"spam": []}}, {"channels": ["chat"]}, {"language": "de"}, {"language": 1},
                {"channels": {"chat": ["whatsapp"]}, "language": "de"}):
        response = api.put(BASE, bad, user=me)
        assert response.status_code == 400, bad
        assert response.get_json()["success"] is False and response.get_json()["error"]["message"]
    assert accepted(me, "chat") == {"push", "sms"}
    assert api.get(BASE, user=me).get_json()["preferences"]["language"] == "fr"


def test_anonymous_callers_are_refused(api, app):
    assert api.get(BASE).status_code == 401
    assert api.put(BASE, {"language": "en"}).status_code == 401
