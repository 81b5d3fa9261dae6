"""Data-saver mode: listing photos only when tapped, and in their smallest size. Asked for by the
browser (`Save-Data: on`) or chosen on /economie-donnees — kept in the account for clients, in the
`vgk_eco` cookie for visitors (set only when they choose). A page whose photos depended on it says
so with `Vary: Save-Data`."""
from flask import g, request
from flask_login import current_user

COOKIE = "vgk_eco"
YEAR = 365 * 24 * 3600
CHOICES = {"1": True, "0": False}


def chosen() -> bool | None:
    """The person's own choice (True, False), or None to follow the browser."""
    if current_user.is_authenticated:
        return current_user.data_saver
    return CHOICES.get(request.cookies.get(COOKIE, ""))


def browser_asks() -> bool:
    return request.headers.get("Save-Data", "").strip().lower() == "on"


def on() -> bool:
    """Is data-saver mode on for this request? Asking marks the response `Vary: Save-Data`."""
    g.varies_on_save_data = True
    choice = chosen()
    return browser_asks() if choice is None else choice


def register(app):
    app.jinja_env.globals["data_saver"] = on

    @app.after_request
    def vary_on_save_data(response):
        if g.pop("varies_on_save_data", False):
            response.vary.add("Save-Data")
        return response
