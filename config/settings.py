"""Settings for every environment, read from environment variables.

The defaults run the app on one machine with no services: SQLite, a filesystem
Celery broker and email printed to the console. Production sets DATABASE_URL,
REDIS_URL, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DJANGO_HTTPS=1.
"""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("DJANGO_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# A key that is public (it is in this file) and so only for a developer's machine with
# debug on. Serving anything with it and debug off is refused at start (config/startup.py).
DEVELOPMENT_SECRET_KEY = "django-insecure-development-key-change-me-in-production"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
# Earlier keys, still accepted for what they signed or encrypted while a new key is rolled out.
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "axes",
    "csp",
    "crispy_forms",
    "crispy_forms_gds",
    "simple_history",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "partnership",
    "principles",
    "audits",
    "voice",
    "reporting",
    "notifications",
    "sso",
]

MIDDLEWARE = [
    "config.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.BrowserPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "config.middleware.SessionLifetimeMiddleware",
    "config.middleware.SessionRenewalMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must come last so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

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
                "partnership.context_processors.navigation",
                "csp.context_processors.nonce",
                "config.context_processors.session",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # SQLite allows one writer. A transaction that starts as a reader and later writes
    # fails at once with "database is locked" when another has written meanwhile; taking
    # the write lock at BEGIN makes the second request wait its turn instead, and then
    # see the first one's save (so a conflict is the conflict page, as on PostgreSQL).
    # WAL lets the web process, the worker and beat read while one of them writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
# A connection per request costs PostgreSQL a new backend process each time (a third of a
# short page's time under load): keep each worker's connection for a minute, checked before
# reuse. SQLite opens a file, nothing to keep.
_POSTGRES = DATABASES["default"]["ENGINE"].endswith(("postgresql", "postgis"))
DATABASES["default"].setdefault(
    "CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=60 if _POSTGRES else 0)
)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "partnership.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "chooser"

# Sign-in: email is the user name; accounts come only from invitations.
ACCOUNT_ADAPTER = "partnership.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Joint Partnership Audit] "
# How many proxies in front of the app may be trusted to append the client's address to
# X-Forwarded-For (1 behind one load balancer); 0 reads REMOTE_ADDR only.
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
# allauth's limits: a flood guard per address set high enough that a whole office can
# sign in at 9am, and a slow limit per account across all addresses against guessing
# spread over many machines. The fast per-account lockout is django-axes' (below).
ACCOUNT_FAILURES_PER_HOUR = env.int("ACCOUNT_FAILURES_PER_HOUR", default=20)
ACCOUNT_RATE_LIMITS = (
    False
    if env.bool("DJANGO_DISABLE_RATE_LIMITS", default=False)
    else {
        "login": "600/m/ip",
        "login_failed": f"100/m/ip,{ACCOUNT_FAILURES_PER_HOUR}/3600s/key",
    }
)
# Sign-in with a council or NHS account (Microsoft Entra ID or another OpenID Connect
# provider), set up by each partnership's admin (sso/). Accounts are only ever linked to
# members and invited people, never made by signing up.
SOCIALACCOUNT_ADAPTER = "sso.adapters.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {"provider_class": "sso.oidc.CouncilProvider", "OAUTH_PKCE_ENABLED": True}
}
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
# Where the provider's discovery document, keys and tokens are fetched from, in seconds.
SOCIALACCOUNT_REQUESTS_TIMEOUT = env.int("SOCIALACCOUNT_REQUESTS_TIMEOUT", default=10)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Joint Partnership Audit"

# Lockout after repeated failures of one account from one address: one person's
# mistakes lock nobody else out, and the response is the same whether or not the
# account exists.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "partnership.security.sign_in_name"
AXES_CLIENT_IP_CALLABLE = "partnership.security.client_ip"
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)

