"""Entry point: `app` for WSGI servers; `python wsgi.py` runs the development server with Socket.IO.
VGK_ENV chooses the configuration (unset means production); an unsafe one stops here with its reason."""
import sys

from config import ConfigError
from vgk import create_app
from vgk.extensions import socketio

try:
    app = create_app()
except ConfigError as error:
    sys.exit(f"Vidé-Grenier Kamer refuses to start: {error}")

if __name__ == "__main__":
    from vgk.devserver import serve

    serve(app, socketio)
