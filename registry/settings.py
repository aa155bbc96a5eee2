"""The registry's one settings module. Every knob is an environment variable with a safe
local default; the README lists them all."""

import copy
import datetime
import os
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = os.environ.get(name, "")
    try:
        return int(value) if value.strip() else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_float(name, default):
    value = os.environ.get(name, "")
    try:
        return float(value) if value.strip() else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}") from None


def env_list(name, default):
    value = os.environ.get(name)
    return [item.strip() for item in value.split(",") if item.strip()] if value else default


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment, or DEBUG=true for local development."
        )
    SECRET_KEY = "insecure-local-development-key-only-used-with-DEBUG"  # noqa: S105 - DEBUG-only fallback; production must set it

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# How many reverse proxies stand in front of the app; used to find the client IP for throttling.
NUM_PROXIES = env_int("NUM_PROXIES", 0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "simple_history",
    "axes",
    "registry",
    "contracts",
    "disclosures",
    "accounts",
    "submissions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "registry.api.cors.ApiCorsMiddleware",
    # Every /api/ response says where the caller stands in its rate limit (registry/api/throttling.py).
    "registry.api.throttling.RateLimitHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "registry.page_parameters.PageParametersMiddleware",  # pages read no control characters from the query
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A logged-in user's response is private (never stored by a shared cache); see accounts/middleware.py.
    "accounts.middleware.PrivateWhenLoggedInMiddleware",
    # Anonymous GETs of public pages: the response cache, an ETag, Cache-Control for a CDN, 304s
    # (registry/http_caching.py). After authentication, before the middleware that may set cookies.
    "registry.http_caching.PublicPageCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login attempt into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "registry.urls"
WSGI_APPLICATION = "registry.wsgi.application"

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
                "registry.context_processors.registry",
                "accounts.context_processors.account",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'registry.sqlite3'}"
# Management commands (loads, imports, migrations) may run long; web requests may not.
RUNNING_COMMAND = Path(sys.argv[0]).name == "manage.py" and sys.argv[1:2] != ["runserver"]
STATEMENT_TIMEOUT_MS = env_int(
    "DB_COMMAND_STATEMENT_TIMEOUT_MS" if RUNNING_COMMAND else "DB_STATEMENT_TIMEOUT_MS",
    600_000 if RUNNING_COMMAND else 15_000,
)

DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps connections; Django must not
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"]["OPTIONS"] = {
        "pool": {
            "min_size": env_int("DB_POOL_MIN_SIZE", 1),
            "max_size": env_int("DB_POOL_MAX_SIZE", 10),
            # How long a request waits for a connection before its 503 (docs/reliability.md).
            "timeout": env_float("DB_POOL_TIMEOUT_S", 1.0),
        },
        "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS}",
        "connect_timeout": env_int("DB_CONNECT_TIMEOUT_S", 3),  # a blackholed server does not hang the pool
    }
    # A web request's queries read a page of rows: starting parallel workers for one costs more than it saves
    # (5–10 ms each at 100,000 agreements) and takes cores from the other requests (docs/performance-misses.md).
    # Commands (exports, loads) keep the server's own setting unless this is set.
    PARALLEL_WORKERS = os.environ.get("DB_PARALLEL_WORKERS", "" if RUNNING_COMMAND else "0")
    if PARALLEL_WORKERS != "":
        DATABASES["default"]["OPTIONS"]["options"] += f" -c max_parallel_workers_per_gather={int(PARALLEL_WORKERS)}"
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # Writers wait for each other instead of failing; IMMEDIATE takes the write lock at BEGIN
        # so ChangeLog ids are handed out in commit order on SQLite too.
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

# The pool retries a lost database every DB_RECONNECT_DELAY_S (psycopg_pool's default doubles from 1 s, so service
# came back up to 19 s after the database did); registry/apps.py applies it. Requests answer 503 with this
# Retry-After meanwhile (registry/views/errors.py).
DB_RECONNECT_DELAY_S = env_float("DB_RECONNECT_DELAY_S", 0.5)
RETRY_AFTER_UNAVAILABLE_S = env_int("RETRY_AFTER_UNAVAILABLE_S", 5)

# Streaming read replicas (docs/scaling.md): each URL becomes replica_1, replica_2… with the primary's pool and
# statement timeout; registry/db_router.py sends reads there and writes (and a request's reads after its own
# write, and reads inside a transaction) to the primary. Tests mirror them onto the test database.
DATABASE_REPLICA_URLS = env_list("DATABASE_REPLICA_URLS", [])
for number, replica_url in enumerate(DATABASE_REPLICA_URLS, start=1):
    replica = dj_database_url.parse(replica_url)
    for key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "OPTIONS"):
        if key in DATABASES["default"] and replica["ENGINE"] == DATABASES["default"]["ENGINE"]:
            replica[key] = copy.deepcopy(DATABASES["default"][key])
    replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica_{number}"] = replica
DATABASE_ROUTERS = ["registry.db_router.PrimaryReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- caches ---------------------------------------------------------------------------------
# Nothing another app server needs lives in process memory: the database cache by default,
# Redis when REDIS_URL is set. Throttles count in Redis or in their own table (registry.api.throttling).
# The "responses" cache (the response cache, and counts kept per public change) holds only what any server
# could compute again and is keyed by the latest public change id, so a per-process copy is never wrong: in
# Redis when there is one (shared by every server), else in each worker's memory, which keeps a read request
# from writing to the database (a database-cache miss would be an INSERT on every new page).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                    "KEY_PREFIX": "registry"},
        "responses": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                      "KEY_PREFIX": "responses"},
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "registry_cache",
                    "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 100_000)}},
        "responses": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "registry-responses",
                      "OPTIONS": {"MAX_ENTRIES": env_int("RESPONSE_CACHE_MAX_ENTRIES", 500)}},
    }