# Argon2id first (config/hashers.py); the others only check passwords stored before, and
# each is stored again with Argon2id at its owner's next sign-in.
PASSWORD_HASHERS = [
    "config.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# Public-sector norms: signed out after 30 minutes without activity (a warning comes two
# minutes before), and after 12 hours whatever the activity.
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_SECONDS", default=30 * 60)
SESSION_MAX_SECONDS = env.int("DJANGO_SESSION_MAX_HOURS", default=12) * 60 * 60
# Sessions are listed from sign-in (for "sign out everywhere"); tracking every request's
# activity as well would cost three queries a page.
USERSESSIONS_TRACK_ACTIVITY = False
# The idle expiry moves on with activity, stored at most once a minute
# (config.middleware.SessionRenewalMiddleware) rather than at every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_SECONDS = env.int("DJANGO_SESSION_RENEW_SECONDS", default=60)
SESSION_COOKIE_HTTPONLY = True

HTTPS = env.bool("DJANGO_HTTPS", default=False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Content Security Policy (django-csp) -------------------------------------------------
# Everything comes from this site: no third-party origin, and no inline script or style
# unless it carries the page's nonce (style="..." attributes are never allowed). Pages
# that need a block of their own CSS or script print `{% csp_nonce_attr %}` in its tag.
# Violations are reported to /csp-report, which logs them (rate-limited per address).
from csp.constants import NONCE, NONE, SELF  # noqa: E402

CSP_REPORT_PATH = "/csp-report"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [NONE],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "report-uri": CSP_REPORT_PATH,
        "report-to": "csp",
        "upgrade-insecure-requests": HTTPS,
    },
}
# How many violation reports one address may send a minute; more are dropped (429) and
# counted, so a page stuck in a loop, or someone flooding the endpoint, cannot fill the log.
CSP_REPORTS_PER_MINUTE = env.int("CSP_REPORTS_PER_MINUTE", default=30)
# The browser features no page of the product uses, switched off for the page and for
# anything it might embed.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), "
    "fullscreen=(self), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "midi=(), payment=(), picture-in-picture=(), publickey-credentials-get=(self), "
    "screen-wake-lock=(), sync-xhr=(), usb=(), xr-spatial-tracking=()"
)
SILENCED_SYSTEM_CHECKS = []

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("govuk/assets", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk" / "assets"),
]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env.str("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media"))},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("DJANGO_MANIFEST_STATIC", default=not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# The largest request body accepted (an evidence file is at most 10 MB); larger ones are
# refused before they are read.
MAX_REQUEST_BYTES = env.int("DJANGO_MAX_REQUEST_MB", default=12) * 1024 * 1024

# No URL pattern serves this path: uploaded files are streamed by views after the
# access check. It is set only because Django's tooling expects a value.
MEDIA_URL = "/media/"

# Emails carry sign-in and password-reset links, so they are printed to the terminal only
# on a developer's machine (debug on, or `make run`); anywhere else they go by SMTP.
EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="audit@jpa.example")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Links in emails sent by background workers have no request to build them from.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
CRISPY_FAIL_SILENTLY = not DEBUG

REDIS_URL = env.str("REDIS_URL", default="")
BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    # A broker that needs no server, so the embedded default still runs real workers.
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
    # The filesystem transport expects its folders to exist before anyone publishes.
    for _folder in ("queue", "processed", "control"):
        (BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {}

# --- The API (/api/v1/<partnership>/): keys, throttling, schema ---------------------------
INSTALLED_APPS += ["rest_framework_api_key", "drf_spectacular_sidecar", "api"]
# Key requests per key, and session requests per person; a sync past this waits (429).
API_KEY_RATE = env.str("API_KEY_RATE", default="3600/hour")
API_USER_RATE = env.str("API_USER_RATE", default="3600/hour")
API_MAX_PAGE_SIZE = 500
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.PartnershipKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerKeyThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_key": API_KEY_RATE, "api_user": API_USER_RATE},
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.CappedPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Joint Partnership Audit API",
    "VERSION": "1.0.0",
    "DESCRIPTION": (
        "Read a partnership's directory, framework, audits, action plan, board packs and "
        "portfolio figures; change its directory, record progress on actions and ask for "
        "board packs, as the same roles may on the pages. Every path starts with the "
        "partnership's web address (/api/v1/york/...). Authenticate with "
        "`Authorization: Api-Key <key>` (keys are made by a partnership admin on the API "
        "keys page) or a signed-in browser session."
    ),
    "SCHEMA_PATH_PREFIX": r"/api/v1/\{slug\}",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.drop_database_integer_bounds",
    ],
    "ENUM_NAME_OVERRIDES": {
        "SectorEnum": "partnership.models.Sector",
        "RoleEnum": "partnership.models.Role",
        "ProjectStatusEnum": "partnership.models.Project.Status",
        "AuditStatusEnum": "audits.models.Audit.Status",
        "LadderLevelEnum": "partnership.participation.LadderLevel",
        "CycleStageEnum": "partnership.participation.CycleStage",
        "ActionStatusEnum": "audits.models.Action.Status",
        "BoardPackStatusEnum": "reporting.models.BoardPack.Status",
    },
}
# --- end of the API block --------------------------------------------------------------

INVITATION_DAYS = env.int("INVITATION_DAYS", default=14)
# How long rendered portfolio figures are kept; any change to the data replaces them sooner.
PORTFOLIO_CACHE_SECONDS = env.int("PORTFOLIO_CACHE_SECONDS", default=600)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_traceback_for_refusals": {"()": "config.logging.NoTracebackForRefusals"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # Django's own console handler would print every message a second time through
        # the root logger's; one handler, the root's, prints everything once.
        "django": {
            "handlers": [],
            "level": env.str("DJANGO_LOG_LEVEL", default="INFO"),
            "propagate": True,
        },
        "django.request": {"filters": ["no_traceback_for_refusals"]},
    },
}

# A calm terminal and the product's own pages under `make run`. Emails printed by the
# console backend in a worker are information, not warnings; DJANGO_DEBUG_PAGES=1 brings
# back Django's debug page for a 404.
CELERY_WORKER_REDIRECT_STDOUTS_LEVEL = "INFO"
if CELERY_BROKER_URL == "filesystem://":
    # The filesystem transport needs no host; naming one stops kombu warning about it.
    CELERY_BROKER_URL = "filesystem://localhost//"
