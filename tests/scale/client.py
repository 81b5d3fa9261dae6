"""A small Socket.IO client over a real WebSocket (simple-websocket, already a dependency of the server),
as the mobile app connects: Engine.IO 4 on /socket.io/ with the websocket transport, the API access token
in the connection's auth. Only what the scale test and the chat benchmark use: connect, events with
handlers, emits with acknowledgements, and the server's pings answered."""
import itertools
import json
import threading

import simple_websocket


class ConnectionRefused(RuntimeError):
    pass


class _WebSocket(simple_websocket.Client):
    def handshake(self):
        super().handshake()
        # simple-websocket's client stops reading at the server's "101 Switching Protocols": a frame sent right
        # behind it in the same packet (Engine.IO's opening) would wait in wsproto for the next bytes from the
        # server (its ping, 25 s later). Take it now.
        self._handle_events()


class SocketClient:
    def __init__(self, base_url, token, timeout=10.0):
        self.handlers = {}
        self.closed = threading.Event()
        self._acks = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._sending = threading.Lock()  # one frame at a time: emits and ping answers come from several threads
        self._joined = threading.Event()
        self._refusal = None
        url = base_url.replace("http://", "ws://", 1).rstrip("/") + "/socket.io/?EIO=4&transport=websocket"
        self.ws = _WebSocket.connect(url)
        opening = self.ws.receive(timeout=timeout)
        if not opening or not opening.startswith("0"):
            raise ConnectionRefused(f"no Engine.IO opening from {base_url}: {opening!r}")
        self._send("40" + json.dumps({"token": token}))
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        if not self._joined.wait(timeout):
            self.close()
            raise ConnectionRefused(self._refusal or f"no Socket.IO answer from {base_url}")

    def on(self, event, handler):
        """Call handler(data) in the reader thread for each `event` the server sends."""
        self.handlers[event] = handler

    def emit(self, event, data, timeout=10.0):
        """Send the event and return the server's acknowledgement (its handler's return value)."""
        ack_id = next(self._ids)
        arrived = threading.Event()
        with self._lock:
            self._acks[ack_id] = [arrived, None]
        self._send(f"42{ack_id}" + json.dumps([event, data]))
        if not arrived.wait(timeout):
            raise TimeoutError(f"no acknowledgement of {event} within {timeout} s")
        with self._lock:
            return self._acks.pop(ack_id)[1]

    def close(self):
        self.closed.set()
        try:
            self._send("41")
            self.ws.close()
        except Exception:  # already closed by the server or the network
            pass

    def _send(self, packet):
        with self._sending:
            self.ws.send(packet)

    def _read(self):
        while not self.closed.is_set():
            try:
                packet = self.ws.receive()
            except simple_websocket.ConnectionClosed:
                break
            if packet is None:
                break
            self._dispatch(packet)
        self.closed.set()
        self._joined.set()

    def _dispatch(self, packet):
        if packet == "2":  # Engine.IO ping: answer or the server drops the connection
            self._send("3")
        elif packet.startswith("40"):
            self._joined.set()
        elif packet.startswith("44"):
            self._refusal = f"connection refused: {packet[2:]}"
            self.closed.set()
            self._joined.set()
        elif packet.startswith("42"):
            event, *args = json.loads(packet[2:])
            handler = self.handlers.get(event)
            if handler is not None:
                handler(args[0] if args else None)
        elif packet.startswith("43"):
            digits = "".join(itertools.takewhile(str.isdigit, packet[2:]))
            with self._lock:
                waiting = self._acks.get(int(digits))
                if waiting is not None:
                    result = json.loads(packet[2 + len(digits):])
                    waiting[1] = result[0] if result else None
                    waiting[0].set()