# The response cache (registry/response_cache.py): anonymous GETs of the API and the public pages, keyed by the
# latest public change id, so a change is visible on the very next request. On by default; off by default with
# DEBUG (a template edited under `make run` shows at once) and under pytest (the query counts measure the views;
# tests/registry/test_response_cache.py turns it on).
RESPONSE_CACHE = env_bool("RESPONSE_CACHE", not DEBUG and "pytest" not in sys.modules)
RESPONSE_CACHE_SECONDS = env_int("RESPONSE_CACHE_SECONDS", 300)
# How long a shared cache (a CDN) may serve an anonymous page before revalidating it (`s-maxage`); browsers
# always revalidate. 0 makes the CDN ask on every request (a cheap 304 when nothing changed).
CDN_CACHE_SECONDS = env_int("CDN_CACHE_SECONDS", 60)

# --- auth, i18n, static -----------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes counts failed logins (the site's and the admin's) before any other backend answers.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "/account/login/"
LOGIN_REDIRECT_URL = "/account/"

# Failed-login lockout (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username from one
# address, that pair is locked out for AXES_COOLOFF_TIME hours (a 429 page); a successful login resets the count.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(hours=env_float("AXES_COOLOFF_TIME", 1.0))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"  # the API throttle's reading of NUM_PROXIES
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429

# --- email ----------------------------------------------------------------------------------
# Sign-up confirmations and password resets. The console backend (the default) prints them to the
# server's output; production sets the SMTP backend and its host.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "AI Defense Agreements Registry <noreply@localhost>")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and "pytest" not in sys.modules
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# A static file missing from the manifest is served under its plain name rather than failing the page.
WHITENOISE_MANIFEST_STRICT = False
EXPORT_ROOT = Path(os.environ.get("EXPORT_ROOT", BASE_DIR / "exports"))

# --- security -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Load balancers probe the health checks over plain HTTP: answer them instead of redirecting.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# HSTS is off until production turns it on (README, "Serving in production"); browsers remember it.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)

# Content-Security-Policy (django-csp) on every response the app renders: pages, the API, its docs, the
# admin. No inline scripts, handlers or style attributes: scripts and styles are files under /static/; a page
# that needs an inline script gives it the request's nonce (`<script nonce="{{ request.csp_nonce }}">`),
# which the header then names. A view that needs more says so itself (registry/api_doc_pages.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# --- the registry -----------------------------------------------------------------------------
DATA_LICENSE = {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
CODE_LICENSE = {"name": "Apache-2.0", "url": "https://www.apache.org/licenses/LICENSE-2.0"}
OCDS_OCID_PREFIX = os.environ.get("OCDS_OCID_PREFIX", "ocds-xxxxxx")
# Where readers write to the editors (shown on the about page); empty shows no address.
CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# The history view is read-only: a revert would bypass the change reason form; edit instead.
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- the API --------------------------------------------------------------------------------
# Requests per window for anonymous clients (by IP) and for token tiers; 429 with Retry-After beyond.
API_RATES = {
    "anonymous": os.environ.get("API_RATE_ANONYMOUS", "60/min"),
    "standard": os.environ.get("API_RATE_STANDARD", "600/min"),
    "partner": os.environ.get("API_RATE_PARTNER", "3000/min"),
    # Wrong tokens per client address (then 429 instead of 401 until the window ends).
    "failed_token": os.environ.get("API_RATE_FAILED_TOKEN", "10/min"),
}
# How long a rate counter may wait for SQLite's write lock (or Redis) before the request is served uncounted.
THROTTLE_LOCK_TIMEOUT_MS = env_int("THROTTLE_LOCK_TIMEOUT_MS", 200)
REST_FRAMEWORK = {
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.URLPathVersioning",
    "ALLOWED_VERSIONS": ["v1"],
    "DEFAULT_VERSION": "v1",
    "DEFAULT_AUTHENTICATION_CLASSES": ["registry.api.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["registry.api.throttling.RegistryRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "registry.api.errors.exception_handler",
    "NUM_PROXIES": NUM_PROXIES,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # `format` is the registry's own parameter (json or csv), checked with the others: not DRF's override.
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "AI Defense Agreements Registry API",
    "DESCRIPTION": (
        "Read everything the registry's pages show: agreements between defense agencies and AI companies, their "
        "public terms, classified-addendum markers, designations, testing disclosures, events and sources, each "
        "with citations. Anonymous reads are rate-limited; a token raises the limit. Data license: CC BY 4.0."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No badge from the public online validator: it would send the schema's address away (and the CSP blocks it).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # fields= and omit= can leave out any field but a record's slug and url: only those two are "required".
    "COMPONENT_NO_READ_ONLY_REQUIRED": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "registry.api_docs.require_slug_and_url"],
    "ENUM_NAME_OVERRIDES": {},
    "LICENSE": {"name": "Data: CC BY 4.0; code: Apache-2.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
}

# Watchdog submissions: limits, each refused with a clear message and nothing stored.
SUBMISSION_DAILY_QUOTA = int(os.environ.get("SUBMISSION_DAILY_QUOTA", "20"))
SUBMISSION_MAX_SOURCES = int(os.environ.get("SUBMISSION_MAX_SOURCES", "10"))
SUBMISSION_MAX_TEXT_LENGTH = int(os.environ.get("SUBMISSION_MAX_TEXT_LENGTH", "20000"))
SUBMISSION_MAX_PAYLOAD_BYTES = int(os.environ.get("SUBMISSION_MAX_PAYLOAD_BYTES", str(256 * 1024)))
# The site's public address, for links in emails (e.g. https://registry.example.org).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
