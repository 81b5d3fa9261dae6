"""The one place that decides between a full page and an htmx fragment."""
from flask import render_template, request


def is_htmx():
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


def render(page_template, fragment_template=None, /, **context):
    """Render the fragment for htmx requests, the whole page otherwise."""
    if fragment_template and is_htmx():
        return render_template(fragment_template, **context)
    return render_template(page_template, **context)
