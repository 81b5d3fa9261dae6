"""The one place that reads htmx's request headers and sets its response headers.

htmx marks its requests with `HX-Request: true` (and `HX-Target`, the id of the element to swap). A view
answers such a request with a fragment, a plain request with the whole page; a boosted link or form
(`HX-Boosted`) swaps the whole body, so it gets the whole page too.

History: a fragment and the page share one URL (lists push their filtered URL with hx-push-url), so every
HTML response carries `Vary: HX-Request` (vgk.web.register_response_policies): no browser or proxy cache
hands a fragment back for the page, or the page for a fragment. Going back, htmx restores the page from
its own history cache; on a miss, base.html's htmx-config asks for a full reload (`refreshOnHistoryMiss`)
and does not send history restores as htmx requests (`historyRestoreAsHxRequest: false`), so the server
always answers the whole page there.
"""
from flask import make_response, render_template, request
from flask import redirect as plain_redirect


def is_htmx_request():
    """Any request sent by htmx, boosted or not."""
    return bool(request.headers.get("HX-Request"))


def is_htmx():
    """An htmx request that wants a fragment (not a boosted navigation)."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


def target():
    """The id of the element the htmx request will swap ("" when none)."""
    return request.headers.get("HX-Target", "")


def targets(element_id):
    """An htmx request that swaps the element with this id."""
    return is_htmx() and target() == element_id


def render(page_template, fragment_template=None, /, **context):
    """Render the fragment for htmx requests, the whole page otherwise."""
    if fragment_template and is_htmx():
        return render_template(fragment_template, **context)
    return render_template(page_template, **context)


def vary(response):
    """Mark an HTML response as differing between htmx and plain requests (see History above)."""
    response.vary.add("HX-Request")


def redirect(location, code=302, htmx_status=204):
    """Send the browser to `location`: for any htmx request a full navigation (`HX-Redirect`, with an
    empty answer of `htmx_status`) rather than a swap of the next page into the current one."""
    if is_htmx_request():
        response = make_response("", htmx_status)
        response.headers["HX-Redirect"] = location
        return response
    return plain_redirect(location, code)


def trigger(response, event):
    """Have htmx fire `event` (it bubbles up to the body) when this answer arrives."""
    response.headers["HX-Trigger"] = event
    return response
