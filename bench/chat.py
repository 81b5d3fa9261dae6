"""Conversations at scale: two web processes (gunicorn, one gthread worker each, as the Procfile runs them)
over one PostgreSQL database and Redis, 200 WebSocket clients (100 on each process) in 100 conversations
between a buyer on one process and a seller on the other, messages sent at a steady rate through the
"send" event. Prints the rate achieved, the delivery latency to the other member (send → "message" event,
same machine clock) p50 / p95, and the server memory per connection (RSS of both processes after connecting
minus before, divided by the connections), and the server CPU time per message (both processes).

    .venv/bin/python bench/chat.py                                  # 200 clients, 200 messages/s for 10 s
    .venv/bin/python bench/chat.py --conversations 20 --rate 50 --seconds 5     # quick
"""
import argparse
import gc
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from catalog_queries import percentile  # noqa: E402

from tests import factories as f  # noqa: E402
from tests.conftest import make_app, migrate  # noqa: E402
from tests.scale.client import SocketClient  # noqa: E402
from tests.scale.cluster import WebProcess, cluster_env  # noqa: E402
from tests.servers import PostgresServer, RedisServer  # noqa: E402
from vgk.extensions import db  # noqa: E402
from vgk.services.accounts import api_tokens  # noqa: E402
from vgk.services.conversations import threads  # noqa: E402

P95_TARGET_MS = 100


class Deliveries:
    """Send and arrival times of each message, by its sequence number (carried in its text)."""

    def __init__(self):
        self.sent = {}
        self.arrived = {}
        self.lock = threading.Lock()
        self.all_arrived = threading.Event()
        self.expected = 0

    def hear(self, data):
        now = time.perf_counter()
        message = data["message"]
        if message["mine"] or not message["text"].startswith("bench "):
            return  # the sender's own copy: only the other member's delivery counts
        seq = int(message["text"].split()[1])
        with self.lock:
            self.arrived.setdefault(seq, now)
            if len(self.arrived) >= self.expected:
                self.all_arrived.set()


def seed(app, conversations):
    """Sellers, buyers, one listing each, their conversations and access tokens."""
    pairs = []
    with app.app_context():
        for n in range(conversations):
            seller, buyer = f.user(name=f"Vendeuse {n}"), f.user(name=f"Acheteur {n}")
            listing = f.product(f"Article {n}", seller=seller)
            conversation = threads.open_about_listing(buyer, listing.public_id)
            pairs.append({"conversation": conversation.public_id,
                          "buyer": api_tokens.sign_in(buyer).access_token,
                          "seller": api_tokens.sign_in(seller).access_token})
        db.session.remove()
    return pairs


def connect_all(pairs, a, b, deliveries):
    """The buyers on process A, the sellers on process B."""
    clients = []
    for pair in pairs:
        for role, process in (("buyer", a), ("seller", b)):
            client = SocketClient(process.url, pair[role])
            client.on("message", deliveries.hear)
            pair[f"{role}_client"] = client
            clients.append(client)
    return clients


def send_at_rate(pairs, rate, seconds, deliveries):
    """Message i goes at start + i / rate, in conversation i mod n, alternately from the buyer and the seller."""
    total = int(rate * seconds)
    deliveries.expected = total
    refused = []

    def send(seq):
        pair = pairs[seq % len(pairs)]
        sender = pair["buyer_client"] if (seq // len(pairs)) % 2 == 0 else pair["seller_client"]
        deliveries.sent[seq] = time.perf_counter()
        answer = sender.emit("send", {"conversation": pair["conversation"], "text": f"bench {seq} bonjour"})
        if not answer.get("ok"):
            refused.append(answer)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=64) as pool:
        for seq in range(total):
            delay = start + seq / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(send, seq)
    return total / (time.perf_counter() - start), refused


