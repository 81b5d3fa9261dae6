"""A WSGI app served on 127.0.0.1 in a background thread (werkzeug's threaded server)."""
import threading

from werkzeug.serving import WSGIRequestHandler, make_server


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):  # tests assert on the fakes' records, not on access logs
        pass


class LoopbackServer:
    """Serve `app` on a free loopback port until stop(); `url` is its base URL."""

    def __init__(self, app):
        self.app = app
        self._server = None
        self._thread = None

    @property
    def port(self):
        return self._server.server_port

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True, request_handler=_QuietHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="loopback-fake", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
