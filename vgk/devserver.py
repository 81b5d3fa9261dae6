"""`python wsgi.py` (what `make run` starts): the Werkzeug server with Socket.IO in-process.

In production that server has no place (the Procfile runs gunicorn), and its warnings say so. In the
development configuration it is the right server, so its two production warnings (Werkzeug's red
"This is a development server. Do not use it in a production deployment" banner line, and Flask-SocketIO's
"Werkzeug appears to be used in a production deployment" when standard input is not a terminal, as under
`make`) would be wrong there: they give way to one plain line saying what this server is for.
"""
import logging
import os

DEVELOPMENT_NOTICE = (" * Development server (VGK_ENV=development), for this machine only; "
                      "in production the Procfile runs gunicorn.")


class DevelopmentServerNotice(logging.Filter):
    """On the "werkzeug" logger: drop the production warnings, keep every other line of the banner."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "production deployment" not in message:
            return True
        if message.startswith("Werkzeug appears to be used in a production deployment"):
            return False
        lines = [line if "production deployment" not in line else DEVELOPMENT_NOTICE
                 for line in message.splitlines()]
        record.msg, record.args = "\n".join(lines), ()
        return True


def serve(app, socketio):
    """Run the Werkzeug server with Socket.IO on HOST:PORT (127.0.0.1:5000 by default)."""
    if app.config.get("ENV_NAME") == "development":
        logging.getLogger("werkzeug").addFilter(DevelopmentServerNotice())
    socketio.run(
        app,
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", 5000)),
        allow_unsafe_werkzeug=True,
    )
