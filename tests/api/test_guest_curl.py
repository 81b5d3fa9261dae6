"""The README's curl session, replayed as written: a guest goes from the product list to a paid order
with curl and jq alone, against the app served on a loopback port."""
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from tests import factories as f
from tests.conftest import make_app, migrate
from vgk.extensions import db
from vgk.models import Order, OrderStatus, PaymentStatus

README = Path(__file__).resolve().parents[2] / "README.md"
SESSION = re.compile(r"<!-- curl-session -->\s*```bash\n(.*?)```\s*<!-- /curl-session -->", re.S)
SELLER_SESSION = re.compile(r"<!-- curl-session-seller -->\s*```bash\n(.*?)```\s*<!-- /curl-session-seller -->", re.S)
BASE_LINE = "BASE=http://127.0.0.1:5000"


def readme_session(pattern=SESSION):
    found = pattern.findall(README.read_text(encoding="utf-8"))
    assert len(found) == 1, f"README.md must hold one ```bash block between the markers of {pattern.pattern[:30]}"
    block = found[0]
    assert block.count(BASE_LINE + "\n") == 1, f"the session must set `{BASE_LINE}` once"
    return block


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("curl")
    app = make_app(f"sqlite:///{root / 'curl.sqlite3'}", str(root / "media"))
    migrate(app)
    with app.app_context():
        douala = f.city("Douala", slug="douala", delivery_fee=1500)
        f.pickup_point(douala, name="Point relais Akwa")
        for n in range(3):
            f.product(f"Objet d'occasion {n}", price=5_000 * (n + 1), city_=douala, age_minutes=n, images=1)
        seller = f.user(email="vendeur@vgk.test", password="demo-pass-237")
        f.product("Radio de la vendeuse", seller=seller, city_=douala, images=1, age_minutes=600)
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    thread.join(timeout=10)


def replay(url, pattern):
    missing = [tool for tool in ("bash", "curl", "jq") if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"{' and '.join(missing)} not installed: the README's API session needs them "
                    f"(`make test` installs them with apt-get; or `apt-get install curl jq`)")
    script = readme_session(pattern).replace(BASE_LINE, f"BASE={url}")
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"session failed ({done.returncode})\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    return done


def test_the_readme_curl_session_pays_a_guest_order(server):
    app, url = server
    done = replay(url, SESSION)
    assert '"status":"healthy"' in done.stdout and done.stdout.rstrip().endswith("true")
    with app.app_context():
        order = db.session.scalar(select(Order))
        assert order is not None and f"order {order.reference}" in done.stdout
        assert order.status == OrderStatus.PAID and order.buyer_id is None
        assert order.total == 5_000 and order.items[0].title == "Objet d'occasion 0"
        assert [(p.method, p.status) for p in order.payments] == [("MTN_MOMO", PaymentStatus.SUCCESSFUL)]


def test_the_readme_seller_session_uses_and_rotates_tokens(server):
    app, url = server
    lines = replay(url, SELLER_SESSION).stdout.splitlines()
    assert lines == [
        '{"count":1,"first":"Radio de la vendeuse"}',
        '{"amount":0,"display":"0 FCFA"}',
        "spent refresh token: 401",
        "its newer pair afterwards: 401",
    ]
