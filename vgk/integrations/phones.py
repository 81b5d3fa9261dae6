"""Phone numbers as the adapters see them: the separators people type are dropped, and logs only ever
show a number's last three digits."""
import re

_SEPARATORS = re.compile(r"[\s\-.()]")


def compact_number(raw: object) -> str:
    """The number without spaces, dashes, dots or brackets: '+237 6 90-00.00(01)' -> '+237690000001'."""
    return _SEPARATORS.sub("", str(raw or ""))


def mask_phone(number: object) -> str:
    """'+237690000001' -> '***001': enough to tell recipients apart in logs, not enough to call them."""
    digits = "".join(ch for ch in str(number or "") if ch.isdigit())
    return "***" + digits[-3:] if digits else "***"
