"""Conversations at scale: two web processes (gunicorn, one gthread worker each, as the Procfile runs them)
over one PostgreSQL database and Redis, 200 WebSocket clients (100 on each process) in 100 conversations
between a buyer on one process and a seller on the other, messages sent at a steady rate through the
"send" event. The clients run in two processes of their own (the buyers in one, the sellers in the
other), as phones are separate devices: one process holding all 200 sockets would add its own waiting to
what is measured. Prints the rate achieved, the delivery latency to the other member (send → "message"
event, the machine's monotonic clock, shared by all processes) p50 / p95, the server memory per
connection (RSS of both processes after connecting minus before, divided by the connections), and the
server CPU time per message (both processes).

    .venv/bin/python bench/chat.py                                  # 200 clients, 200 messages/s for 10 s
    .venv/bin/python bench/chat.py --conversations 20 --rate 50 --seconds 5     # quick
"""
import argparse
import gc
import multiprocessing
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from catalog_queries import percentile  # noqa: E402
from sqlalchemy import func, insert, select, text, update  # noqa: E402

from tests import factories as f  # noqa: E402
from tests.conftest import make_app, migrate  # noqa: E402
from tests.scale.client import SocketClient  # noqa: E402
from tests.scale.cluster import WebProcess, cluster_env  # noqa: E402
from tests.servers import PostgresServer, RedisServer  # noqa: E402
from vgk.extensions import db  # noqa: E402
from vgk.models import ChatMessage, ConversationMember  # noqa: E402
from vgk.models.base import utcnow  # noqa: E402
from vgk.services.accounts import api_tokens  # noqa: E402
from vgk.services.conversations import threads  # noqa: E402

P95_TARGET_MS = 100


HISTORY = 20  # earlier messages per conversation, read by both: a site in use, not an empty table


def seed(app, conversations):
    """Sellers, buyers, one listing each, their conversations with some history, and access tokens;
    then the tables' statistics, as PostgreSQL keeps them on a site in use (with none, its first plans
    for a table that grows under the run would read it whole until autovacuum looks at it)."""
    pairs = []
    earlier = utcnow() - timedelta(days=1)
    with app.app_context():
        for n in range(conversations):
            seller, buyer = f.user(name=f"Vendeuse {n}"), f.user(name=f"Acheteur {n}")
            listing = f.product(f"Article {n}", seller=seller)
            conversation = threads.open_about_listing(buyer, listing.public_id)
            db.session.execute(insert(ChatMessage), [
                {"conversation_id": conversation.id, "sender_id": (buyer, seller)[k % 2].id, "kind": "TEXT",
                 "body": f"historique {k}", "created_at": earlier + timedelta(seconds=k)} for k in range(HISTORY)])
            newest = db.session.scalar(select(func.max(ChatMessage.id))
                                       .where(ChatMessage.conversation_id == conversation.id))
            db.session.execute(update(ConversationMember).where(ConversationMember.conversation_id == conversation.id)
                               .values(last_read_id=newest, last_delivered_id=newest))
            db.session.commit()
            pairs.append({"conversation": conversation.public_id,
                          "buyer": api_tokens.sign_in(buyer).access_token,
                          "seller": api_tokens.sign_in(seller).access_token})
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        db.session.remove()
    return pairs


