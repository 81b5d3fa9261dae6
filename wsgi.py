"""Entry point: `app` for WSGI servers; `python wsgi.py` runs the development server with Socket.IO.
VGK_ENV chooses the configuration (unset means production); an unsafe one stops here with its reason."""
import gc
import sys

from config import ConfigError
from vgk import create_app
from vgk.extensions import socketio

try:
    app = create_app()
except ConfigError as error:
    sys.exit(f"Vidé-Grenier Kamer refuses to start: {error}")

# What was built to start (the app, its routes and templates, the database mappings) lives as long as
# the process: out of the collector's full passes, which stop every thread while they run (a socket
# message waits behind one), those passes stay short.
gc.freeze()

if __name__ == "__main__":
    from vgk.devserver import serve

    serve(app, socketio)
