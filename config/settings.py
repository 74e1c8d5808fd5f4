"""Settings for 选拔通, read from the environment (and a local .env file in development)."""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from config.cache import caches

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env_file = Path(env.str("DJANGO_ENV_FILE", default=str(BASE_DIR / ".env")))
if env_file.is_file():
    # Variables already set in the environment win over the file.
    env.read_env(env_file, overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY or SECRET_KEY == "change-me":
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode"

# Rotating the secret key: the old one here until sessions, open votes and signed heads moved on
# (docs/PRODUCTION.md "Keys").
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "simple_history",
    "pgtrigger",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    "selection",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "accounts.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "selection.middleware.OwnErrorPagesMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out sign-in into the lockout page
]
# With DEBUG on, still answer 404 and 500 with the project's Chinese pages (the traceback goes to the console).
XUANBA_OWN_ERROR_PAGES = env.bool("XUANBA_OWN_ERROR_PAGES", default=True)

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "selection.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a writer instead of failing at once; serialise writers (BEGIN IMMEDIATE).
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
elif "postgresql" in DATABASES["default"]["ENGINE"] and not env.bool("XUANBA_PG_JIT", default=False):
    # PostgreSQL's JIT compiles a wide aggregate (the 干部结构分析 counts: 40 filtered counts over the
    # registry) for seconds before running it — 4.7 s instead of 2.1 s at 100,000 cadres; the site's
    # queries are short, so it is off unless asked for.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Keep a worker's database connection between requests (a new PostgreSQL connection per request costs
