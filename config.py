"""Configuration classes. Every value comes from the environment, with safe defaults; it fails closed:
VGK_ENV chooses the class (unset means production), an unknown value refuses to start, and production
refuses weak or default keys and a missing PUBLIC_URL."""
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from config_env import ENV_PROBLEMS, _env_bool, _env_list, _env_number
from config_limits import LimitSettings
from config_storage import StorageSettings
from config_storage import problems as storage_problems

BASE_DIR = Path(__file__).resolve().parent


def normalize_database_url(url):
    """Accept the usual postgres:// and postgresql:// forms and use the psycopg2 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix):]
    return url


def _database_url():
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{BASE_DIR / 'instance' / 'vgk.sqlite3'}"
    return normalize_database_url(url)


class ConfigError(RuntimeError):
    """The configuration would be unsafe or cannot work: the app refuses to start, saying why."""


DEV_SECRET_KEY = "dev-only-change-me"  # the key older versions used when SECRET_KEY was unset
TEST_SECRET_KEY = "test-secret"
# Values seen in this project's history, examples and tutorials: production refuses them whatever their length.
KNOWN_DEFAULT_KEYS = frozenset({
    DEV_SECRET_KEY, TEST_SECRET_KEY, "change-me", "changeme", "secret", "dev", "development", "production",
    "your-secret-key", "super-secret",
})
MIN_KEY_BYTES = 32
LOOPBACK_HOSTS = ("localhost", "127.0.0.1")


class Config(StorageSettings, LimitSettings):
    ENV_NAME = None
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # A pooled PostgreSQL connection left unused this long is checked (SELECT 1) before it is handed out,
    # and replaced if the server dropped it (restart, failover, idle timeout); one in steady use is not
    # pinged at every request.
    DB_PING_AFTER_IDLE_SECONDS = _env_number("DB_PING_AFTER_IDLE_SECONDS", 5, float)
    # Connections each process keeps open to PostgreSQL, and how many more it may open at a peak (those
    # are closed again afterwards). Keep (web processes + workers) × (both) under the server's max_connections.
    DB_POOL_SIZE = _env_number("DB_POOL_SIZE", 24)
    DB_MAX_OVERFLOW = _env_number("DB_MAX_OVERFLOW", 8)
    REDIS_URL = os.environ.get("REDIS_URL") or None
    # Logs: "json" (one JSON line per request and per message) or "text"; /metrics answers a bearer
    # METRICS_TOKEN, or loopback callers not behind a proxy when it is unset (vgk.ops).
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN") or None

    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_SUPPORTED_LOCALES = ["fr", "en"]
    BABEL_DEFAULT_TIMEZONE = "Africa/Douala"

    MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(BASE_DIR / "instance" / "media"))
    MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
    MAX_CONTENT_LENGTH = _env_number("MAX_UPLOAD_BYTES", 16 * 1024 * 1024)
    # Photos: refused from their header, before any decoding, above MAX_IMAGE_PIXELS pixels or
    # MAX_IMAGE_SIDE pixels on a side; at most IMAGE_WORKERS photos are decoded at once per process, and
    # an upload waits IMAGE_WAIT_SECONDS for a turn before a 503 "busy, try again".
    MAX_IMAGE_PIXELS = _env_number("MAX_IMAGE_PIXELS", 24_000_000)
    MAX_IMAGE_SIDE = _env_number("MAX_IMAGE_SIDE", 10_000)
    IMAGE_WORKERS = _env_number("IMAGE_WORKERS", 2)
    IMAGE_WAIT_SECONDS = _env_number("IMAGE_WAIT_SECONDS", 5, float)

    PAGE_SIZE = _env_number("PAGE_SIZE", 20)
    MAX_PAGE = _env_number("MAX_PAGE", 500)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None

    SEND_FILE_MAX_AGE_DEFAULT = 60 * 60 * 24 * 7
    # Pages in brotli, else gzip: both smaller than zstd here (static files come precompressed: vgk.web.assets).
    COMPRESS_ALGORITHM = ["br", "gzip", "zstd", "deflate"]
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 14
    KEPT_VALUES = _env_bool("KEPT_VALUES", True)  # parts of public pages kept a minute (vgk.web.fragments)

    # Rate limits (Flask-Limiter): Redis storage when REDIS_URL is set, memory otherwise.
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    AUTH_RATE_LIMIT = os.environ.get("AUTH_RATE_LIMIT", "20 per minute; 200 per hour")
    CODE_RATE_LIMIT = os.environ.get("CODE_RATE_LIMIT", "10 per minute; 40 per hour")

    # SMS: Africa's Talking when an API key is set, the outbox otherwise.
    AFRICASTALKING_USERNAME = os.environ.get("AFRICASTALKING_USERNAME", "sandbox")
    AFRICASTALKING_API_KEY = os.environ.get("AFRICASTALKING_API_KEY")
    AFRICASTALKING_SENDER_ID = os.environ.get("AFRICASTALKING_SENDER_ID")
    AFRICASTALKING_BASE_URL = os.environ.get("AFRICASTALKING_BASE_URL")
    # The secret part of the delivery-report callback URL (Africa's Talking does not sign its callbacks);
    # unset: every delivery report is refused.
    AFRICASTALKING_CALLBACK_TOKEN = os.environ.get("AFRICASTALKING_CALLBACK_TOKEN", "")

    # Email: SMTP when SMTP_HOST is set, the outbox otherwise.
    SMTP_HOST = os.environ.get("SMTP_HOST")
    SMTP_SECURITY = os.environ.get("SMTP_SECURITY", "starttls")
    SMTP_PORT = _env_number("SMTP_PORT", 465 if SMTP_SECURITY == "ssl" else 587)
    SMTP_USERNAME = os.environ.get("SMTP_USERNAME")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD")
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "Vidé-Grenier Kamer <no-reply@vgk.cm>")
    # Web Push (notifications on a phone or browser that allowed them): sent through the browsers' push
    # services when VAPID_PRIVATE_KEY is set (`flask vapid-keys` prints a fresh pair), the outbox otherwise.
    # The page offers the button only with VAPID_PUBLIC_KEY. VAPID_SUBJECT: a mailto: or https: contact.
    VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY") or None
    VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY") or None
    VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:support@vgk.cm")
    # The contact page: the support address, and the support line (+237 6XX XX XX XX) shown only when set.
    SUPPORT_EMAIL = os.environ.get("SUPPORT_EMAIL", "support@vgk.cm")
    SUPPORT_PHONE = os.environ.get("SUPPORT_PHONE", "")

    # WhatsApp: the Business Cloud API when a token and the business phone number's id are set, the outbox
    # otherwise. The app secret checks the webhook's signatures, the verify token its subscription
    # handshake; WHATSAPP_COST_XAF is what one message (conversation) costs, for the delivery log.
    WHATSAPP_TOKEN = os.environ.get("WHATSAPP_TOKEN")
    WHATSAPP_PHONE_NUMBER_ID = os.environ.get("WHATSAPP_PHONE_NUMBER_ID")
    WHATSAPP_APP_SECRET = os.environ.get("WHATSAPP_APP_SECRET")
    WHATSAPP_VERIFY_TOKEN = os.environ.get("WHATSAPP_VERIFY_TOKEN")
    WHATSAPP_BASE_URL = os.environ.get("WHATSAPP_BASE_URL", "https://graph.facebook.com")
    WHATSAPP_API_VERSION = os.environ.get("WHATSAPP_API_VERSION", "v21.0")
    WHATSAPP_COST_XAF = _env_number("WHATSAPP_COST_XAF", 0)

    # Gemini (google-genai): proposals for sellers, sentiment and risk for moderators, translation. Without
    # a key the rules answer. GEMINI_BASE_URL only for a proxy or a test fake; prices: US dollars per
    # million tokens in and out, for the cost each call logs.
    GEMINI_API_KEY = os.environ.get("GEMINI_API_KEY") or None
    GEMINI_MODEL = os.environ.get("GEMINI_MODEL", "gemini-2.5-flash")
    GEMINI_BASE_URL = os.environ.get("GEMINI_BASE_URL") or None
    GEMINI_TIMEOUT_SECONDS = _env_number("GEMINI_TIMEOUT_SECONDS", 8, float)
    GEMINI_PRICE_INPUT = _env_number("GEMINI_PRICE_INPUT", 0.30, float)
    GEMINI_PRICE_OUTPUT = _env_number("GEMINI_PRICE_OUTPUT", 2.50, float)
    # "Améliorer l'annonce": proposals a seller may ask for in an hour (web and app together). Translations of
    # a listing asked by visitors who are not signed in: a per-address limit (each one may cost a model call).
    ASSIST_PROPOSALS_PER_HOUR = _env_number("ASSIST_PROPOSALS_PER_HOUR", 10)
    TRANSLATE_RATE_LIMIT = os.environ.get("TRANSLATE_RATE_LIMIT", "10 per minute; 60 per hour")

    # Discovery: behaviour events written in batches (0: at once) and kept so many days; the recommenders
    # (similar items, seen together, trending) rebuilt by a job every so many minutes.
    DISCOVERY_FLUSH_SECONDS = _env_number("DISCOVERY_FLUSH_SECONDS", 2, float)
    DISCOVERY_RETENTION_DAYS = _env_number("DISCOVERY_RETENTION_DAYS", 90)
    DISCOVERY_REFRESH_MINUTES = _env_number("DISCOVERY_REFRESH_MINUTES", 15)

    # Google sign-in (OpenID Connect): shown only when a client id is set.
    GOOGLE_CLIENT_ID = os.environ.get("GOOGLE_CLIENT_ID")
    GOOGLE_CLIENT_SECRET = os.environ.get("GOOGLE_CLIENT_SECRET")
    # Client ids of the Android app(s): ID tokens they get from Google Sign-In are accepted by the API.
    GOOGLE_MOBILE_CLIENT_IDS = tuple(
        c.strip() for c in os.environ.get("GOOGLE_MOBILE_CLIENT_IDS", "").split(",") if c.strip()
    )
    GOOGLE_DISCOVERY_URL = os.environ.get(
        "GOOGLE_DISCOVERY_URL", "https://accounts.google.com/.well-known/openid-configuration"
    )
    APP_VERSION = "0.1.0"

    # Mobile API: JSON Web Tokens (HS256) signed with JWT_SECRET_KEY (falls back to SECRET_KEY);
    # lifetimes in seconds. MOBILE_CORS_ORIGINS: comma-separated origins allowed to call the API
    # from a browser (none by default; the Android app needs none).
    JWT_SECRET_KEY = os.environ.get("JWT_SECRET_KEY") or None
    JWT_ACCESS_SECONDS = _env_number("JWT_ACCESS_SECONDS", 3600)
    JWT_REFRESH_SECONDS = _env_number("JWT_REFRESH_SECONDS", 7 * 24 * 3600)
    MOBILE_CORS_ORIGINS = tuple(
        o.strip().rstrip("/") for o in os.environ.get("MOBILE_CORS_ORIGINS", "").split(",") if o.strip()
    )
    DEV_TOOLS = False

    # Absolute links (emails, SMS, API pages, OAuth redirects) are built from PUBLIC_URL, never from the
    # request's Host header; requests for another host than TRUSTED_HOSTS get 400.
    PUBLIC_URL = (os.environ.get("PUBLIC_URL") or "").strip().rstrip("/") or None
    TRUSTED_HOSTS = _env_list("TRUSTED_HOSTS") or None
    # How many reverse proxies (nginx, a load balancer) stand in front of the app and set X-Forwarded-For,
    # -Proto, -Host and -Port; 0 trusts no such header (the client talks to gunicorn directly).
    TRUSTED_PROXIES = _env_number("TRUSTED_PROXIES", 0)
    HSTS = False
    ALLOW_SIMULATED_PAYMENTS = _env_bool("ALLOW_SIMULATED_PAYMENTS", False)

    # Payments: Campay when CAMPAY_USERNAME is set (the application's username/password from the Campay
    # dashboard; the webhook key verifies its callbacks), the simulated gateway otherwise, which keeps
    # one file per transaction in SIMULATED_PAYMENTS_DIR (default: "simulated-payments" beside MEDIA_ROOT,
    # i.e. instance/simulated-payments).
    CAMPAY_BASE_URL = os.environ.get("CAMPAY_BASE_URL", "https://demo.campay.net")
    CAMPAY_USERNAME = os.environ.get("CAMPAY_USERNAME")
    CAMPAY_PASSWORD = os.environ.get("CAMPAY_PASSWORD")
    CAMPAY_WEBHOOK_KEY = os.environ.get("CAMPAY_WEBHOOK_KEY")
    CAMPAY_TIMEOUT = _env_number("CAMPAY_TIMEOUT", 15, float)
    SIMULATED_PAYMENTS_DIR = os.environ.get("SIMULATED_PAYMENTS_DIR")
    # Without REDIS_URL, work kept off the request path (asking the gateway about a pending payment) runs on
    # a thread of each web process (vgk.jobs.background); the tests run it themselves.
    BACKGROUND_THREAD = True

    # Moderation: words (normalised, whole words or phrases) that flag a listing as a prohibited item;
    # MODERATION_BANNED_WORDS (comma-separated) replaces the default list.
    BANNED_WORDS = tuple(
        w.strip() for w in os.environ.get(
            "MODERATION_BANNED_WORDS",
            "arme,armes,fusil,fusils,pistolet,munitions,cartouches,drogue,drogues,cannabis,chanvre indien,"
            "cocaine,medicament sur ordonnance,medicaments sur ordonnance,contrefacon,faux billets,"
            "ivoire,defense d elephant,peau de leopard,peau de panthere,pangolin,viande de brousse protegee",
        ).split(",") if w.strip()
    )

    DEFAULT_PUBLIC_URL = None
    LOCAL_HOSTS = ()

    @classmethod
    def finalize(cls, config, instance_path):
        """Complete the values that depend on others (called by create_app after overrides), then check()."""
        if not config.get("PUBLIC_URL") and cls.DEFAULT_PUBLIC_URL:
            config["PUBLIC_URL"] = cls.DEFAULT_PUBLIC_URL
        public_url = config.get("PUBLIC_URL")
        if public_url:
            parts = urlsplit(public_url)
            if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
                raise ConfigError(
                    f"PUBLIC_URL must be an absolute http(s) URL such as https://vgk.cm, not {public_url!r}")
            config["PUBLIC_URL"] = public_url.rstrip("/")
            if config.get("TRUSTED_HOSTS") is None:
                config["TRUSTED_HOSTS"] = [parts.hostname, *cls.LOCAL_HOSTS]
            elif parts.hostname not in config["TRUSTED_HOSTS"]:
                config["TRUSTED_HOSTS"] = [parts.hostname, *config["TRUSTED_HOSTS"]]
        if ENV_PROBLEMS or storage_problems(config):
            raise ConfigError("; ".join(ENV_PROBLEMS + storage_problems(config)))
        if int(config.get("TRUSTED_PROXIES") or 0) < 0:
            raise ConfigError("TRUSTED_PROXIES must be 0 or a positive number of proxies")
        cls.check(config)

    @classmethod
    def check(cls, config=None):
        """Refuse a configuration that cannot work safely; nothing to refuse by default."""


def _instance_secret(instance_path, name):
    """A random key made once for this machine and kept in the instance folder (development only),
    so no key known from the source code ever signs a session or a token."""
    path = Path(instance_path) / name
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process (flask seed-demo, the server) made it first
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


class DevelopmentConfig(Config):
    """Only with VGK_ENV=development (`make run` sets it). Development tools (the outbox, the simulated
    payer's phone) answer loopback clients only."""
    ENV_NAME = "development"
    DEBUG = _env_bool("FLASK_DEBUG", False)
    DEV_TOOLS = True
    DEFAULT_PUBLIC_URL = f"http://127.0.0.1:{os.environ.get('PORT') or 5000}"  # what `make run` serves
    LOCAL_HOSTS = LOOPBACK_HOSTS

    @classmethod
    def finalize(cls, config, instance_path):
        if not config.get("SECRET_KEY"):
            config["SECRET_KEY"] = _instance_secret(instance_path, "dev-secret-key")
        super().finalize(config, instance_path)


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    # A fresh key per process: VGK_ENV=test set by mistake on a server gives nobody a key to forge with.
    SECRET_KEY = secrets.token_urlsafe(48)
    DEFAULT_PUBLIC_URL = "http://localhost"  # the test client's host
    LOCAL_HOSTS = LOOPBACK_HOSTS
    PUBLIC_URL = None
    TRUSTED_HOSTS = None
    TRUSTED_PROXIES = 0
    ALLOW_SIMULATED_PAYMENTS = False
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    REDIS_URL = os.environ.get("TEST_REDIS_URL") or None
    WTF_CSRF_ENABLED = True
    AFRICASTALKING_API_KEY = None
    SMTP_HOST = None
    VAPID_PUBLIC_KEY = None
    VAPID_PRIVATE_KEY = None
    GOOGLE_CLIENT_ID = None
    CAMPAY_USERNAME = None
    WHATSAPP_TOKEN = None
    GEMINI_API_KEY = None
    STORAGE_BACKEND, BACKUP_DIR = "local", str(BASE_DIR / "instance" / "test-backups")
    MEDIA_ROOT = os.environ.get("TEST_MEDIA_ROOT", str(BASE_DIR / "instance" / "test-media"))
    DEV_TOOLS = True
    DISCOVERY_FLUSH_SECONDS, DISCOVERY_REFRESH_MINUTES = 0, 0  # events written at once; tests rebuild
    HOUSEKEEPING_SECONDS = 365 * 24 * 3600  # one sweep per test app: none lands in a counted request
    BACKGROUND_THREAD = False  # background jobs wait for vgk.jobs.background.run_due
    PAGE_CACHE_SECONDS = 0  # pages built each time (vgk.web.page_cache; its tests put it in front)
    NOTIFY_SMART_TIMING = False  # alerts leave at once (quiet hours apply); the timing tests turn it on


def _check_key(name, value):
    if not value:
        raise ConfigError(f"{name} must be set in production (a random value of at least {MIN_KEY_BYTES} bytes, "
                          f"e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'). "
                          "For a development server use `make run` or VGK_ENV=development.")
    text = str(value).strip()
    # Long but guessable values ("a" * 32, spaces) are as weak as short ones: ask for a random key.
    if len(text.encode()) < MIN_KEY_BYTES or text.lower() in KNOWN_DEFAULT_KEYS or len(set(text)) < 10:
        raise ConfigError(f"{name} is too short or a known default: production needs a random value of at least "
                          f"{MIN_KEY_BYTES} bytes.")


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PREFERRED_URL_SCHEME = "https"
    HSTS = _env_bool("HSTS", True)
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")

    @classmethod
    def check(cls, config=None):
        if config is None:
            config = {name: getattr(cls, name) for name in dir(cls) if name.isupper()}
        if config.get("DEV_TOOLS") or config.get("TESTING"):
            raise ConfigError("Development tools and testing mode are never allowed in production.")
        _check_key("SECRET_KEY", config.get("SECRET_KEY"))
        if config.get("JWT_SECRET_KEY") is not None:
            _check_key("JWT_SECRET_KEY", config.get("JWT_SECRET_KEY"))
        if not config.get("PUBLIC_URL"):
            raise ConfigError("PUBLIC_URL must be set in production: the site's address for links in emails, "
                              "SMS and the API, e.g. https://vgk.cm")
        # http only on a loopback address, which nobody else can reach (`make up`, the shape on one machine).
        public = urlsplit(config["PUBLIC_URL"])
        if public.scheme != "https" and public.hostname not in LOOPBACK_HOSTS:
            raise ConfigError(f"PUBLIC_URL must start with https:// in production, not {config['PUBLIC_URL']!r}")
        # The simulated gateway lets anyone approve a payment: only a deliberate demo may use it.
        if not config.get("CAMPAY_USERNAME") and not config.get("ALLOW_SIMULATED_PAYMENTS"):
            raise ConfigError("CAMPAY_USERNAME must be set in production (or ALLOW_SIMULATED_PAYMENTS=1 for a demo)")
        # Without the app secret nobody can tell WhatsApp's webhook calls from forged ones.
        if config.get("WHATSAPP_TOKEN") and not config.get("WHATSAPP_APP_SECRET"):
            raise ConfigError("WHATSAPP_APP_SECRET must be set in production when WHATSAPP_TOKEN is: it checks "
                              "the signatures of WhatsApp's webhook calls")


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def config_from_env(environ=None):
    """The configuration class VGK_ENV names. Unset means production (which then insists on real keys);
    anything else than the three names refuses to start rather than guessing."""
    environ = os.environ if environ is None else environ
    name = environ.get("VGK_ENV")
    if name is None or name == "":
        return ProductionConfig
    if name not in CONFIGS:
        raise ConfigError(f"VGK_ENV={name!r} is not one of {', '.join(CONFIGS)}: refusing to start. "
                          "Use VGK_ENV=production for a server, `make run` (VGK_ENV=development) on your machine.")
    return CONFIGS[name]
