"""Job functions used by the queue tests (importable by a worker)."""
from pathlib import Path

from flask import current_app


def write_marker(path, text):
    Path(path).write_text(f"{text}:{current_app.name}", encoding="utf-8")


def run_background(app, everything=False):
    """Run the jobs handed to the background (vgk.jobs.in_background) that are due now (or all of them):
    the tests' app has no background thread. How many ran."""
    from vgk.jobs import background

    return background.run_due(app, everything=everything)


def log_line(text):
    import logging

    logging.getLogger("tests.jobs").warning(text)
