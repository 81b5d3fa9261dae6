"""Saved searches from the app: list, create and delete them. Thin over vgk.services.catalogue.alerts, like
the account page "Mes alertes" and the search page's "Créer une alerte"."""
from vgk.api import bp
from vgk.api.base import api_client, body, current_api_user, integer, ok, text
from vgk.api.openapi import envelope, nullable, operation, ref, schemas
from vgk.api.schemas import iso
from vgk.services.catalogue import alerts

TAG = "alerts"
STRING = {"type": "string"}

schemas(SearchAlert={
    "type": "object", "required": ["id", "q", "category", "city", "max_price", "search", "created_at"],
    "description": "a saved search: the same filters as GET /products/ (q, category and city slugs, max_price)",
    "properties": {
        "id": STRING, "q": STRING, "category": nullable(STRING), "city": nullable(STRING),
        "max_price": nullable({"type": "integer", "minimum": 0}),
        "search": {"type": "string", "description": "what it looks for in a few words, in the caller's language"},
        "created_at": {"type": "string", "format": "date-time"}}})


def alert_json(alert, locale):
    return {"id": alert.public_id, "q": alert.query, "category": alert.category.slug if alert.category else None,
            "city": alert.city.slug if alert.city else None, "max_price": alert.max_price,
            "search": alerts.describe(alert, locale), "created_at": iso(alert.created_at)}


@bp.get("/client/alerts/")
@api_client
@operation("My saved searches, newest first", tag=TAG,
           ok=envelope({"results": {"type": "array", "items": ref("SearchAlert")}}),
           description=f"At most {alerts.MAX_ALERTS}: the whole list, no pages.")
def my_alerts():
    me = current_api_user()
    return ok(results=[alert_json(alert, me.locale) for alert in alerts.alerts_of(me)])


@bp.post("/client/alerts/")
@api_client
@operation("Save a search: be told of new listings it finds", tag=TAG, status=201, errors=(409,),
           ok=envelope({"alert": ref("SearchAlert")}),
           body={"type": "object", "properties": {
               "q": {"type": "string", "maxLength": 200}, "category": STRING, "city": STRING,
               "max_price": {"type": "integer", "minimum": 0}}},
           description="At least one filter. The same search saved again answers the alert already saved. "
           f"400 for an unknown category or city; 409 past {alerts.MAX_ALERTS} alerts. A new listing matching "
           "the search is announced by push or email (the person's alert preferences).")
def create_alert():
    data = body()
    me = current_api_user()
    fields = {"q": text(data, "q", max_length=200), "category": text(data, "category", max_length=80),
              "city": text(data, "city", max_length=60), "max_price": integer(data, "max_price", low=0)}
    return ok(201, alert=alert_json(alerts.create(me, fields), me.locale))


@bp.delete("/client/alerts/<alert_id>/")
@api_client
@operation("Delete one of my saved searches", tag=TAG, description="404 for an alert that is not the caller's.")
def delete_alert(alert_id):
    alerts.delete(current_api_user(), alert_id)
    return ok()
