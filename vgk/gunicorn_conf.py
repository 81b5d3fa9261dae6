"""gunicorn settings for the web process (`gunicorn -c python:vgk.gunicorn_conf wsgi:app`): workers and
threads from the machine's cores.

One process is held back by Python's global lock when many threads run Python at once (measured: 1 × 32
threads did 2.5 times less than 2 × 4 on two cores), so with several cores the site runs one worker per
core. Threads are counted for the WebSockets: each open one holds a thread for as long as it stays open
(gthread with simple-websocket; Socket.IO and the plain /ws/ chat alike), waiting without costing CPU, so
a worker keeps many (128 alone, 64 each when there are several: about 100 or 50 people connected, plus
room for page requests).
Several workers must share what one process kept in memory: Socket.IO rooms
(Flask-SocketIO's message queue), rate limits (Flask-Limiter's storage), jobs (RQ) and the caches'
version numbers (vgk.services.catalogue.versions) all go through Redis when REDIS_URL is set — so without
REDIS_URL there is one worker. Flask-SocketIO's long-polling transport needs every request of a
connection to reach the same worker, which gunicorn cannot promise (no sticky sessions): the chat client
(static/js/chat.js) connects with the WebSocket transport only, one connection held by one worker, and a
browser whose WebSocket is blocked keeps the conversation page's plain polling.

WEB_CONCURRENCY and GUNICORN_THREADS override the choice; PORT is the port (5000)."""
import os

_cores = os.cpu_count() or 1
_shared = bool(os.environ.get("REDIS_URL"))

bind = f"0.0.0.0:{os.environ.get('PORT') or 5000}"
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY") or (min(_cores, 8) if _shared else 1))
threads = int(os.environ.get("GUNICORN_THREADS") or (64 if workers > 1 else 128))
# Idle keep-alive connections wait in the worker's poller, not in a thread: a few threads serve many phones.
keepalive = 5
worker_connections = 1000
timeout = 60
graceful_timeout = 30


def child_exit(server, worker):
    """With PROMETHEUS_MULTIPROC_DIR (vgk.ops.metrics), a worker that ended hands back its live gauges' files."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