def report(args, achieved, refused, deliveries, memory):
    latencies = sorted((deliveries.arrived[seq] - deliveries.sent[seq]) * 1000 for seq in deliveries.arrived)
    delivered = len(latencies)
    print(f"clients: {2 * args.conversations} ({args.conversations} per process), "
          f"conversations: {args.conversations}")
    print(f"messages: {deliveries.expected} sent at {achieved:.0f}/s (target {args.rate}/s), "
          f"{delivered} delivered to the other member, {len(refused)} refused")
    if latencies:
        print(f"delivery latency: p50 {percentile(latencies, 50):.1f} ms, p95 {percentile(latencies, 95):.1f} ms, "
              f"max {latencies[-1]:.1f} ms")
    print(f"server CPU: {memory['cpu_ms'] / max(deliveries.expected, 1):.1f} ms per message (both processes, "
          f"receiving, storing and delivering it)")
    print(f"clients' CPU: {memory['clients_cpu_ms'] / max(deliveries.expected, 1):.1f} ms per message (this script's "
          f"{2 * args.conversations} socket clients sending, receiving and acknowledging, on the same cores)")
    print(f"server memory: {memory['before'] / 2**20:.1f} MiB before, {memory['after'] / 2**20:.1f} MiB after "
          f"connecting: {memory['per_connection'] / 1024:.0f} KiB per connection")
    ok = (delivered == deliveries.expected and not refused and achieved >= 0.95 * args.rate
          and percentile(latencies, 95) <= P95_TARGET_MS)
    print(f"{'PASS' if ok else 'FAIL'}: every message delivered, p95 ≤ {P95_TARGET_MS} ms at {args.rate} messages/s")
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=100, help="conversations (2 clients each)")
    parser.add_argument("--rate", type=int, default=200, help="messages per second")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--threads", type=int, default=0, help="gunicorn threads per process (default: clients + 28)")
    args = parser.parse_args()

    media = tempfile.mkdtemp(prefix="vgk-bench-chat-")
    postgres, redis = PostgresServer().start(), RedisServer().start()
    processes, clients = [], []
    try:
        # Each person sends about rate × 60 / clients messages a minute: lift the per-person limit for the run.
        env = cluster_env(postgres.create_database("vgk_chat"), redis.url, media, CHAT_MESSAGES_PER_MINUTE=100_000)
        app = make_app(env["DATABASE_URL"], media, SECRET_KEY=env["SECRET_KEY"],
                       JWT_SECRET_KEY=env["JWT_SECRET_KEY"])
        migrate(app)
        pairs = seed(app, args.conversations)
        threads_per_process = args.threads or args.conversations + 28  # one thread per WebSocket, plus requests
        processes = [WebProcess(env, threads=threads_per_process) for _ in range(2)]
        # Warm each process (imports, first connection to the database and Redis) before measuring.
        for process, role in zip(processes, ("buyer", "seller"), strict=True):
            SocketClient(process.url, pairs[0][role]).close()
        time.sleep(1)
        before = sum(process.rss_bytes() for process in processes)
        deliveries = Deliveries()
        clients = connect_all(pairs, *processes, deliveries)
        gc.freeze()  # this script's own setup out of its collector's passes: they would delay the timings
        time.sleep(1)
        after = sum(process.rss_bytes() for process in processes)
        memory = {"before": before, "after": after, "per_connection": (after - before) / len(clients)}
        cpu_before = sum(process.cpu_seconds() for process in processes)
        clients_cpu_before = time.process_time()
        achieved, refused = send_at_rate(pairs, args.rate, args.seconds, deliveries)
        deliveries.all_arrived.wait(10)
        memory["cpu_ms"] = (sum(process.cpu_seconds() for process in processes) - cpu_before) * 1000
        memory["clients_cpu_ms"] = (time.process_time() - clients_cpu_before) * 1000
        return 0 if report(args, achieved, refused, deliveries, memory) else 1
    finally:
        for client in clients:
            client.close()
        for process in processes:
            process.stop()
        redis.stop()
        postgres.stop()
        shutil.rmtree(media, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
