"""A plain WebSocket client of the chat, as a mobile app holds one (the `websockets` library's
synchronous client), and a loopback server for the site in this process (the development server, as
`python wsgi.py` runs it)."""
import json
import threading
import time
from urllib.parse import urlencode

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect
from werkzeug.serving import make_server

WAIT = 10  # seconds; each wait ends as soon as the frame arrives
OPEN = []  # the doors opened by the running test


class Door:
    def __init__(self, base, conversation, token=None, *, query_token=False, last_id=None, group=False,
                 query=None):
        path = f"/ws/{'group_chat' if group else 'chat'}/{conversation}/"
        params, headers = dict(query or {}), {}
        if token and query_token:
            params["token"] = token
        elif token:
            headers["Authorization"] = f"Bearer {token}"
        if last_id is not None:
            params["last_id"] = last_id
        url = base + path + (f"?{urlencode(params)}" if params else "")
        self.ws = connect(url, additional_headers=headers, open_timeout=WAIT, close_timeout=3, max_size=None)
        self.ws.__enter__()  # held open as an app holds it (closed by `close` or the site's teardown)
        OPEN.append(self)
        self.seen = []

    def send(self, **frame):
        self.ws.send(json.dumps(frame))

    def send_raw(self, data):
        self.ws.send(data)

    def next(self, timeout=WAIT):
        frame = json.loads(self.ws.recv(timeout))
        self.seen.append(frame)
        return frame

    def until(self, kind, timeout=WAIT, **match):
        """The next frame of this type (and these values), skipping the others."""
        deadline = time.monotonic() + timeout
        while True:
            frame = self.next(max(0.01, deadline - time.monotonic()))
            if frame["type"] == kind and all(frame.get(key) == value for key, value in match.items()):
                return frame

    def quiet(self, seconds=0.5):
        """The frames that arrive within `seconds` (none expected, usually)."""
        found = []
        try:
            while True:
                found.append(self.next(seconds))
        except TimeoutError:
            return found

    def close_code(self, timeout=WAIT):
        """Read until the server closes the connection; its close code."""
        deadline = time.monotonic() + timeout
        try:
            while True:
                self.next(max(0.01, deadline - time.monotonic()))
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd is not None else None

    def close(self):
        self.ws.close()


class LoopbackSite:
    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.http = f"http://127.0.0.1:{self.server.server_port}"
        self.base = f"ws://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self, app):
        while OPEN:
            OPEN.pop().close()
        self.server.shutdown()
        self.thread.join(10)
        slots = app.extensions["vgk_ws_slots"]
        deadline = time.monotonic() + 10
        while slots.open and time.monotonic() < deadline:  # every connection's thread has ended
            time.sleep(0.05)
        assert slots.open == 0
