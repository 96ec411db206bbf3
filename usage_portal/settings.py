"""Settings, driven by environment variables (see README, "Configuration")."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for local use).")
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

# Where the embedded default keeps its database, broker queue and uploaded files.
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

REPORTING_TIMEZONE = env_str("REPORTING_TIMEZONE", "UTC")
try:
    ZoneInfo(REPORTING_TIMEZONE)
except (ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"REPORTING_TIMEZONE {REPORTING_TIMEZONE!r} is not a known time zone") from None

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tables2",
    "django_filters",
    "import_export",
    "django_celery_beat",
    # The apps, lowest first: each imports only from the ones above it in this list (docs/architecture.md).
    "analytics",  # migration history only
    "portal",
    "audit",
    "people",
    "notes",
    "ingest",
    "usage",
    "exports",
    "retention",
    "devtools",
    "axes",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.security.SessionExpiryMiddleware",
    "portal.replica.DashboardReplicaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "audit.middleware.AccessLogMiddleware",
    "portal.middleware.ReportingTimezoneMiddleware",
    "portal.middleware.DataVersionMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "usage_portal.urls"
WSGI_APPLICATION = "usage_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
]


def _database() -> dict:
    url = os.environ.get("DATABASE_URL", "")
    if url:
        config = dj_database_url.parse(url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60))
    else:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        config = {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "portal.sqlite3"}
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets the web server read while the worker writes; IMMEDIATE transactions take the
        # write lock up front, so two writers queue on the busy timeout instead of deadlocking.
        config["OPTIONS"] = {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; "
                "PRAGMA temp_store=MEMORY;"
            ),
        }
    return config


DATABASES = {"default": _database()}
# A read replica of the PostgreSQL primary for the dashboards' reads (portal.replica says which
# reads may go there); without it, everything reads the primary. In tests it mirrors the default.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"], conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60))
    if DATABASES["replica"]["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must name the same kind of database as DATABASE_URL")
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["portal.replica.DashboardReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Evidence no insider can erase alone (README "Privacy", docs/deploy-postgresql-roles.md) -----
# Retention floors: no period may be set below these (the settings form, portal.services and the
# purge refuse it), and the database refuses an access-log purge newer than its floor (the floor
# is written into the triggers and the purge function by `migrate`, run again after a change).
RETENTION_FLOOR_RAW_EVENTS_DAYS = env_int("RETENTION_FLOOR_RAW_EVENTS_DAYS", 30)
RETENTION_FLOOR_ROLLUPS_DAYS = env_int("RETENTION_FLOOR_ROLLUPS_DAYS", 90)
RETENTION_FLOOR_UPLOADS_DAYS = env_int("RETENTION_FLOOR_UPLOADS_DAYS", 7)
RETENTION_FLOOR_EXPORTS_DAYS = env_int("RETENTION_FLOOR_EXPORTS_DAYS", 1)
RETENTION_FLOOR_ACCESS_LOG_DAYS = env_int("RETENTION_FLOOR_ACCESS_LOG_DAYS", 365)
if min(
    RETENTION_FLOOR_RAW_EVENTS_DAYS, RETENTION_FLOOR_ROLLUPS_DAYS, RETENTION_FLOOR_UPLOADS_DAYS,
    RETENTION_FLOOR_EXPORTS_DAYS, RETENTION_FLOOR_ACCESS_LOG_DAYS,
) < 1:
    raise ImproperlyConfigured("every RETENTION_FLOOR_*_DAYS must be 1 or more")
# Two-role PostgreSQL: DATABASE_URL is the app's role (no ownership of the append-only tables);
# MIGRATION_DATABASE_URL, the same database as the role that owns them, is used only by
# `manage.py migrate_as_owner` (migrate as that role), which also grants the app role what it may do.
DATABASE_APP_ROLE = ""
if os.environ.get("MIGRATION_DATABASE_URL"):
    DATABASES["migrations"] = dj_database_url.parse(os.environ["MIGRATION_DATABASE_URL"], conn_max_age=0)
    if DATABASES["migrations"]["ENGINE"] != DATABASES["default"]["ENGINE"] or DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("MIGRATION_DATABASE_URL needs DATABASE_URL and itself on the same PostgreSQL")
    DATABASE_APP_ROLE = DATABASES["default"]["USER"]
    if not DATABASE_APP_ROLE or DATABASE_APP_ROLE == DATABASES["migrations"]["USER"]:
        raise ImproperlyConfigured("DATABASE_URL and MIGRATION_DATABASE_URL must name two different roles")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
FORMAT_MODULE_PATH = ["portal.formats"]  # one date and number format everywhere (portal/formats/)
TIME_ZONE = REPORTING_TIMEZONE
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"  # never served: uploads are read by the worker only

# Uploads, rejected-row reports and exports: storage that every web server and worker reads
# (docs/deploy.md, "Shared storage"). UPLOAD_STORAGE=filesystem keeps them under MEDIA_ROOT (on
# several machines, a shared filesystem mounted at the same path on each); UPLOAD_STORAGE=s3 in
# an S3-compatible bucket through django-storages, which reads the credentials from
# AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or an instance role) itself.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))


def _file_storage() -> dict:
    """The STORAGES["default"] that UPLOAD_STORAGE and its variables ask for."""
    kind = env_str("UPLOAD_STORAGE", "filesystem")
    if kind == "filesystem":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind != "s3":
        raise ImproperlyConfigured(f"UPLOAD_STORAGE must be filesystem or s3, not {kind!r}")
    if not os.environ.get("AWS_STORAGE_BUCKET_NAME"):
        raise ImproperlyConfigured("UPLOAD_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL", "") or None,  # none: AWS itself
            "region_name": env_str("AWS_S3_REGION_NAME", "") or None,
            "location": env_str("AWS_LOCATION", ""),  # a key prefix inside the bucket
            "default_acl": None,  # the bucket's own policy: private
            "querystring_auth": True,
            # Two uploads of the same name get two keys, as on the filesystem; never one over the other.
            "file_overwrite": False,
            # A file opened for reading is downloaded into a temporary file that stays in memory up
            # to this size and spills to disk past it (django-storages' default keeps it all in memory).
            "max_memory_size": env_int("UPLOAD_S3_MAX_MEMORY_BYTES", 16 * 1024**2),
        },
    }


STORAGES = {
    "default": _file_storage(),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Security (README, "Security") ------------------------------------------------------------

# Login lockout (django-axes): after LOGIN_FAILURE_LIMIT failed logins for one username from one
# address, that combination is refused for LOGIN_LOCKOUT_MINUTES. Every attempt during a lockout
# starts the wait again; a successful login clears the count.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
if LOGIN_FAILURE_LIMIT < 1 or LOGIN_LOCKOUT_MINUTES < 1:
    raise ImproperlyConfigured("LOGIN_FAILURE_LIMIT and LOGIN_LOCKOUT_MINUTES must be 1 or more")
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out logins before checking passwords
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "portal.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "portal.security.client_ip"
# No admin pages for axes' own records: the access log is the record of failed logins and
# lockouts; an operator ends a lockout early with `manage.py axes_reset_username <username>`.
AXES_ENABLE_ADMIN = False
# Application logs never carry a typed username or address: axes masks these in its messages.
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address"]

# Sessions end after SESSION_IDLE_MINUTES without a request, and SESSION_MAX_HOURS after login
# (portal.security.SessionExpiryMiddleware); the cookie does not outlive the longer limit.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_MAX_HOURS = env_int("SESSION_MAX_HOURS", 10)
if SESSION_IDLE_MINUTES < 1 or SESSION_MAX_HOURS < 1:
    raise ImproperlyConfigured("SESSION_IDLE_MINUTES and SESSION_MAX_HOURS must be 1 or more")
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600
SESSION_COOKIE_HTTPONLY = True

# HTTPS. Production (DEBUG off) sends cookies over HTTPS only, redirects http to https and sends
# HSTS. DEBUG=true (scripts/run, plain http on localhost) turns all of that off.
# BEHIND_TLS_PROXY=true: a reverse proxy terminates TLS and sets X-Forwarded-Proto; Django trusts
# that header to tell https requests, and leaves the http-to-https redirect to the proxy.
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SECURE_SSL_REDIRECT = not DEBUG and env_bool("SECURE_SSL_REDIRECT", not BEHIND_TLS_PROXY)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # a load balancer probes over plain http
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = []
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    if not SECURE_SSL_REDIRECT:
        # security.W008 asks for SECURE_SSL_REDIRECT; behind a TLS-terminating proxy the proxy
        # redirects http to https, and Django only ever sees requests the proxy forwarded.
        SILENCED_SYSTEM_CHECKS.append("security.W008")

# Content-Security-Policy (django-csp): pages load scripts, styles and images from the portal
# itself only; no inline scripts or styles, no plugins, no framing, forms post back to the portal.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# Privacy (README, "Privacy"): figures about a group of fewer people than this are hidden.
MIN_GROUP_SIZE = env_int("MIN_GROUP_SIZE", 5)
if MIN_GROUP_SIZE < 2:
    raise ImproperlyConfigured(f"MIN_GROUP_SIZE must be 2 or more, not {MIN_GROUP_SIZE}")
# How long names stay visible after an individual-detail viewer reveals them.
NAMES_REVEAL_MINUTES = env_int("NAMES_REVEAL_MINUTES", 30)
if NAMES_REVEAL_MINUTES < 1:
    raise ImproperlyConfigured(f"NAMES_REVEAL_MINUTES must be 1 or more, not {NAMES_REVEAL_MINUTES}")
# The key of member pseudonyms; by default derived from SECRET_KEY. Pseudonyms are stored, so
# changing either later changes only the pseudonyms of members seen afterwards.
PSEUDONYM_KEY = env_str("PSEUDONYM_KEY", "")
# How often pseudonyms change (people.services.pseudonyms_rotate, daily): quarterly, yearly or never.
PSEUDONYM_ROTATION = env_str("PSEUDONYM_ROTATION", "quarterly")
if PSEUDONYM_ROTATION not in ("never", "yearly", "quarterly"):
    raise ImproperlyConfigured(f"PSEUDONYM_ROTATION must be never, yearly or quarterly, not {PSEUDONYM_ROTATION!r}")

# The Rollout page flags a team whose weekly actives fell by more than this, week over week.
ROLLOUT_DROP_ALERT_PERCENT = env_int("ROLLOUT_DROP_ALERT_PERCENT", 30)

# Uploads larger than this are refused in the admin form.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 2 * 1024**3)
# A processing upload whose worker has not reported progress for this long is taken over.
UPLOAD_STALE_AFTER_SECONDS = env_int("UPLOAD_STALE_AFTER_SECONDS", 300)
# Rows written per database round trip during an import.
IMPORT_BATCH_SIZE = env_int("IMPORT_BATCH_SIZE", 5000)
# PostgreSQL: an audit-log file with more events than this is imported in parallel: its first
# IMPORT_CHUNK_ROWS events by the task that parses it, the rest in chunks of this many events that
# any worker inserts (docs/deploy.md, "Import scaling"). SQLite has one writer: always one task.
IMPORT_CHUNK_ROWS = env_int("IMPORT_CHUNK_ROWS", 200_000)

# --- Hostile files and faults (README, "How imports behave") -----------------------------------
# A field (CSV cell, JSON string) or a row (a CSV row, JSON line or JSON array item) longer than
# these (counted in characters) is a rejected row with its line and reason; the file goes on.
IMPORT_MAX_FIELD_BYTES = env_int("IMPORT_MAX_FIELD_BYTES", 1024**2)
IMPORT_MAX_ROW_BYTES = env_int("IMPORT_MAX_ROW_BYTES", 4 * 1024**2)
# A JSON event nested deeper than this is a rejected row.
IMPORT_MAX_JSON_DEPTH = env_int("IMPORT_MAX_JSON_DEPTH", 32)
# The CSV inside a ZIP may inflate to this many bytes, and to this many times its compressed size
# (past its first MiB); past either the file fails (a ZIP bomb). Real exports compress about 5x.
IMPORT_ZIP_MAX_INFLATED_BYTES = env_int("IMPORT_ZIP_MAX_INFLATED_BYTES", 16 * 1024**3)
IMPORT_ZIP_MAX_RATIO = env_int("IMPORT_ZIP_MAX_RATIO", 100)
# An upload whose worker died this many times mid-import is failed, never tried again.
UPLOAD_MAX_ATTEMPTS = env_int("UPLOAD_MAX_ATTEMPTS", 2)
# Roster files (CSV or XLSX) larger than this are refused by the roster import form and import_roster.
ROSTER_MAX_BYTES = env_int("ROSTER_MAX_BYTES", 10 * 1024**2)
# A roster has at most this many rows; an XLSX is read for this many columns only, whatever
# dimensions it declares (a tiny file can declare A1:XFD1048576).
ROSTER_MAX_ROWS = env_int("ROSTER_MAX_ROWS", 100_000)
ROSTER_MAX_COLUMNS = env_int("ROSTER_MAX_COLUMNS", 30)
if min(IMPORT_MAX_FIELD_BYTES, IMPORT_MAX_ROW_BYTES, IMPORT_MAX_JSON_DEPTH, IMPORT_ZIP_MAX_RATIO, UPLOAD_MAX_ATTEMPTS) < 1:
    raise ImproperlyConfigured("IMPORT_MAX_*, IMPORT_ZIP_MAX_RATIO and UPLOAD_MAX_ATTEMPTS must be 1 or more")

# The figure cache (portal.cache): every figure a page, chart, export or API shows, per data
# version. CACHE_URL: redis://host:6379/N in production (shared by every web server and worker);
# diskcache:///path, file:///path, locmem:// or db://table otherwise. The embedded default is
# diskcache in VAR_DIR/cache (its own small SQLite files): the web server and the worker share it
# (a warm from the worker serves the pages), it never waits for the portal database's one write
# lock while an import holds it (a database cache would), and a write costs under a millisecond
# where Django's file cache lists its whole folder on every write (25 ms at 2,000 entries). Local
# memory would be one cache per process, so the worker's warming would be lost.
# The data version itself lives in the database (portal.models.DataVersion), so any of these is
# correct, only more or less shared. FIGURE_CACHE=false computes every figure every time (to
# measure cold); FIGURE_CACHE_SECONDS bounds how long an unused entry lives.
# CACHE_URL does not follow CELERY_BROKER_URL: a queue's Redis database is not the figures'.
def _cache(url: str) -> dict:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme in ("redis", "rediss"):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if parts.scheme == "diskcache":
        return {
            "BACKEND": "diskcache.DjangoCache",
            "LOCATION": parts.path,
            "SHARDS": 4,
            "DATABASE_TIMEOUT": 0.25,  # a write that waits longer is skipped: the figure is computed again later
            "OPTIONS": {"size_limit": 2**30},
        }
    if parts.scheme == "file":
        return {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": parts.path, "OPTIONS": {"MAX_ENTRIES": 20_000}}
    if parts.scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": parts.netloc or "figures", "OPTIONS": {"MAX_ENTRIES": 20_000}}
    if parts.scheme == "db":
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": parts.netloc or "portal_cache"}
    raise ImproperlyConfigured(f"CACHE_URL must start with redis://, rediss://, diskcache://, file://, locmem:// or db://, not {url!r}")


CACHES = {"default": _cache(env_str("CACHE_URL", "") or f"diskcache://{VAR_DIR / 'cache'}")}
FIGURE_CACHE = env_bool("FIGURE_CACHE", True)
FIGURE_CACHE_SECONDS = env_int("FIGURE_CACHE_SECONDS", 7 * 24 * 3600)
# After an import, a purge or a roster import the worker computes the common figures (usage.services.figures_warm).
FIGURE_CACHE_WARM = env_bool("FIGURE_CACHE_WARM", True)

# Celery: Redis in production, kombu's filesystem transport as the embedded default.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    _broker_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "control_folder": str(_broker_dir / "control"),
    }
else:
    # How long Redis waits before handing an unacknowledged task to another worker. It was 6 h
    # (longer than any import), which left an import whose worker died stuck for 6 h. A dead
    # import now resumes within minutes through the periodic re-queue (ingest.tasks.
    # uploads_requeue_task), so this only needs to bring back the other tasks of a dead worker
    # (exports, rollup rebuilds) in reasonable time. A running import handed out again meanwhile
    # is harmless: the claim sees its live heartbeat and the copy waits, then finds it done.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = REPORTING_TIMEZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Beat reads its schedule from the database (django-celery-beat), editable in the admin.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"


# Logs never carry member emails: the console handler redacts anything that looks like one
# (portal.security.RedactEmailsFilter). Django's own loggers get no handlers of their own
# here, so their records also pass through it.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_emails": {"()": "portal.security.RedactEmailsFilter"},
        "forbidden_without_traceback": {"()": "portal.security.ForbiddenWithoutTracebackFilter"},
    },
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["forbidden_without_traceback", "redact_emails"]},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": [], "propagate": True},
        "django.server": {"handlers": [], "propagate": True},
    },
}
