"""Configuration classes. Every value comes from the environment, with safe defaults."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


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


DEV_SECRET_KEY = "dev-only-change-me"


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL") or None

    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_SUPPORTED_LOCALES = ["fr", "en"]
    BABEL_DEFAULT_TIMEZONE = "Africa/Douala"

    MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(BASE_DIR / "instance" / "media"))
    MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_BYTES", 16 * 1024 * 1024))
    # Photos: refused from their header, before any decoding, above MAX_IMAGE_PIXELS pixels or
    # MAX_IMAGE_SIDE pixels on a side; at most IMAGE_WORKERS photos are decoded at once per process, and
    # an upload waits IMAGE_WAIT_SECONDS for a turn before a 503 "busy, try again".
    MAX_IMAGE_PIXELS = int(os.environ.get("MAX_IMAGE_PIXELS", 24_000_000))
    MAX_IMAGE_SIDE = int(os.environ.get("MAX_IMAGE_SIDE", 10_000))
    IMAGE_WORKERS = int(os.environ.get("IMAGE_WORKERS", 2))
    IMAGE_WAIT_SECONDS = float(os.environ.get("IMAGE_WAIT_SECONDS", 5))

    PAGE_SIZE = int(os.environ.get("PAGE_SIZE", 20))
    MAX_PAGE = int(os.environ.get("MAX_PAGE", 500))

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None

    SEND_FILE_MAX_AGE_DEFAULT = 60 * 60 * 24 * 7
    # Compress static files too (they are streamed); gzip is what older phones ask for.
    COMPRESS_ALGORITHM_STREAMING = ["zstd", "br", "gzip", "deflate"]
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 14

    # Rate limits (Flask-Limiter): Redis storage when REDIS_URL is set, memory otherwise.
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    AUTH_RATE_LIMIT = os.environ.get("AUTH_RATE_LIMIT", "20 per minute; 200 per hour")
    CODE_RATE_LIMIT = os.environ.get("CODE_RATE_LIMIT", "10 per minute; 60 per hour")

    # Orders: commission taken on each sale (percent of the item price), how long stock is held
    # for an unpaid Mobile Money order, and for a cash order until the seller drops the item off.
    COMMISSION_PERCENT = int(os.environ.get("COMMISSION_PERCENT", 10))
    RESERVATION_MINUTES = int(os.environ.get("RESERVATION_MINUTES", 30))
    CASH_HOLD_HOURS = int(os.environ.get("CASH_HOLD_HOURS", 72))
    MIN_PAYOUT = int(os.environ.get("MIN_PAYOUT", 1000))

    # Shared staff tablets lock after this many idle seconds.
    STAFF_IDLE_SECONDS = int(os.environ.get("STAFF_IDLE_SECONDS", 300))

    # SMS: Africa's Talking when an API key is set, the outbox otherwise.
    AFRICASTALKING_USERNAME = os.environ.get("AFRICASTALKING_USERNAME", "sandbox")
    AFRICASTALKING_API_KEY = os.environ.get("AFRICASTALKING_API_KEY")
    AFRICASTALKING_SENDER_ID = os.environ.get("AFRICASTALKING_SENDER_ID")
    AFRICASTALKING_BASE_URL = os.environ.get("AFRICASTALKING_BASE_URL")

    # Email: SMTP when SMTP_HOST is set, the outbox otherwise.
    SMTP_HOST = os.environ.get("SMTP_HOST")
    SMTP_SECURITY = os.environ.get("SMTP_SECURITY", "starttls")
    SMTP_PORT = int(os.environ.get("SMTP_PORT") or (465 if SMTP_SECURITY == "ssl" else 587))
    SMTP_USERNAME = os.environ.get("SMTP_USERNAME")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD")
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "Vidé-Grenier Kamer <no-reply@vgk.cm>")

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
    JWT_SECRET_KEY = os.environ.get("JWT_SECRET_KEY")
    JWT_ACCESS_SECONDS = int(os.environ.get("JWT_ACCESS_SECONDS", 3600))
    JWT_REFRESH_SECONDS = int(os.environ.get("JWT_REFRESH_SECONDS", 7 * 24 * 3600))
    MOBILE_CORS_ORIGINS = tuple(
        o.strip().rstrip("/") for o in os.environ.get("MOBILE_CORS_ORIGINS", "").split(",") if o.strip()
    )
    DEV_TOOLS = False

    # Payments: Campay when CAMPAY_USERNAME is set (the application's username/password from the Campay
    # dashboard; the webhook key verifies its callbacks), the simulated gateway otherwise, which keeps
    # one file per transaction in SIMULATED_PAYMENTS_DIR (default: "simulated-payments" beside MEDIA_ROOT,
    # i.e. instance/simulated-payments).
    CAMPAY_BASE_URL = os.environ.get("CAMPAY_BASE_URL", "https://demo.campay.net")
    CAMPAY_USERNAME = os.environ.get("CAMPAY_USERNAME")
    CAMPAY_PASSWORD = os.environ.get("CAMPAY_PASSWORD")
    CAMPAY_WEBHOOK_KEY = os.environ.get("CAMPAY_WEBHOOK_KEY")
    CAMPAY_TIMEOUT = float(os.environ.get("CAMPAY_TIMEOUT", 15))
    SIMULATED_PAYMENTS_DIR = os.environ.get("SIMULATED_PAYMENTS_DIR")

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


class DevelopmentConfig(Config):
    DEBUG = _env_bool("FLASK_DEBUG", False)
    DEV_TOOLS = True


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    REDIS_URL = os.environ.get("TEST_REDIS_URL") or None
    WTF_CSRF_ENABLED = True
    AFRICASTALKING_API_KEY = None
    SMTP_HOST = None
    GOOGLE_CLIENT_ID = None
    CAMPAY_USERNAME = None
    MEDIA_ROOT = os.environ.get("TEST_MEDIA_ROOT", str(BASE_DIR / "instance" / "test-media"))
    DEV_TOOLS = True


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def check(cls):
        if not cls.SECRET_KEY or cls.SECRET_KEY == DEV_SECRET_KEY:
            raise RuntimeError("SECRET_KEY must be set in production")
        # The simulated gateway lets anyone approve a payment: only a deliberate demo may use it.
        if not cls.CAMPAY_USERNAME and not _env_bool("ALLOW_SIMULATED_PAYMENTS", False):
            raise RuntimeError("CAMPAY_USERNAME must be set in production (or ALLOW_SIMULATED_PAYMENTS=1 for a demo)")


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def config_from_env():
    return CONFIGS.get(os.environ.get("VGK_ENV", "development"), DevelopmentConfig)
