"""Configuration comes from the environment with safe defaults."""
import importlib

import pytest


@pytest.fixture(autouse=True)
def _config_module_restored():
    """These tests reload `config` to read a new environment; afterwards the module holds its original
    classes again, so modules that imported them (and compare with them) are not left with stale ones."""
    import config

    saved = dict(config.__dict__)
    yield
    config.__dict__.clear()
    config.__dict__.update(saved)


def _reload_config(monkeypatch, **env):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    import config

    return importlib.reload(config)


def test_production_refuses_the_development_secret(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    config = _reload_config(monkeypatch)
    with pytest.raises(RuntimeError):
        config.ProductionConfig.check()


def test_production_starts_with_a_real_secret_and_a_real_payment_gateway(monkeypatch):
    config = _reload_config(monkeypatch, SECRET_KEY="a-long-random-value-from-the-environment")
    with pytest.raises(RuntimeError):  # the simulated gateway would let anyone approve a payment
        config.ProductionConfig.check()
    config = _reload_config(monkeypatch, CAMPAY_USERNAME="vgk-app", PUBLIC_URL="https://vgk.cm")
    config.ProductionConfig.check()
    assert config.ProductionConfig.SESSION_COOKIE_SECURE is True
    monkeypatch.delenv("SECRET_KEY")
    monkeypatch.delenv("CAMPAY_USERNAME")
    monkeypatch.delenv("PUBLIC_URL")
    importlib.reload(config)


@pytest.mark.parametrize("given", ["postgres://u:p@h/db", "postgresql://u:p@h/db"])
def test_database_urls_use_psycopg2(given):
    import config

    assert config.normalize_database_url(given) == "postgresql+psycopg2://u:p@h/db"
    assert config.normalize_database_url("sqlite:///x.db") == "sqlite:///x.db"
