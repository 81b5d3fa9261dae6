"""Finding 2: the configuration failed open. An unset or mistyped VGK_ENV ran the development
configuration (a public /dev/outbox with every code, the default SECRET_KEY accepted, anyone able to
approve a simulated payment). Now: unset means production, an unknown value refuses to start, production
refuses short or default keys, and development tools answer loopback clients only."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

import config
from config import ConfigError, DevelopmentConfig, ProductionConfig, TestConfig, config_from_env
from tests import factories as f
from vgk import create_app
from vgk.extensions import db
from vgk.integrations.registry import adapters_of
from vgk.models import Payment, PaymentStatus
from vgk.services.commerce import payments

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k3Vx9w2QpL7rT5yZ8mN4bC6dF1gH0jS-aE"  # 34 bytes, random-looking
SETTINGS = ("VGK_ENV", "SECRET_KEY", "JWT_SECRET_KEY", "PUBLIC_URL", "TRUSTED_HOSTS", "TRUSTED_PROXIES",
            "CAMPAY_USERNAME", "CAMPAY_PASSWORD", "CAMPAY_WEBHOOK_KEY", "ALLOW_SIMULATED_PAYMENTS",
            "DATABASE_URL", "REDIS_URL", "MEDIA_ROOT", "SIMULATED_PAYMENTS_DIR", "HSTS")
REMOTE = {"REMOTE_ADDR": "203.0.113.7"}

# Start the app as gunicorn or `flask` would (create_app() choosing its configuration from the
# environment), then knock on every development-only door.
PROBE = """
from vgk import create_app
app = create_app()
client = app.test_client()
base = app.config["PUBLIC_URL"]
print("outbox", client.get("/dev/outbox", base_url=base).status_code)
print("simulator", client.get("/simulateur/SIM-123", base_url=base).status_code)
answer = client.post("/mobile/api/payment/simulate/", base_url=base,
                     json={"order_reference": "VGK-ABC", "decision": "approve"})
