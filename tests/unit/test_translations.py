"""Every translatable string of the code and templates has an English translation."""
import pathlib

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = pathlib.Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def _extracted():
    found = {}
    methods = [("**.py", "python"), ("**.html", "jinja2")]
    for folder in ("vgk", "templates"):
        for filename, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT / folder), method_map=methods, keywords=KEYWORDS
        ):
            msgid = message[0] if isinstance(message, tuple) else message
            found.setdefault(msgid, f"{folder}/{filename}")
    return found


def test_every_message_has_an_english_translation():
    with open(ROOT / "vgk/translations/en/LC_MESSAGES/messages.po", "rb") as handle:
        catalog = read_po(handle)
    extracted = _extracted()
    assert len(extracted) > 50  # the extraction really saw the templates and the code
    missing = []
    for msgid, where in extracted.items():
        entry = catalog.get(msgid)
        if entry is None or not entry.string or entry.fuzzy:
            missing.append(f"{where}: {msgid}")
    assert missing == []
