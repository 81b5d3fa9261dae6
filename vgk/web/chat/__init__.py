"""Conversations on the web (/messages): the inbox, a conversation with its messages, photos, offers,
reports and blocks, the small fragment htmx polls for what is new, and opening a conversation from a
listing or with the support. Every page is private: never stored by the browser or the service worker."""
from flask import Blueprint, g
from flask_login import current_user

from vgk.services.conversations import threads

bp = Blueprint("chat", __name__, url_prefix="/messages")


@bp.after_request
def never_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_context_processor
def _unread():
    def unread_messages():
        """Counted once a request (the header and the account menu both show it)."""
        if "unread_messages" not in g:
            g.unread_messages = threads.unread_total(current_user) if current_user.is_authenticated else 0
        return g.unread_messages

    return {"unread_messages": unread_messages}


from vgk.web.chat import actions, views  # noqa: E402,F401
