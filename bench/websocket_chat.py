"""The plain WebSocket chat next to Socket.IO, on two web processes as production runs them (gunicorn, one
gthread worker each, PostgreSQL, Redis): N buyers hold a plain WebSocket on process A, their N sellers a
Socket.IO connection on process B. Prints what one open connection costs each kind (threads and memory
of the process, after connecting minus before, divided by the connections) and the delivery latency
across the two processes, p50 / p95, both ways (plain WebSocket → Socket.IO: send → the other's
"message" event; Socket.IO → plain WebSocket: "send" → the other's message frame), messages sent one
after the other (latency, not throughput: bench/chat.py measures the load).

    .venv/bin/python bench/websocket_chat.py                      # 40 conversations, 200 messages each way
    .venv/bin/python bench/websocket_chat.py --conversations 10 --messages 40     # quick
"""
import argparse
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from catalog_queries import percentile  # noqa: E402

from tests import factories as f  # noqa: E402
from tests.api.websocket_client import Door  # noqa: E402
from tests.conftest import make_app, migrate  # noqa: E402
from tests.scale.client import SocketClient  # noqa: E402
from tests.scale.cluster import WebProcess, cluster_env  # noqa: E402
from tests.servers import PostgresServer, RedisServer  # noqa: E402
from vgk.extensions import db  # noqa: E402
from vgk.services.accounts import api_tokens  # noqa: E402
from vgk.services.conversations import threads  # noqa: E402

THREADS_TARGET = 2  # the server's thread for the connection and simple-websocket's reading thread (the
# process's one relay listener, started with its first connection, is not counted per connection)
P95_TARGET_MS = 100


def seed(app, conversations):
    pairs = []
    with app.app_context():
        for n in range(conversations):
            seller, buyer = f.user(name=f"Vendeuse {n}"), f.user(name=f"Acheteur {n}")
            listing = f.product(f"Article {n}", seller=seller)
            conversation = threads.open_about_listing(buyer, listing.public_id)
            pairs.append({"conversation": conversation.public_id, "buyer": api_tokens.sign_in(buyer).access_token,
                          "seller": api_tokens.sign_in(seller).access_token})
        db.session.remove()
    return pairs


def thread_count(process):
    total = 0
    for pid in process.pids():
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("Threads:"))
    return total


def settled(process):
    time.sleep(1.0)
    return thread_count(process), process.rss_bytes()


class Arrivals:
    """When each text reached a Socket.IO client (monotonic clock)."""

    def __init__(self, client):
        self.at, self.lock = {}, threading.Condition()
        client.on("message", self._message)

    def _message(self, data):
        if data["message"]["mine"]:
            return
        with self.lock:
            self.at[data["message"]["text"]] = time.monotonic()
            self.lock.notify_all()

    def wait(self, text, timeout=15):
        with self.lock:
            self.lock.wait_for(lambda: text in self.at, timeout)
            return self.at[text]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=40)
    parser.add_argument("--messages", type=int, default=200)
    args = parser.parse_args()
    postgres, redis, media = PostgresServer().start(), RedisServer().start(), tempfile.mkdtemp(prefix="vgk-ws-bench-")
    processes, doors, sockets = [], [], []
    try:
        env = cluster_env(postgres.create_database("vgk_ws_bench"), redis.url, media)
        app = make_app(env["DATABASE_URL"], media, SECRET_KEY=env["SECRET_KEY"], JWT_SECRET_KEY=env["JWT_SECRET_KEY"])
        migrate(app)
        pairs = seed(app, args.conversations)
        threads_per_process = 2 * args.conversations + 16
        a, b = WebProcess(env, threads=threads_per_process), WebProcess(env, threads=threads_per_process)
        processes += [a, b]
        base_a = a.url.replace("http://", "ws://", 1)

        before = settled(a)
        for pair in pairs:
            doors.append(Door(base_a, pair["conversation"], pair["buyer"]))
            doors[-1].next()
        after = settled(a)
        before_b = settled(b)
        for pair in pairs:
            sockets.append(SocketClient(b.url, pair["seller"]))
        after_b = settled(b)
        arrivals = [Arrivals(client) for client in sockets]
        n = args.conversations
        print(f"plain WebSocket, per open connection: {(after[0] - before[0]) / n:.2f} threads, "
              f"{(after[1] - before[1]) / n / 1024:.0f} KiB")
        print(f"Socket.IO, per open connection:       {(after_b[0] - before_b[0]) / n:.2f} threads, "
              f"{(after_b[1] - before_b[1]) / n / 1024:.0f} KiB")

        to_socketio, to_websocket = [], []
        for i in range(args.messages):
            k = i % n
            text = f"ws {i}"
            start = time.monotonic()
            doors[k].send(type="message", content=text)
            to_socketio.append(arrivals[k].wait(text) - start)
            doors[k].until("message", content=text)  # its own copy: the door is read to the end
            text = f"sio {i}"
            start = time.monotonic()
            sockets[k].emit("send", {"conversation": pairs[k]["conversation"], "text": text})
            doors[k].until("message", content=text)
            to_websocket.append(time.monotonic() - start)
        p95 = []
        for name, values in (("plain WebSocket (A) → Socket.IO (B)", to_socketio),
                             ("Socket.IO (B) → plain WebSocket (A)", to_websocket)):
            values = sorted(v * 1000 for v in values)
            p95.append(percentile(values, 95))
            print(f"{name}: p50 {percentile(values, 50):.1f} ms, p95 {p95[-1]:.1f} ms ({len(values)} messages)")
        ok = (after[0] - before[0] - 1) / n <= THREADS_TARGET and max(p95) <= P95_TARGET_MS  # 1: the relay's
        print(f"{'PASS' if ok else 'FAIL'}: at most {THREADS_TARGET} threads per plain WebSocket, "
              f"p95 ≤ {P95_TARGET_MS} ms both ways")
        return ok
    finally:
        for door in doors:
            door.close()
        for client in sockets:
            client.close()
        for process in processes:
            process.stop()
        redis.stop()
        postgres.stop()
        shutil.rmtree(media, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
