"""Settings from environment variables, with safe embedded defaults.

Every value a deployment may change is read here once; the rest of the code reads
``current_app.config``. Production refuses the defaults that are only safe on a laptop.
"""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_DIR", BASE_DIR / "instance"))

APP_ENV = os.environ.get("APP_ENV", "development")
DEV_SECRET = "dev-only-secret-change-me-before-production"
DEV_PAYMENT_SECRET = "dev-only-payment-secret-change-me"


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


class Config:
    APP_ENV = APP_ENV
    APP_NAME = "社会保险单位网上服务系统"
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET)

    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'shebao.db'}"
    )
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    # Alembic owns the schema; FAB must neither create tables nor touch permissions at
    # import time (the tables may not exist yet while `flask db upgrade` runs).
    FAB_CREATE_DB = False
    FAB_UPDATE_PERMS = False
    FAB_SECURITY_MANAGER_CLASS = "app.security.SecurityManager"
    FAB_INDEX_VIEW = "views.home.HomeView"
    FAB_BASE_TEMPLATE = "layout/page.html"
    FAB_API_SWAGGER_UI = True
    FAB_API_MAX_PAGE_SIZE = 100
    FAB_ROLES_MAPPING = {}
    AUTH_TYPE = 1  # AUTH_DB
    AUTH_ROLE_ADMIN = "系统管理员"
    AUTH_ROLE_PUBLIC = "Public"
    AUTH_USER_REGISTRATION = False
    AUTH_RATE_LIMITED = True
    AUTH_RATE_LIMIT = os.environ.get("AUTH_RATE_LIMIT", "20 per minute")

    # FAB's default False silently disables our own Flask-Limiter too.
    RATELIMIT_ENABLED = _flag("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")

    CAPTCHA_ENABLED = _flag("CAPTCHA_ENABLED", True)
    SMS_BACKEND = os.environ.get("SMS_BACKEND", "outbox")
    SMS_HTTP_URL = os.environ.get("SMS_HTTP_URL", "")
    CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
    CELERY_QUEUE = os.environ.get("CELERY_QUEUE", "shebao")
    CELERY_KEY_PREFIX = os.environ.get("CELERY_KEY_PREFIX", "")
    JOB_THREADS = int(os.environ.get("JOB_THREADS", "2"))
    JOB_MODULES = os.environ.get("JOB_MODULES", "")
    # A running job its runner has not written for this long is failed when read (its process
    # is gone): the runner beats every JOB_HEARTBEAT seconds, long silent steps included.
    JOB_STALE_AFTER = int(os.environ.get("JOB_STALE_AFTER", "60"))
    JOB_HEARTBEAT = float(os.environ.get("JOB_HEARTBEAT", "10"))
    # A queued job waits for a free runner: failed when read only after this long.
    JOB_QUEUED_STALE_AFTER = int(os.environ.get("JOB_QUEUED_STALE_AFTER", "900"))
    # Address space an import job may take beyond its process's own (its child or Celery worker).
    JOB_MEMORY_LIMIT_MB = int(os.environ.get("JOB_MEMORY_LIMIT_MB", "1024"))
    # Printed forms of more rows are rendered by a background job (views/declaration_print.py).
    PRINT_INLINE_ROWS = int(os.environ.get("PRINT_INLINE_ROWS", "300"))
    # Rows such a job lays out at once (reports/chunked_pdf.py): memory stays at one chunk's.
    PRINT_CHUNK_ROWS = int(os.environ.get("PRINT_CHUNK_ROWS", "500"))

    # Online payment (D4): the gateway adapter (app/money/gateway.py), the key notifications are
    # signed with, when a payment still 支付中 is settled by asking the bank, the notify URL's
    # limit per address. The demo bank: how it sends notifications (thread | inline | off) and
    # over what (http | inprocess: this app's test client, for tests without a server).
    PAYMENT_GATEWAY = os.environ.get("PAYMENT_GATEWAY", "demo_bank")
    PAYMENT_SECRET = os.environ.get("PAYMENT_SECRET", DEV_PAYMENT_SECRET)
    PAYMENT_QUERY_AFTER_MINUTES = int(os.environ.get("PAYMENT_QUERY_AFTER_MINUTES", "15"))
    PAYMENT_NOTIFY_RATE_LIMIT = os.environ.get("PAYMENT_NOTIFY_RATE_LIMIT", "120 per minute")
    DEMO_BANK_NOTIFY = os.environ.get("DEMO_BANK_NOTIFY", "thread")
    DEMO_BANK_TRANSPORT = os.environ.get("DEMO_BANK_TRANSPORT", "http")

    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_FOLDER = str(BASE_DIR / "translations")
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    LANGUAGES = {
        "zh": {"flag": "cn", "name": "简体中文"},
        "en": {"flag": "gb", "name": "English"},
    }

    UPLOAD_DIR = str(INSTANCE_DIR / "uploads")
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = APP_ENV == "production"
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None

    PROXY_FIX = _flag("PROXY_FIX", APP_ENV == "production")

    PAGE_SIZE = 20

    # 参保缴费证明 (F3, H4): the address printed under the QR code (else the request's host),
    # the public check's limit per address, and the issuing center printed on certificates.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")
    VERIFY_RATE_LIMIT = os.environ.get("VERIFY_RATE_LIMIT", "20 per minute;200 per day")
    CERTIFICATE_CENTER = os.environ.get("CERTIFICATE_CENTER", "济南市社会保险事业中心")


def check_production(config: dict) -> None:
    """Refuse settings that are only safe on a developer's machine."""
    if config.get("APP_ENV") != "production":
        return
    if config.get("SECRET_KEY") in (None, "", DEV_SECRET):
        raise RuntimeError("APP_ENV=production requires a SECRET_KEY of its own")
    if not config.get("CAPTCHA_ENABLED"):
        raise RuntimeError("CAPTCHA_ENABLED=0 is refused when APP_ENV=production")
    if config.get("SMS_BACKEND") == "outbox":
        raise RuntimeError("APP_ENV=production requires a real SMS_BACKEND, not the outbox")
    if config.get("PAYMENT_SECRET") in (None, "", DEV_PAYMENT_SECRET):
        raise RuntimeError("APP_ENV=production requires a PAYMENT_SECRET of its own")