# more than most of our pages' queries); a dropped connection is noticed before it is reused.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache (the registry's counts, the statistics, whether a year's holidays are entered): in each process
# by default; DJANGO_CACHE_URL=redis://127.0.0.1:6379/1 shares it between every worker and server
# (django-redis; a Redis that is down reads as a miss), so a count is computed once per change of the registry, not once per worker, and a saved
# holiday schedule is seen by every worker at once. Keys carry the database's name (config/cache.py).
CACHES = caches(env.str("DJANGO_CACHE_URL", default="locmemcache://"))
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True  # a Redis that is down is logged at each miss

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out account or address
    "accounts.backends.ModelBackend",  # Django's, with the user's organization in the same query
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row
GUARDIAN_RAISE_403 = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Django's zh_Hans DATE_INPUT_FORMATS are broken upstream (%n, %j); ours live in config/formats.
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
    ("vendor/tom-select", NODE_MODULES / "tom-select" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = BASE_DIR / env.str("DJANGO_MEDIA_ROOT", default="media")
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

XUANBA_FONTS_DIR = BASE_DIR / env.str("XUANBA_FONTS_DIR", default="fonts")

# Keys kept outside the database (docs/SECURITY.md). Unset: derived from DJANGO_SECRET_KEY (development
# only; `check --deploy` warns). Ballot key-encryption keys: Fernet keys, newest first (rotation).
XUANBA_BALLOT_KEKS = env.list("XUANBA_BALLOT_KEK", default=[])
# Record signing key (Ed25519): a PEM file path, or the base64 of the 32-byte private key.
XUANBA_SIGNING_KEY_FILE = env.str("XUANBA_SIGNING_KEY_FILE", default="")
XUANBA_SIGNING_KEY = env.str("XUANBA_SIGNING_KEY", default="")
# Public keys (base64, 32 bytes) of retired signing keys, so heads they signed still verify.
XUANBA_SIGNING_OLD_PUBLIC_KEYS = env.list("XUANBA_SIGNING_OLD_PUBLIC_KEYS", default=[])

# Content Security Policy: everything is served locally.
SECURE_CSP = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "style-src": ["'self'", "'unsafe-inline'"],  # style attributes only; scripts stay strict
    "script-src": ["'self'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
# Idle timeout: the session ends this many minutes after the last request. Requests renew it, at most once
# a minute (accounts.middleware.IdleTimeoutMiddleware), instead of saving the session on every page.
XUANBA_IDLE_TIMEOUT_MINUTES = env.int("XUANBA_IDLE_TIMEOUT_MINUTES", default=30)
XUANBA_SESSION_RENEW_SECONDS = env.int("XUANBA_SESSION_RENEW_SECONDS", default=60)
SESSION_COOKIE_AGE = XUANBA_IDLE_TIMEOUT_MINUTES * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# HTTPS. Secure by default with DEBUG off; a deployment behind plain HTTP says so with DJANGO_HTTPS=false
# (which also silences the matching `check --deploy` warnings: an explicit, visible opt-out).
HTTPS = env.bool("DJANGO_HTTPS", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=HTTPS)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=HTTPS)
# Behind a TLS-terminating proxy, e.g. DJANGO_SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https
_proxy_header = env.list("DJANGO_SECURE_PROXY_SSL_HEADER", default=[])
SECURE_PROXY_SSL_HEADER = tuple(_proxy_header) if len(_proxy_header) == 2 else None
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's probe may speak plain HTTP
SILENCED_SYSTEM_CHECKS = [] if HTTPS else ["security.W004", "security.W008", "security.W012", "security.W016"]

# Sign-in throttling (django-axes): per account and, separately, per address; an administrator unlocks
# in 系统管理 (访问尝试) or with `manage.py axes_reset_username <name>` / `axes_reset_ip <address>`.
AXES_ENABLED = env.bool("XUANBA_LOGIN_THROTTLE", default=True)
AXES_FAILURE_LIMIT = env.int("XUANBA_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("XUANBA_LOGIN_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
# The client address: REMOTE_ADDR only unless the proxy in front is trusted to set the header.
AXES_IPWARE_META_PRECEDENCE_ORDER = env.list("XUANBA_CLIENT_IP_HEADERS", default=["REMOTE_ADDR"])

# Two-factor sign-in (django-otp TOTP, recovery codes) for party-group members, auditors, HR and
# administrators; asked again at sign-off. Off in development (.env.example) so demo logins work.
XUANBA_REQUIRE_2FA = env.bool("XUANBA_REQUIRE_2FA", default=not DEBUG)
OTP_TOTP_ISSUER = "选拔通"

# Stored files are served by the app after the permission check; with a proxy in front, the app can
# hand the sending to it: "nginx" (X-Accel-Redirect to XUANBA_FILE_ACCEL_PREFIX, an `internal` location
# aliasing MEDIA_ROOT) or "apache" (X-Sendfile with the file's path). Empty: Django streams the file.
XUANBA_FILE_SERVER = env.str("XUANBA_FILE_SERVER", default="")
XUANBA_FILE_ACCEL_PREFIX = env.str("XUANBA_FILE_ACCEL_PREFIX", default="/protected-media/")
# A PDF render that takes longer than this fails with a message instead of holding the worker.
XUANBA_PDF_TIME_LIMIT_SECONDS = env.float("XUANBA_PDF_TIME_LIMIT_SECONDS", default=60.0)
# The case file's parts are laid out by this many processes (0: one per core, at most four; 1: none
# forked), at this lower priority so that web requests keep their speed meanwhile (selection/pdf/parallel.py).
XUANBA_PDF_PROCESSES = env.int("XUANBA_PDF_PROCESSES", default=0)
XUANBA_PDF_NICE = env.int("XUANBA_PDF_NICE", default=10)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="WARNING")},
}

MESSAGE_TAGS = {40: "danger"}

# Background tasks (exports, daily checkpoints): Django's Tasks framework with the database backend, so no
# extra server is needed; `manage.py db_worker` runs them (`make run` starts it). A Redis- or
# RabbitMQ-backed worker is a change of BACKEND here.
TASKS = {
    "default": {
        "BACKEND": env.str("XUANBA_TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# A list export (导出Excel) is built inside the request up to this many rows; a longer one goes to the
# 花名册's background export, with its progress bar.
XUANBA_DIRECT_EXPORT_MAX_ROWS = env.int("XUANBA_DIRECT_EXPORT_MAX_ROWS", default=500)
# The statistics and the dashboard's registry counts are kept this long while the registry is unchanged
# (the key moves with every registry write); 0 computes them on every request.
XUANBA_REGISTRY_CACHE_SECONDS = env.int("XUANBA_REGISTRY_CACHE_SECONDS", default=120)
