"""Job functions used by the queue tests (importable by a worker)."""
from pathlib import Path

from flask import current_app


def write_marker(path, text):
    Path(path).write_text(f"{text}:{current_app.name}", encoding="utf-8")
