"""Vidé-Grenier Kamer: the application factory."""
import os
from pathlib import Path

from flask import Flask, g, has_request_context, request, session
from flask_login import current_user

from config import config_from_env, normalize_database_url
from vgk import inputs, ops, realtime
from vgk.extensions import babel, compress, csrf, db, limiter, login_manager, migrate, socketio
from vgk.translations_build import compile_catalogues
from vgk.urls import site_origins

ROOT = Path(__file__).resolve().parent.parent


def select_locale():
    """The visitor's choice, else the signed-in user's (by cookie or API token), else the browser's,
    else French."""
    if not has_request_context():
        return "fr"
    lang = session.get("lang")
    if lang in ("fr", "en"):
        return lang
    api_user = g.get("api_user")  # the mobile API's bearer-token user, when there is one
    if api_user is not None and api_user.locale in ("fr", "en"):
        return api_user.locale
    if current_user.is_authenticated and current_user.locale in ("fr", "en"):
        return current_user.locale
    return request.accept_languages.best_match(["fr", "en"], default="fr")


def create_app(config_class=None, **overrides):
    config_class = config_class or config_from_env()
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        static_folder=str(ROOT / "static"),
        template_folder=str(ROOT / "templates"),
    )
    app.config.from_object(config_class)
    app.config.update(overrides)
    app.config["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    os.makedirs(app.instance_path, exist_ok=True)
    if hasattr(config_class, "finalize"):
        config_class.finalize(app.config, app.instance_path)  # refuses to start on an unsafe configuration
    ops.configure_logging(app)  # LOG_FORMAT: one JSON object a line, or text
    inputs.init_app(app)  # request class and hostile-input check, before every other hook

    _init_extensions(app)
    _init_adapters(app)
    realtime.register(app, socketio)
    _register_blueprints(app)

    from vgk import cli, devtools, web
    from vgk.api import envelope
    from vgk.web import anonymous, assets, data_saver, template_speed, visitors

    cli.register(app)
    web.register_template_helpers(app)
    template_speed.register(app)
    web.register_error_handlers(app, envelope.wants_json, envelope.json_error)
    anonymous.register(app)  # before the response policies: its hook sees their no-store
    web.register_response_policies(app)
    assets.register(app)
    web.register_housekeeping(app)
    visitors.register(app)
    data_saver.register(app)
    devtools.guard(app)
    ops.install(app)  # request ids, access lines and metrics, around the page cache and Socket.IO
    _trust_proxies(app)
    return app


def _trust_proxies(app):
    """Behind TRUSTED_PROXIES reverse proxies, take the client's address, scheme and host from the
    X-Forwarded-* headers they set (the last N values); with 0 (the default) those headers are ignored."""
    count = int(app.config.get("TRUSTED_PROXIES") or 0)
    if count:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count)


def _init_extensions(app):
    from vgk import models  # noqa: F401  (registers tables for migrations)

    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A socket event or request holds a connection while it runs: a pool smaller than the busy threads
        # would open and close a connection (a PostgreSQL process) for each event past it.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_size": int(app.config.get("DB_POOL_SIZE", 24)),
                                                  "max_overflow": int(app.config.get("DB_MAX_OVERFLOW", 8)),
                                                  **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})}
    db.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from vgk.database import configure_sqlite

        with app.app_context():
            configure_sqlite(db.engine)
    elif not app.config["SQLALCHEMY_ENGINE_OPTIONS"].get("pool_pre_ping"):
        from vgk.database import ping_when_idle

        with app.app_context():
            ping_when_idle(db.engine, float(app.config.get("DB_PING_AFTER_IDLE_SECONDS", 5)))
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"] or "memory://")
    # Redis down: each process counts in memory meanwhile, and goes back to Redis once it answers again.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_timeout": 1, "socket_connect_timeout": 1})
    limiter.init_app(app)
    csrf.init_app(app)
    from vgk.api.envelope import wants_json
    from vgk.web.forms import register_csrf_check

    register_csrf_check(app, wants_json)  # right after Flask-WTF's hook, which it stands in for
    compile_catalogues(ROOT / "vgk" / "translations")
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(ROOT / "vgk" / "translations"),
    )
    compress.init_app(app)
    socketio.server_options.pop("client_manager", None)  # each app's own REDIS_URL decides (tests build many)
    socketio.init_app(
        app,
        message_queue=app.config["REDIS_URL"],
        async_mode="threading",
        # Each connection's events run in its own reading thread, in order, instead of a new thread per
        # event: a third less CPU per message (fewer thread switches) and nothing shared is held meanwhile.
        async_handlers=False,
        # [] would switch the Origin check off entirely: only the site's own pages may open a socket.
        cors_allowed_origins=site_origins(app.config),
    )

    @login_manager.user_loader
    def load_user(session_id):
        from vgk.services.accounts import sessions

        return sessions.load(session_id)


