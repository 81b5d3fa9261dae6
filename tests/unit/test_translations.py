"""Every translatable string of the code and templates has an English translation."""
import pathlib

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = pathlib.Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def _extracted():
    found = {}
    methods = [("**.py", "python"), ("**.html", "jinja2"), ("notifications/**.txt", "jinja2")]
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


def test_a_plain_start_from_a_clean_checkout_speaks_english(tmp_path):
    """The compiled catalogues are not in the repository: a server started without `make run` (gunicorn
    from the Procfile, a worker) compiles them itself, so English works after a plain deploy."""
    import subprocess
    import sys

    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           cwd=ROOT, capture_output=True, check=True).stdout
    checkout = tmp_path / "checkout"
    for name in filter(None, files.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            target = checkout / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
    assert not list(checkout.glob("vgk/translations/*/LC_MESSAGES/*.mo"))  # as a clean clone has it
    script = ("from vgk import create_app\n"
              "app = create_app()\n"
              "page = app.test_client().get('/connexion', headers={'Accept-Language': 'en'},\n"
              "                             base_url=app.config['PUBLIC_URL'])\n"
              "print(page.status_code, page.get_data(as_text=True))\n")
    env = {key: value for key, value in __import__("os").environ.items() if not key.startswith(("TEST_", "SECRET"))}
    env.update(VGK_ENV="development", DATABASE_URL=f"sqlite:///{tmp_path / 'vgk.sqlite3'}",
               MEDIA_ROOT=str(tmp_path / "media"))
    result = subprocess.run([sys.executable, "-c", script], cwd=checkout, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("200") and "Sign in" in result.stdout and "Se connecter" not in result.stdout
    assert list(checkout.glob("vgk/translations/en/LC_MESSAGES/messages.mo"))
