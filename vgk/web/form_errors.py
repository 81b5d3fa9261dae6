"""A refused change's field messages, as every form of the site shows them.

Services raise Invalid with either a message per field ({"phone": "Ce numéro est déjà utilisé..."}) or a
short code ({"code": "wrong"}), in which case the error's own message is the field's."""
import re

_CODE = re.compile(r"[a-z_]+")


def field_messages(error):
    """Field -> message from an Invalid error."""
    return {
        field: str(error.message) if _CODE.fullmatch(str(value)) else str(value)
        for field, value in (error.fields or {}).items()
    }


def apply_errors(form, error, aliases=None):
    """Show an Invalid's field messages under the form's fields (a service's field name may differ
    from the form's: `aliases`); returns the message for the top, or None when a field shows it."""
    aliases = aliases or {}
    shown = set()
    for name, message in field_messages(error).items():
        field = getattr(form, aliases.get(name, name), None)
        if field is None or not hasattr(field, "errors"):
            continue
        field.errors = list(field.errors or []) + [message]
        shown.add(message)
    message = str(error.message)
    return None if message in shown else message
