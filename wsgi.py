"""Entry point: `app` for WSGI servers; `python wsgi.py` runs the development server with Socket.IO.
VGK_ENV chooses the configuration (unset means production); an unsafe one stops here with its reason."""
import os
import sys

from config import ConfigError
from vgk import create_app
from vgk.extensions import socketio

try:
    app = create_app()
except ConfigError as error:
    sys.exit(f"Vidé-Grenier Kamer refuses to start: {error}")

if __name__ == "__main__":
    socketio.run(
        app,
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", 5000)),
        allow_unsafe_werkzeug=True,
    )
