"""What a visitor who is not signed in gets with a public page: no cookie and nothing that varies by
cookie (so a phone, a proxy or the service worker may keep the page), and a weak ETag from the page's
body, so coming back to an unchanged page costs a 304 without a body.

- The Flask session is only saved, and `Vary: Cookie` only said, once there is something in it or the
  browser sent its cookie: a page that merely reads the (empty) session sets nothing.
- Public pages' forms (add to cart, report a listing, history choice) carry a CSRF token only when the
  visitor already has a session (`page_csrf_token`); without one, their endpoints check where the post
  comes from instead (vgk.web.forms.same_origin_form).
- Pages that are private (`Cache-Control: no-store`, every page of a signed-in person) get no ETag."""
from flask import Flask, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import generate_csrf


class QuietSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, silent for a visitor who has none: no Set-Cookie, no Vary: Cookie."""

    def save_session(self, app, session, response):
        if not session and self.get_cookie_name(app) not in request.cookies:
            return
        super().save_session(app, session, response)


def page_csrf_token() -> str:
    """The CSRF token for a form or the page's meta tag, without starting a session for it: "" for a visitor
    who has no session yet."""
    return generate_csrf() if session else ""


def _revalidated(response) -> bool:
    """May this answer carry an ETag and become a 304?"""
    cache_control = response.headers.get("Cache-Control", "")
    return (request.method in ("GET", "HEAD") and response.status_code == 200
            and response.mimetype == "text/html" and not response.is_streamed
            and "no-store" not in cache_control and "private" not in cache_control
            and "Set-Cookie" not in response.headers)


def register(app: Flask) -> None:
    """Before the response policies (vgk.web.register_response_policies), so this hook runs after them
    and sees their no-store."""
    app.session_interface = QuietSessionInterface()
    app.jinja_env.globals["page_csrf_token"] = page_csrf_token

    @app.after_request
    def etag_for_public_pages(response):
        if not _revalidated(response):
            return response
        if "Cache-Control" not in response.headers:
            response.cache_control.no_cache = True  # kept, but asked again each time: the answer is a 304
        response.add_etag(weak=True)
        return response.make_conditional(request)