class Side:
    """One side of every conversation (all the buyers, or all the sellers), in a process of its own: it
    connects its clients, sends its share of the messages on the shared schedule and notes when the
    other side's messages arrive."""

    def __init__(self, role, url, pairs, rate, total):
        self.role, self.url, self.pairs, self.rate, self.total = role, url, pairs, rate, total
        self.arrived = {}
        self.lock = threading.Lock()
        self.everything = threading.Event()
        self.expected = sum(1 for seq in range(total) if self.sender_of(seq) != role)
        self.clients = []

    def sender_of(self, seq):
        """Message seq goes in conversation seq mod n, alternately from the buyer and the seller."""
        return "buyer" if (seq // len(self.pairs)) % 2 == 0 else "seller"

    def hear(self, data):
        now = time.perf_counter()
        message = data["message"]
        if message["mine"] or not message["text"].startswith("bench "):
            return  # the sender's own copy: only the other member's delivery counts
        with self.lock:
            self.arrived.setdefault(int(message["text"].split()[1]), now)
            if len(self.arrived) >= self.expected:
                self.everything.set()

    def connect(self):
        for pair in self.pairs:
            client = SocketClient(self.url, pair[self.role])
            client.on("message", self.hear)
            self.clients.append(client)

    def send_from(self, start):
        """Message i leaves at start + i / rate (those of this side); returns when each left and the refusals."""
        sent, refused = {}, []

        def send(seq):
            client = self.clients[seq % len(self.pairs)]
            sent[seq] = time.perf_counter()
            answer = client.emit("send", {"conversation": self.pairs[seq % len(self.pairs)]["conversation"],
                                          "text": f"bench {seq} bonjour"})
            if not answer.get("ok"):
                refused.append(answer)

        with ThreadPoolExecutor(max_workers=32) as pool:
            for seq in range(self.total):
                if self.sender_of(seq) != self.role:
                    continue
                delay = start + seq / self.rate - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                pool.submit(send, seq)
        return sent, refused


def run_side(role, url, pairs, rate, total, to_parent, from_parent):
    """The child process: connect, say so, wait for the start time, send, wait for the rest, report."""
    side = Side(role, url, pairs, rate, total)
    try:
        side.connect()
        gc.freeze()  # its setup out of the collector's full passes: they would delay the timings
        to_parent.put(("connected", role))
        start = from_parent.get()
        cpu = time.process_time()
        sent, refused = side.send_from(start)
        side.everything.wait(10)
        to_parent.put(("done", role, sent, dict(side.arrived), refused, (time.process_time() - cpu) * 1000))
    finally:
        for client in side.clients:
            client.close()


def run_clients(pairs, a, b, rate, seconds, on_connected):
    """Buyers on process A, sellers on process B, each side in a client process; `on_connected()` runs
    once every socket is open (the memory reading). Returns what the two sides saw."""
    total = int(rate * seconds)
    context = multiprocessing.get_context("spawn")
    to_parent = context.Queue()
    starts = {role: context.Queue() for role in ("buyer", "seller")}
    children = [context.Process(target=run_side, args=(role, process.url,
                                                       [{"conversation": pair["conversation"], role: pair[role]}
                                                        for pair in pairs], rate, total, to_parent, starts[role]))
                for role, process in (("buyer", a), ("seller", b))]
    for child in children:
        child.start()
    try:
        for _ in children:
            to_parent.get(timeout=120)
        measured = on_connected()
        start = time.perf_counter() + 1.0
        for queue in starts.values():
            queue.put(start)
        results = [to_parent.get(timeout=seconds + 60) for _ in children]
        return total, start, results, measured
    finally:
        for child in children:
            child.join(timeout=30)
            if child.is_alive():
                child.kill()


def report(args, total, start, results, memory):
    sent, arrived, refused, clients_cpu_ms = {}, {}, [], 0.0
    for _done, _role, side_sent, side_arrived, side_refused, cpu_ms in results:
        sent.update(side_sent)
        arrived.update(side_arrived)
        refused.extend(side_refused)
        clients_cpu_ms += cpu_ms
    last = max(sent.values(), default=start)
    achieved = (len(sent) - 1) / (last - start) if last > start else 0.0
    latencies = sorted((arrived[seq] - sent[seq]) * 1000 for seq in arrived if seq in sent)
    delivered = len(latencies)
    print(f"clients: {2 * args.conversations} ({args.conversations} per process), "
          f"conversations: {args.conversations}")
    print(f"messages: {total} sent at {achieved:.0f}/s (target {args.rate}/s), "
          f"{delivered} delivered to the other member, {len(refused)} refused")
    if latencies:
        print(f"delivery latency: p50 {percentile(latencies, 50):.1f} ms, p95 {percentile(latencies, 95):.1f} ms, "
              f"max {latencies[-1]:.1f} ms")
    print(f"server CPU: {memory['cpu_ms'] / max(total, 1):.1f} ms per message (both processes, "
          f"receiving, storing and delivering it)")
    print(f"clients' CPU: {clients_cpu_ms / max(total, 1):.1f} ms per message (the two client processes' "
          f"{2 * args.conversations} sockets sending, receiving and acknowledging, on the same cores)")
    print(f"server memory: {memory['before'] / 2**20:.1f} MiB before, {memory['after'] / 2**20:.1f} MiB after "
          f"connecting: {memory['per_connection'] / 1024:.0f} KiB per connection")
    ok = (delivered == total and not refused and achieved >= 0.95 * args.rate
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
    processes = []
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
        memory = {"before": before}

        def connected():
            time.sleep(1)
            memory["after"] = sum(process.rss_bytes() for process in processes)
            memory["per_connection"] = (memory["after"] - before) / (2 * args.conversations)
            memory["cpu_before"] = sum(process.cpu_seconds() for process in processes)

        total, start, results, _ = run_clients(pairs, *processes, args.rate, args.seconds, connected)
        memory["cpu_ms"] = (sum(process.cpu_seconds() for process in processes) - memory["cpu_before"]) * 1000
        return 0 if report(args, total, start, results, memory) else 1
    finally:
        for process in processes:
            process.stop()
        redis.stop()
        postgres.stop()
        shutil.rmtree(media, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