DEBUG_ERROR_PAGES = env.bool("DJANGO_DEBUG_PAGES", default=False)
if DEBUG and not DEBUG_ERROR_PAGES:
    MIDDLEWARE = ["config.dev.ProductNotFoundPage", *MIDDLEWARE]
# --- Board packs: PDF summaries for the board, made by Celery ---
from celery.schedules import crontab  # noqa: E402

# Packs older than this are deleted by a scheduled job; their row stays, saying so.
BOARD_PACK_RETENTION_DAYS = env.int("BOARD_PACK_RETENTION_DAYS", default=730)
# A pack whose worker has not moved it on for this long is shown as failed.
BOARD_PACK_STUCK_MINUTES = env.int("BOARD_PACK_STUCK_MINUTES", default=30)
# The automatic pack for a board meeting is made this many days before it.
BOARD_PACK_DAYS_BEFORE_MEETING = env.int("BOARD_PACK_DAYS_BEFORE_MEETING", default=10)
# A pack of up to this many audits gives each its own page; a larger one gives each a row
# of its service's table, with a link to the audit's own PDF.
BOARD_PACK_PAGE_PER_AUDIT_UP_TO = env.int("BOARD_PACK_PAGE_PER_AUDIT_UP_TO", default=150)
# WeasyPrint reports every page it lays out; the pack task listens for itself.
LOGGING["loggers"]["weasyprint.progress"] = {"level": "WARNING"}
CELERY_BEAT_SCHEDULE.update(
    {
        "board-packs-retention": {
            "task": "reporting.tasks.expire_board_packs",
            "schedule": crontab(hour=2, minute=15),
        },
        "board-packs-stuck": {
            "task": "reporting.tasks.fail_stuck_board_packs",
            "schedule": crontab(minute="*/5"),
        },
        "board-packs-for-meetings": {
            "task": "reporting.tasks.make_meeting_packs",
            "schedule": crontab(hour=6, minute=30),
        },
    }
)
# Reminders (review dates, actions, audits waiting for review, weekly summary) ---------
# One daily job in the partnership's time: CELERY_TIMEZONE is Europe/London, so beat's
# crontab follows the clock change and runs once on each day, 23 and 25 hour days too.
# The job fans out one task per partnership; the sent log makes a second run harmless.

REMINDERS_HOUR = env.int("REMINDERS_HOUR", default=7)
CELERY_BEAT_SCHEDULE["daily-reminders"] = {
    "task": "audits.tasks.reminders_daily",
    "schedule": crontab(hour=REMINDERS_HOUR, minute=0),
}

# --- Retention (UK GDPR storage limitation): partnership/retention.py, run daily ---
# The periods are each partnership's own settings (Partnership.idle_months and the rest).
CELERY_BEAT_SCHEDULE["retention-daily"] = {
    "task": "partnership.tasks.retention_daily",
    "schedule": crontab(hour=3, minute=30),
}

# --- The feedback survey (voice/surveys/) ------------------------------------------
# Free text and contact details are removed this many days after an answer (2 years).
SURVEY_TEXT_DAYS = env.int("SURVEY_TEXT_DAYS", default=730)
# Answers one link takes in an hour from one device, and from one address (a family
# centre's tablet or a school's network is many people).
SURVEY_PER_DEVICE = env.int("SURVEY_PER_DEVICE", default=5)
SURVEY_PER_ADDRESS = env.int("SURVEY_PER_ADDRESS", default=40)
# Answers sent sooner than this after starting were not read by a person.
SURVEY_MIN_SECONDS = env.int("SURVEY_MIN_SECONDS", default=10)
CELERY_BEAT_SCHEDULE["survey-text-retention"] = {
    "task": "voice.tasks.survey_text_retention_daily",
    "schedule": crontab(hour=3, minute=45),
}
# --- The directory import (partnership/import_jobs.py), written by a worker ---
# Progress of a running import is shared by the worker and the web through this cache:
# Redis when there is one, otherwise files under var/ (the embedded default's worker is
# another process, so a memory cache would not do).
if REDIS_URL:
    CACHES["progress"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "progress",
    }
else:
    CACHES["progress"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "progress-cache"),
    }
# An import whose worker has not reported for this long is shown as failed.
DIRECTORY_IMPORT_STUCK_MINUTES = env.int("DIRECTORY_IMPORT_STUCK_MINUTES", default=10)
# The file of a failed import is kept this long for "Try again", then deleted.
DIRECTORY_IMPORT_KEEP_FAILED_DAYS = env.int("DIRECTORY_IMPORT_KEEP_FAILED_DAYS", default=7)
CELERY_BEAT_SCHEDULE["directory-imports-check"] = {
    "task": "partnership.tasks.directory_imports_check",
    "schedule": crontab(minute="*/5"),
}
