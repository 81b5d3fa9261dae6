"""Compiled message catalogues. The `.mo` files are build products (not in the repository): `make run`
compiles them with pybabel, and any other start (gunicorn from the Procfile, `flask`, a worker) compiles
here, once, whatever is missing or older than its `.po`, so English works after a plain deploy."""
import logging
import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

log = logging.getLogger(__name__)


def compile_catalogues(directory: Path) -> list[Path]:
    """Compile every stale `<lang>/LC_MESSAGES/*.po` under `directory`; returns the `.mo` files written.
    Each is written to a temporary file and renamed, so parallel starts never read half a file."""
    written = []
    for po_path in sorted(Path(directory).glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=po_path.parts[-3])
        try:
            fd, temporary = tempfile.mkstemp(dir=po_path.parent, suffix=".mo.tmp")
            with os.fdopen(fd, "wb") as handle:
                write_mo(handle, catalog, use_fuzzy=False)
            os.replace(temporary, mo_path)
        except OSError as error:  # a read-only release: the Procfile's release step compiles instead
            log.warning("cannot compile %s (%s): run `pybabel compile -d vgk/translations`", po_path, error)
            continue
        written.append(mo_path)
        log.info("compiled %s", mo_path)
    return written
