"""Entry point: `app` for WSGI servers; `python wsgi.py` runs the development server with Socket.IO."""
import os

from vgk import create_app
from vgk.extensions import socketio

app = create_app()

if __name__ == "__main__":
    socketio.run(
        app,
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", 5000)),
        allow_unsafe_werkzeug=True,
    )