print("api", answer.status_code, answer.get_json()["success"])
print("key", len(app.config["SECRET_KEY"]))
"""


def start(tmp_path, script=PROBE, **env):
    environ = {k: v for k, v in os.environ.items() if k not in SETTINGS and not k.startswith("TEST_")}
    environ.update(DATABASE_URL=f"sqlite:///{tmp_path / 'vgk.sqlite3'}", MEDIA_ROOT=str(tmp_path / "media"))
    environ.update(env)
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=environ, capture_output=True, text=True,
                          timeout=120)


def refused(result, *words):
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stdout
    for word in words:
        assert word in result.stderr, result.stderr
    assert "outbox" not in result.stdout


PRODUCTION = dict(SECRET_KEY=STRONG_KEY, PUBLIC_URL="https://vgk.cm", CAMPAY_USERNAME="vgk-app",
                  CAMPAY_PASSWORD="pw", CAMPAY_WEBHOOK_KEY="hook")


# --- choosing the configuration -------------------------------------------------------------------

def test_unset_vgk_env_means_production():
    assert config_from_env({}) is ProductionConfig
    assert config_from_env({"VGK_ENV": ""}) is ProductionConfig
    assert config_from_env({"VGK_ENV": "development"}) is DevelopmentConfig
    assert config_from_env({"VGK_ENV": "test"}) is TestConfig


@pytest.mark.parametrize("mistyped", ["prod", "Production", "PRODUCTION", "dev", "Development", "testing",
                                      " production", "staging"])
def test_a_mistyped_vgk_env_refuses_to_start(mistyped):
    with pytest.raises(ConfigError, match="is not one of development, test, production"):
        config_from_env({"VGK_ENV": mistyped})


def test_unset_vgk_env_without_keys_refuses_to_start_and_says_what_to_do(tmp_path):
    result = start(tmp_path)
    refused(result, "SECRET_KEY must be set in production", "make run", "VGK_ENV=development")


def test_a_mistyped_vgk_env_refuses_to_start_the_server(tmp_path):
    result = start(tmp_path, VGK_ENV="Production", **PRODUCTION)
    refused(result, "VGK_ENV='Production' is not one of development, test, production")


@pytest.mark.parametrize("key", ["dev-only-change-me", "short-but-random-Zq81", "test-secret",
                                 "dev-only-change-me".ljust(40, " "), " " * 40, "a" * 40, "abab" * 10])
def test_production_refuses_a_short_or_default_secret_key(tmp_path, key):
    result = start(tmp_path, VGK_ENV="production", **{**PRODUCTION, "SECRET_KEY": key})
    refused(result, "SECRET_KEY", "32 bytes")


def test_production_refuses_a_short_jwt_key(tmp_path):
    result = start(tmp_path, VGK_ENV="production", JWT_SECRET_KEY="jwt-key-of-twenty-bytes", **PRODUCTION)
    refused(result, "JWT_SECRET_KEY", "32 bytes")


def test_production_needs_its_public_address(tmp_path):
    result = start(tmp_path, VGK_ENV="production", **{**PRODUCTION, "PUBLIC_URL": ""})
    refused(result, "PUBLIC_URL must be set in production")
    result = start(tmp_path, VGK_ENV="production", **{**PRODUCTION, "PUBLIC_URL": "http://vgk.cm"})
    refused(result, "PUBLIC_URL must start with https://")
    result = start(tmp_path, VGK_ENV="production", **{**PRODUCTION, "PUBLIC_URL": "http://203.0.113.7:8080"})
    refused(result, "PUBLIC_URL must start with https://")


def test_production_accepts_plain_http_only_on_a_loopback_address(tmp_path):
    """`make up` runs the production configuration behind nginx on 127.0.0.1, which nobody else reaches."""
    result = start(tmp_path, VGK_ENV="production", **{**PRODUCTION, "PUBLIC_URL": "http://127.0.0.1:8080"})
    assert result.returncode == 0, result.stderr
    assert "outbox 404" in result.stdout and "simulator 404" in result.stdout


def test_production_without_a_payment_provider_refuses_to_start(tmp_path):
    settings = {k: v for k, v in PRODUCTION.items() if not k.startswith("CAMPAY")}
    refused(start(tmp_path, VGK_ENV="production", **settings), "CAMPAY_USERNAME must be set in production")


@pytest.mark.parametrize("env", [{}, {"VGK_ENV": "production"}])
def test_production_starts_with_nothing_development_only_reachable(tmp_path, env):
    result = start(tmp_path, **env, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "outbox 404" in result.stdout
    assert "simulator 404" in result.stdout
    assert "api 404 False" in result.stdout


def test_a_demo_with_simulated_payments_still_has_no_outbox(tmp_path):
    settings = {k: v for k, v in PRODUCTION.items() if not k.startswith("CAMPAY")}
    result = start(tmp_path, VGK_ENV="production", ALLOW_SIMULATED_PAYMENTS="1", **settings)
    assert result.returncode == 0, result.stderr
    assert "outbox 404" in result.stdout


def test_the_wsgi_entry_point_refuses_with_a_plain_message(tmp_path):
    result = start(tmp_path, "import wsgi", VGK_ENV="prod")
    assert result.returncode == 1
    assert result.stderr.startswith("Vidé-Grenier Kamer refuses to start: VGK_ENV='prod' is not one of")


# --- development: no key known from the source, tools for this machine only -----------------------

def test_development_makes_its_own_random_key_once(tmp_path):
    first, second = {"SECRET_KEY": None}, {"SECRET_KEY": None}
    DevelopmentConfig.finalize(first, tmp_path)
    DevelopmentConfig.finalize(second, tmp_path)
    assert first["SECRET_KEY"] == second["SECRET_KEY"]  # sessions survive a restart
    assert first["SECRET_KEY"] not in config.KNOWN_DEFAULT_KEYS and len(first["SECRET_KEY"]) >= 32
    assert (tmp_path / "dev-secret-key").stat().st_mode & 0o077 == 0  # readable by its owner only
    other = {"SECRET_KEY": None}
    DevelopmentConfig.finalize(other, tmp_path / "another-machine")
    assert other["SECRET_KEY"] != first["SECRET_KEY"]


def test_development_tools_answer_only_this_machine(media_root, tmp_path):
    app = create_app(DevelopmentConfig, SECRET_KEY=STRONG_KEY, SQLALCHEMY_DATABASE_URI="sqlite://",
                     MEDIA_ROOT=media_root, REDIS_URL=None)
    client = app.test_client()
    assert client.get("/dev/outbox", base_url="http://127.0.0.1:5000").status_code != 404
    assert client.get("/dev/outbox", base_url="http://127.0.0.1:5000", environ_base=REMOTE).status_code == 404
    # a proxy on the same machine relaying a visitor: not a local request
    relayed = client.get("/dev/outbox", base_url="http://127.0.0.1:5000", headers={"X-Forwarded-For": "203.0.113.7"})
    assert relayed.status_code == 404
    for header in ("CF-Connecting-IP", "True-Client-IP", "Via"):  # what other relays send
        relayed = client.get("/dev/outbox", base_url="http://127.0.0.1:5000", headers={header: "203.0.113.7"})
        assert relayed.status_code == 404, header


@pytest.mark.parametrize("setting", ["TRUSTED_PROXIES", "PAGE_SIZE", "CAMPAY_TIMEOUT"])
def test_a_setting_that_is_not_a_number_refuses_to_start_and_names_it(tmp_path, setting):
    result = start(tmp_path, VGK_ENV="production", **PRODUCTION, **{setting: "abc"})
    refused(result, f"{setting}='abc' is not a number")


def test_the_outbox_is_not_served_to_a_remote_visitor(app, client):
    f.user(phone="+237690111222")
    adapters_of(app).sms.send("+237690111222", "Votre code de connexion est 482913.")
    assert "482913" in client.get("/dev/outbox").get_data(as_text=True)
    for headers, environ in (({}, REMOTE), ({"X-Forwarded-For": "203.0.113.7"}, {}), ({"X-Real-IP": "203.0.113.7"}, {}),
                             ({"Forwarded": "for=203.0.113.7"}, {})):
        response = client.get("/dev/outbox", headers=headers, environ_base=environ)
        assert response.status_code == 404
        assert "482913" not in response.get_data(as_text=True)


def test_a_remote_visitor_cannot_approve_a_simulated_payment(app, client):
    order = f.place_order(f.product(price=25_000), payment_method="MTN_MOMO", phone="+237677555111")
    payment = payments.start(order, "MTN_MOMO", "+237677555111")
    page = client.get(payment.approve_url, environ_base=REMOTE)
    assert page.status_code == 404 and "Approuver" not in page.get_data(as_text=True)
    answer = client.post("/mobile/api/payment/simulate/", environ_base=REMOTE,
                         json={"order_reference": order.reference, "decision": "approve"})
    assert answer.status_code == 404 and answer.get_json()["success"] is False
    db.session.expire_all()
    assert db.session.get(Payment, payment.id).status == PaymentStatus.PENDING
    assert client.get(payment.approve_url).status_code == 200  # the developer's own browser still can


def test_a_deliberate_demo_opens_the_simulated_phone_to_everyone(app, client, monkeypatch):
    order = f.place_order(f.product(price=25_000), payment_method="MTN_MOMO", phone="+237677555111")
    payment = payments.start(order, "MTN_MOMO", "+237677555111")
    monkeypatch.setitem(app.config, "ALLOW_SIMULATED_PAYMENTS", True)
    assert client.get(payment.approve_url, environ_base=REMOTE).status_code == 200
    assert client.get("/dev/outbox", environ_base=REMOTE).status_code == 404  # the codes stay private
