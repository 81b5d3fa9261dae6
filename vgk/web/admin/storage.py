"""The storage page (/admin/stockage): bytes and counts by kind and place, the weekly growth, the
database's size, the thresholds, what the next offload will move, and the backups kept."""
from flask import render_template
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

from vgk.services.storage import figures
from vgk.web.admin import bp
from vgk.web.admin.common import admin_only

KIND_WORDS = {"photo": _l("Photos d’annonces"), "thumbnail": _l("Vignettes d’annonces"),
              "chat_photo": _l("Photos des conversations"), "export": _l("Exports CSV"), "other": _l("Autres fichiers")}
REASON_WORDS = {"size": _l("volumineux"), "age": _l("ancien"), "budget": _l("au-delà du budget local")}
BACKEND_WORDS = {"local": _l("Disque local seulement"), "dropbox": _l("Disque local et Dropbox")}
UNITS = (_l("octets"), _l("Ko"), _l("Mo"), _l("Go"), _l("To"))


def size(count):
    """A size in the units people read: `950 octets`, `12,4 Mo`."""
    value, unit = float(count or 0), 0
    while value >= 1024 and unit < len(UNITS) - 1:
        value /= 1024
        unit += 1
    shown = format_decimal(value, format="#,##0" if unit == 0 else "#,##0.0")
    return f"{shown}\u00a0{UNITS[unit]}"


@bp.get("/stockage")
@admin_only
def storage_page():
    return render_template("admin/storage.html", figures=figures.figures(), size=size, kinds=KIND_WORDS,
                           reasons=REASON_WORDS, backends=BACKEND_WORDS)
