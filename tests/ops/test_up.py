"""`make up` brought up in a temporary directory on free ports — nginx in front of two gunicorn processes, the
RQ worker, a throwaway PostgreSQL and Redis, the production configuration — then used only through nginx
as a phone would: a guest buys with the simulated Mobile Money phone, two demo users chat over Socket.IO,
static files and photos come from nginx itself; `make down` leaves no process behind."""
import json
import re
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.ops.shape import brought_up, settings
from tests.scale.client import SocketClient
from vgk.demo import DEMO_PASSWORD
from vgk.ops import nginx, up

pytestmark = pytest.mark.scale
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def shape():
    with brought_up(web=2, demo_products=24) as started:
        yield started


def _csrf(html):
    found = re.search(r'name="csrf_token" value="([^"]*)"', html) or \
        re.search(r'<meta name="csrf-token" content="([^"]*)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def browser(shape):
    session = requests.Session()
    session.headers["Origin"] = shape.url  # browsers send it with every POST
    return session


def test_a_guest_buys_through_nginx_and_the_order_page_says_paid(shape):
    phone = browser(shape)
    catalogue = phone.get(shape.url + "/produits", timeout=30)
    assert catalogue.status_code == 200 and catalogue.headers["Server"].startswith("nginx")
    product = re.search(r'href="/p/([A-Za-z0-9_-]+)"', catalogue.text).group(1)
    page = phone.get(f"{shape.url}/p/{product}", timeout=30).text
    added = phone.post(shape.url + "/panier/ajouter", timeout=30, allow_redirects=False,
                       data={"product": product, "quantity": "1", "csrf_token": _csrf(page)})
    assert added.status_code == 303
    checkout = phone.get(shape.url + "/commande", timeout=30).text
    point = re.search(r'<option value="(\d+)"', checkout).group(1)
    placed = phone.post(shape.url + "/commande", timeout=30, allow_redirects=False, data={
        "name": "Awa Bello", "phone": "670555111", "fulfilment": "PICKUP", "pickup_point_id": point,
        "payment_method": "MTN_MOMO", "csrf_token": _csrf(checkout)})
    assert placed.status_code == 303 and re.fullmatch(r"/commande/VGK-[A-Z0-9]+", placed.headers["Location"])
    order_url = shape.url + placed.headers["Location"]
    waiting = phone.get(order_url, timeout=30).text
    assert "Payée" not in waiting
    simulator = re.search(r'href="(/simulateur/[^"]+)"[^>]*>\s*Ouvrir le téléphone simulé', waiting).group(1)
    asked = phone.get(shape.url + simulator, timeout=30).text
    assert re.search(r"Payer [\d\u202f\u00a0 ]+FCFA à Vidé-Grenier Kamer", asked)
    approved = phone.post(shape.url + simulator, timeout=30, data={"decision": "approve", "csrf_token": _csrf(asked)})
    assert approved.status_code == 200 and "Paiement approuvé" in approved.text
    assert "Payée" in phone.get(order_url, timeout=30).text


def _sign_in(shape, email):
    answer = requests.post(shape.url + "/mobile/api/auth/login/", json={"email": email, "password": DEMO_PASSWORD},
                           timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()["tokens"]["access_token"]


def test_two_demo_users_chat_over_socket_io_through_nginx(shape):
    buyer, seller = _sign_in(shape, "acheteur@vgk.test"), _sign_in(shape, "vendeur@vgk.test")
    listings = requests.get(shape.url + "/mobile/api/client/listings/", timeout=30,
                            headers={"Authorization": f"Bearer {seller}"}).json()["results"]
    on_sale = next(item["id"] for item in listings if item["status"] == "ACTIVE")
    opened = requests.post(shape.url + "/mobile/api/client/conversations/open_for_product/", timeout=30,
                           headers={"Authorization": f"Bearer {buyer}"}, json={"product": on_sale})
    conversation = opened.json()["conversation"]["id"]
    heard, arrived = [], threading.Event()
    seller_phone = SocketClient(shape.url, seller, timeout=30)
    buyer_phone = SocketClient(shape.url, buyer, timeout=30)
    try:
        seller_phone.on("message", lambda data: (heard.append(data["message"]), arrived.set()))
        answer = buyer_phone.emit("send", {"conversation": conversation, "text": "Toujours disponible ?"}, timeout=30)
        assert answer["ok"] is True
        assert arrived.wait(30), "the seller heard nothing"
        assert heard[0]["text"] == "Toujours disponible ?" and heard[0]["sender_name"] == "Clarisse Ngo Nyemb"
    finally:
        buyer_phone.close()
        seller_phone.close()


def _nginx_etag(path):
    """The ETag nginx gives a file it sends itself: its time of change and size, in hexadecimal."""
    stat = path.stat()
    return f'"{int(stat.st_mtime):x}-{stat.st_size:x}"'


def test_static_files_and_photos_come_from_nginx_kept_for_good(shape):
    home = requests.get(shape.url + "/", timeout=30).text
    stylesheet = re.search(r'href="(/static/css/app\.[0-9a-f]{10}\.css)"', home).group(1)
    built = Path(shape.run_dir) / "build" / stylesheet.lstrip("/")
    sent = requests.get(shape.url + stylesheet, headers={"Accept-Encoding": "gzip"}, timeout=30)
    assert sent.status_code == 200 and sent.headers["Content-Encoding"] == "gzip"
    assert sent.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert sent.headers["ETag"] == _nginx_etag(built.with_name(built.name + ".gz"))  # the precompressed file
    assert sent.content == built.read_bytes()
    plain = requests.get(shape.url + "/static/css/app.css", timeout=30)
    assert plain.headers["Cache-Control"] == "no-cache" and plain.content == built.read_bytes()
    stale = requests.get(shape.url + "/static/css/app.0000000000.css", timeout=30)  # a page from an older release
    assert stale.status_code == 200 and "immutable" not in stale.headers["Cache-Control"]

    photo = re.search(r'src="(/media/[^"]+\.webp)"', home).group(1)
    media_root = Path(shape.run_dir) / "media"
    sent = requests.get(shape.url + photo, timeout=30)
    assert sent.status_code == 200 and sent.headers["Content-Type"] == "image/webp"
    assert sent.headers["ETag"] == _nginx_etag(media_root / photo.removeprefix("/media/"))
    assert sent.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    (media_root / "private").mkdir(exist_ok=True)
    (media_root / "private" / "chat.webp").write_bytes(b"RIFF")
    assert requests.get(shape.url + "/media/private/chat.webp", timeout=30).status_code == 404


def test_nginx_answers_the_shared_lists_itself_and_never_a_product_page_or_a_session(shape):
    first = requests.get(shape.url + "/produits", timeout=30)
    again = requests.get(shape.url + "/produits", timeout=30)
    assert first.status_code == again.status_code == 200
    # Within its second nginx answers it alone; after it, it asks the app with the page's ETag (304).
    assert again.headers["X-Proxy-Cache"] in ("HIT", "REVALIDATED", "UPDATING", "STALE")
    assert "X-Accel-Expires" not in again.headers
    product = re.search(r'href="(/p/[A-Za-z0-9_-]+)"', first.text).group(1)
    views = [requests.get(shape.url + product, timeout=30) for _ in range(2)]  # each view is counted by the app
    assert [view.headers["X-Proxy-Cache"] for view in views] == ["MISS", "MISS"]
    phone = browser(shape)
    phone.get(shape.url + "/langue/en", timeout=30)  # a session: every page is built for it
    pages = [phone.get(shape.url + "/produits", timeout=30) for _ in range(2)]
    assert [page.headers["X-Proxy-Cache"] for page in pages] == ["BYPASS", "BYPASS"]
    assert 'lang="en"' in pages[1].text  # its own language, never the visitors' page


def test_the_app_sees_the_client_through_nginx_and_links_to_the_public_address(shape):
    env = settings(shape)
    assert env["VGK_ENV"] == "production" and env["TRUSTED_PROXIES"] == "1" and env["PUBLIC_URL"] == shape.url
    assert len(env["SECRET_KEY"]) >= 32 and oct((Path(shape.run_dir) / "env").stat().st_mode)[-3:] == "600"
    products = requests.get(shape.url + "/mobile/api/products/", timeout=30).json()["results"]
    assert products[0]["thumbnail_url"].startswith(shape.url + "/media/")


def test_down_stops_every_process_and_the_throwaway_servers(shape):
    state = json.loads((Path(shape.run_dir) / up.STATE).read_text())
    tree = state["processes"]
    commands = " ".join(Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace") for pid, _ in tree)
    for name in ("honcho", "gunicorn", "rq-worker", "nginx"):
        assert name in commands
    assert commands.count("vgk.ops.keep") == 3  # the web processes and the worker, started again if they die
    gunicorns = [pid for pid, _ in tree if "gunicorn" in (line := Path(f"/proc/{pid}/cmdline").read_text())
                 and "vgk.ops.keep" not in line]
    assert len(gunicorns) == 4  # two web processes: a master and its worker each
    redis = [state["redis"], up.start_time(state["redis"])]
    up.stop(shape.run_dir)
    deadline = time.monotonic() + 10
    while up.still_running(tree) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert up.still_running(tree) == []
    assert up.still_running([redis]) == []
    assert not Path(state["postgres_root"]).exists()
    with pytest.raises(requests.ConnectionError):
        requests.get(shape.url + "/", timeout=5)


def test_the_documented_nginx_file_is_the_template_for_a_real_host():
    documented = (ROOT / "deploy" / "nginx-vgk.conf").read_text()
    assert documented == nginx.production()
    for line in ("ip_hash;", "least_conn;", "proxy_set_header Upgrade $http_upgrade;", "gzip_static on;",
                 "listen 443 ssl http2;", "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;"):
        assert line in documented
