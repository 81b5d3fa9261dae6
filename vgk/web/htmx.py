"""The one place that decides between a full page and an htmx fragment."""
from flask import render_template, request


def is_htmx():
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


def render(page, fragment=None, **context):
    """Render the fragment for htmx requests, the whole page otherwise."""
    if fragment and is_htmx():
        return render_template(fragment, **context)
    return render_template(page, **context)
