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
    MAX_IMAGE_PIXELS = int(os.environ.get("MAX_IMAGE_PIXELS", 40_000_000))

    PAGE_SIZE = int(os.environ.get("PAGE_SIZE", 20))
    MAX_PAGE = int(os.environ.get("MAX_PAGE", 500))

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None

    SEND_FILE_MAX_AGE_DEFAULT = 60 * 60 * 24 * 7
    APP_VERSION = "0.1.0"
    DEV_TOOLS = False


class DevelopmentConfig(Config):
    DEBUG = _env_bool("FLASK_DEBUG", False)
    DEV_TOOLS = True


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    REDIS_URL = os.environ.get("TEST_REDIS_URL") or None
    WTF_CSRF_ENABLED = True
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


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def config_from_env():
    return CONFIGS.get(os.environ.get("VGK_ENV", "development"), DevelopmentConfig)
