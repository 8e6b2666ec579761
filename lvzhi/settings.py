"""Settings, read from the environment.

With nothing set, lvzhi runs embedded: SQLite under $LVZHI_HOME (default ./var), Huey on SQLite,
Django's database cache. `lvzhi demo` sets LVZHI_DEMO=1, the only mode where DEBUG may be on.
Production sets DATABASE_URL (PostgreSQL), REDIS_URL and SECRET_KEY.
"""

import os
import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
HOME = Path(os.environ.get("LVZHI_HOME") or Path.cwd() / "var").resolve()
TESTING = "pytest" in sys.modules or os.environ.get("LVZHI_TESTING") == "1"
DEMO = os.environ.get("LVZHI_DEMO") == "1"


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _positive_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ImproperlyConfigured(f"{name} must be a whole number of 1 or more, not {raw!r}.")
    return value


def _writable_dir(path: Path) -> Path:
    """Create a directory lvzhi writes to, or say which one and how to choose another."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ImproperlyConfigured(
            f"cannot create {path} ({exc.strerror or exc}): set LVZHI_HOME to a writable directory."
        ) from None
    return path


SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEMO or TESTING:
        SECRET_KEY = "lvzhi-demo-and-test-only-not-secret"
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is required outside demo mode: set the SECRET_KEY environment variable "
            "(e.g. `export SECRET_KEY=$(python -c 'import secrets; print(secrets.token_urlsafe(50))')`)."
        )

# DEBUG may be on in demo mode and nowhere else.
DEBUG = DEMO and _flag("DEBUG", True)
# The load benchmark (bench/dashboard_load.py) adds its minimal view at /bench/minimal/; never set in production.
BENCH = _flag("LVZHI_BENCH")
# Any host name in demo and tests; elsewhere only this machine unless ALLOWED_HOSTS names the site's hosts.
_DEFAULT_HOSTS = "*" if (DEMO or TESTING) else "localhost,127.0.0.1,[::1]"
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", _DEFAULT_HOSTS).split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "huey.contrib.djhuey",
    "ninja",  # ships the doc page's swagger-ui files, so /api/v1/docs works offline
    "lvzhi.core",
    "lvzhi.org",
    "lvzhi.stations",
    "lvzhi.suggestions",
    "lvzhi.opinions",
    "lvzhi.performance",
    "lvzhi.liaison",
    "lvzhi.meetings",
    "lvzhi.briefings",
    "lvzhi.training",
    "lvzhi.dashboards",
    "lvzhi.portal",
    "lvzhi.api",
    "lvzhi.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lvzhi.core.middleware.IdleClockMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "lvzhi.core.middleware.PasswordChangeRequiredMiddleware",
    # Axes last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lvzhi.urls"
WSGI_APPLICATION = "lvzhi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lvzhi.core.navigation.navigation",
            ],
        },
    }
]


# --- database ---------------------------------------------------------------------------------
def _database() -> dict:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        _writable_dir(HOME)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": HOME / "lvzhi.sqlite3",
            "OPTIONS": {
                # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock at
                # the start of a transaction, so two writers queue instead of failing half-way.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            "TEST": {"NAME": os.environ.get("LVZHI_TEST_SQLITE") or None},
        }
    import dj_database_url

    try:
        config = dj_database_url.parse(url, conn_max_age=0)
    except Exception as exc:  # dj_database_url raises several kinds; all mean the same to a user
        raise ImproperlyConfigured(
            f"DATABASE_URL is malformed ({exc}). Expected e.g. postgres://user:password@host:5432/name"
        ) from None
    if config.get("ENGINE") == "django.db.backends.postgresql":
        config.setdefault("OPTIONS", {})["pool"] = not TESTING
        # PostgreSQL's JIT compiles the larger aggregates of the figure lists for hundreds of milliseconds,
        # more than the queries themselves take; pages answer short queries, so it never pays here.
        config["OPTIONS"].setdefault("options", "-c jit=off")
    if not config.get("NAME") and config.get("ENGINE") != "django.db.backends.sqlite3":
        raise ImproperlyConfigured("DATABASE_URL names no database, e.g. postgres://user@host:5432/lvzhi")
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache, jobs ------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "lvzhi.core.redis_cache.ReusingRedisCache", "LOCATION": REDIS_URL}}
    # Sessions are read from Redis and written through to the database, so a Redis restart signs no one out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # A database cache is shared by every process, so rate limits and lockouts hold across workers.
    # MAX_ENTRIES: Django's default of 300 is far below the portal's working set (a cached page per deputy,
    # station, language and base URL for its 10-minute TTL; a province has 60,000 deputies), so rotating
    # visitors culled each other's pages and most requests rendered afresh. 20,000 entries of ≈ 10 KB are
    # ≈ 200 MB at most; expired rows go at the next cull.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "lvzhi_cache",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }

if TESTING and not _flag("LVZHI_REAL_JOBS"):
    HUEY = {"huey_class": "huey.MemoryHuey", "name": "lvzhi", "immediate": True}
elif REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "lvzhi",
        "url": REDIS_URL,
        "immediate": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
else:
    _writable_dir(HOME)
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "lvzhi",
        "filename": str(HOME / "jobs.sqlite3"),
        "immediate": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }

# --- accounts and security ---------------------------------------------------------------------
AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "lvzhi.org.auth.UsernameOrMobileBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; tests hash hundreds of passwords.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "full_name", "mobile", "email")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "lvzhi.org.auth.CharacterClassesValidator"},
]
LOGIN_URL = "signin"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "signin"

# Level-3 classified protection (等保三级) defaults; each is a setting.
LVZHI_MAX_FAILED_SIGNINS = _positive_int("LVZHI_MAX_FAILED_SIGNINS", 5)
LVZHI_LOCKOUT_MINUTES = _positive_int("LVZHI_LOCKOUT_MINUTES", 30)
LVZHI_IDLE_MINUTES = _positive_int("LVZHI_IDLE_MINUTES", 30)
LVZHI_SECURITY_EVENT_RETENTION_DAYS = 183

AXES_FAILURE_LIMIT = LVZHI_MAX_FAILED_SIGNINS
AXES_COOLOFF_TIME = LVZHI_LOCKOUT_MINUTES / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "lvzhi.org.auth.lockout_response"
# Count per account whether the person typed the username or the mobile number.
AXES_USERNAME_CALLABLE = "lvzhi.org.auth.axes_username"
# The lock lasts LVZHI_LOCKOUT_MINUTES from the failure that set it; tries while locked don't extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
# Lockout is per account, as the classified-protection rule asks; per-address limits are rate limits.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

SESSION_COOKIE_AGE = LVZHI_IDLE_MINUTES * 60
# The idle clock slides with activity, within a minute (lvzhi.core.middleware.IdleClockMiddleware).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_SECURE = _flag("SECURE_COOKIES", not (DEMO or TESTING or DEBUG))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# --- language and time -------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- files -----------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = HOME / "static"
_writable_dir(STATIC_ROOT)  # WhiteNoise warns on every request when it is missing
# The charting library, installed by `npm ci` (lvzhi.core.frontend), served as /static/vendor/echarts/….
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "lvzhi.core.frontend.FrontendFinder",
]
MEDIA_URL = "media/"
MEDIA_ROOT = HOME / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not (DEBUG or TESTING)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- notifications -----------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if (DEMO or not os.environ.get("EMAIL_HOST"))
    else "django.core.mail.backends.smtp.EmailBackend",
)
if TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "lvzhi@localhost")
LVZHI_SMS_BACKEND = os.environ.get("LVZHI_SMS_BACKEND", "lvzhi.core.sms.ConsoleSmsBackend")
if TESTING:
    LVZHI_SMS_BACKEND = "lvzhi.core.sms.MemorySmsBackend"

LVZHI_SITE_NAME = _("Lvzhi — deputy work platform")

# The address citizens reach the site at ("https://lvzhi.example.gov.cn"), printed in every QR code and poster.
# Unset, a code points at the host of the request that makes it, which behind a proxy may be an internal
# name: set it before printing posters.
LVZHI_PUBLIC_URL = os.environ.get("LVZHI_PUBLIC_URL", "").strip().rstrip("/")
if LVZHI_PUBLIC_URL and not LVZHI_PUBLIC_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(
        f"LVZHI_PUBLIC_URL must start with https:// or http://, e.g. https://lvzhi.example.gov.cn, "
        f"not {LVZHI_PUBLIC_URL!r}."
    )

# --- citizens' opinions (the public phone page behind each QR code) -----------------------------
# Opinions stored per hour from one address (a station's Wi-Fi serves many people) and from one browser.
LVZHI_OPINION_PER_ADDRESS_PER_HOUR = _positive_int("LVZHI_OPINION_PER_ADDRESS_PER_HOUR", 30)
LVZHI_OPINION_PER_BROWSER_PER_HOUR = _positive_int("LVZHI_OPINION_PER_BROWSER_PER_HOUR", 5)
# Tries per hour and address at the tracking number + the phone's last four digits (10,000 combinations).
LVZHI_OPINION_LOOKUPS_PER_HOUR = _positive_int("LVZHI_OPINION_LOOKUPS_PER_HOUR", 20)
# The same text sent again from the same client within this many minutes is stored once.
LVZHI_OPINION_DEDUPE_MINUTES = _positive_int("LVZHI_OPINION_DEDUPE_MINUTES", 10)
LVZHI_OPINION_CONTENT_MIN = 5
LVZHI_OPINION_CONTENT_MAX = 2000
LVZHI_OPINION_PHOTO_MAX_BYTES = _positive_int("LVZHI_OPINION_PHOTO_MAX_MB", 5) * 1024 * 1024
# Days after an opinion is finished (solved or closed) before the citizen's personal data is purged.
LVZHI_OPINION_RETENTION_DAYS = _positive_int("LVZHI_OPINION_RETENTION_DAYS", 365)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"lvzhi": {"level": "INFO"}, "huey": {"level": "WARNING"}},
}