def _init_adapters(app):
    """One adapter per outside service, chosen from the configuration and installed on the app, where
    `vgk.integrations.registry` hands them out. The local outboxes keep their messages through the
    messaging service."""
    from vgk.integrations import registry
    from vgk.integrations.ai import ai_from_config
    from vgk.integrations.mail import mail_from_config
    from vgk.integrations.oauth import oauth_from_config
    from vgk.integrations.payments import payments_from_config
    from vgk.integrations.push import push_from_config
    from vgk.integrations.sms import sms_from_config
    from vgk.integrations.storage import backups_from_config, remote_from_config, storage_from_config
    from vgk.integrations.whatsapp import whatsapp_from_config
    from vgk.services.messaging import outbox

    remote = remote_from_config(app.config)  # None unless STORAGE_BACKEND=dropbox
    registry.install(app, registry.Adapters(
        storage=storage_from_config(app.config),
        sms=sms_from_config(app.config, keep=outbox.keep),
        mail=mail_from_config(app.config, keep=outbox.keep),
        payments=payments_from_config(app.config, simulator_url=_simulator_url(app)),
        oauth=oauth_from_config(app),  # None unless GOOGLE_CLIENT_ID is set
        queue=_queue(app),
        whatsapp=whatsapp_from_config(app.config, keep=outbox.keep),
        push=push_from_config(app.config, keep=outbox.keep),
        ai=ai_from_config(app.config),
        remote=remote,
        backups=backups_from_config(app.config, remote),
    ))


def _queue(app):
    """The RQ queue on REDIS_URL, or None: jobs then run inline."""
    if not app.config.get("REDIS_URL"):
        return None
    from redis import Redis
    from rq import Queue

    from vgk.jobs import QUEUE_NAME

    # Short timeouts: a hung Redis costs a request two seconds, then jobs stay in the process (vgk.jobs).
    return Queue(QUEUE_NAME, connection=Redis.from_url(app.config["REDIS_URL"], socket_timeout=2,
                                                       socket_connect_timeout=2))


def _simulator_url(app):
    """The site path of the simulated payer's phone page for a transaction, built from the shop's
    `simulator` route: the payments adapter is given it and knows no web route."""

    def simulator_url(reference: str) -> str:
        return app.url_map.bind("").build("shop.simulator", {"reference": reference})

    return simulator_url


def _register_blueprints(app):
    from vgk.web import account, admin, auth, chat, health, hooks, pwa, sell, shop, staff, tracked, unsubscribe, visitor

    for module in (pwa, visitor, auth, account, staff, admin, shop, sell, chat, hooks, unsubscribe, tracked, health):
        app.register_blueprint(module.bp)
    if app.config.get("GOOGLE_CLIENT_ID"):
        from vgk.web import google

        app.register_blueprint(google.bp)
    from vgk import api

    api.init_app(app)
    if app.config.get("DEV_TOOLS"):
        from vgk.web import dev

        app.register_blueprint(dev.bp)


__all__ = ["create_app", "current_user"]
