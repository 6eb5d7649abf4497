"""Kairan's settings, read once from the environment (README: "Configuration").

Development (the default) works with nothing set: PostgreSQL and Redis start embedded under
the state folder, and keys are generated there. `KAIRAN_ENV=production` turns every secret
into a required variable and turns on the HTTPS-only cookie and header settings.
"""

from pathlib import Path

import dj_database_url

from kairan import embedded
from kairan.env import (
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_json,
    env_list,
    env_optional,
    env_required_in_production,
    env_str,
)

ROOT_DIR = Path(__file__).resolve().parents[2]
KAIRAN_ENV = env_choice("KAIRAN_ENV", "development", ("development", "production"))
PRODUCTION = KAIRAN_ENV == "production"
STATE_DIR = Path(env_str("KAIRAN_STATE_DIR", str(ROOT_DIR / ".kairan"))).resolve()

_dev_secrets = {} if PRODUCTION else embedded.development_secrets(STATE_DIR)


def _secret(name: str) -> str:
    """A secret from the environment; in development a generated one when unset."""
    if PRODUCTION:
        return env_str(name)
    return env_str(name, _dev_secrets[name])


SECRET_KEY = _secret("SECRET_KEY")
DEBUG = env_bool("DEBUG", not PRODUCTION)

# --- Hosts and URLs --------------------------------------------------------------------------
# The public site lives on BASE_DOMAIN; association <slug> lives on <slug>.BASE_DOMAIN.
# "localhost" works in browsers without any DNS set-up: *.localhost resolves to loopback.
BASE_DOMAIN = env_str("BASE_DOMAIN", "localhost").lower()
SITE_SCHEME = env_choice("SITE_SCHEME", "https" if PRODUCTION else "http", ("http", "https"))
SITE_PORT = env_int("SITE_PORT", 0 if PRODUCTION else 8000)
ALLOWED_HOSTS = [BASE_DOMAIN, f".{BASE_DOMAIN}", *env_list("EXTRA_ALLOWED_HOSTS", [])]
_origin_port = f":{SITE_PORT}" if SITE_PORT else ""
CSRF_TRUSTED_ORIGINS = [
    f"{SITE_SCHEME}://{BASE_DOMAIN}{_origin_port}",
    f"{SITE_SCHEME}://*.{BASE_DOMAIN}{_origin_port}",
]

# --- Mail -----------------------------------------------------------------------------------
# Join, reply and bounce addresses and Message-IDs live on MAIL_DOMAIN.
MAIL_DOMAIN = env_str("MAIL_DOMAIN", f"mail.{BASE_DOMAIN}").lower()
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"Kairan <noreply@{MAIL_DOMAIN}>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env_str("SMTP_HOST", "127.0.0.1")
EMAIL_PORT = env_int("SMTP_PORT", 2525)
EMAIL_HOST_USER = env_str("SMTP_USER", "")
EMAIL_HOST_PASSWORD = env_str("SMTP_PASSWORD", "")
EMAIL_USE_TLS = env_bool("SMTP_STARTTLS", False)
EMAIL_USE_SSL = env_bool("SMTP_SSL", False)
EMAIL_TIMEOUT = env_int("SMTP_TIMEOUT", 20, minimum=1)
EMAIL_USE_LOCALTIME = True  # Date: headers in Japan time
# How residents' mail leaves: "smtp" (the server above) or "ses" (Amazon SES v2 API, boto3;
# credentials from the usual AWS environment or instance role).
MAIL_TRANSPORT = env_choice("MAIL_TRANSPORT", "smtp", ("smtp", "ses"))
AWS_SES_REGION = env_str("AWS_SES_REGION", "ap-northeast-1")
AWS_SES_CONFIGURATION_SET = env_str("AWS_SES_CONFIGURATION_SET", "")
# Overall sending rate in messages per second (an SES account's quota); 0 means no limit.
MAIL_RATE_PER_SECOND = env_float("MAIL_RATE_PER_SECOND", 0.0)
# Messages per SMTP connection for domains without a class of their own.
MAIL_PER_CONNECTION_DEFAULT = env_int("MAIL_PER_CONNECTION_DEFAULT", 100, minimum=1)
# Per-domain classes: Japanese carriers and big free-mail providers get their own rate
# (messages per second across all workers) and messages per connection.
MAIL_DOMAIN_LIMITS = env_json(
    "MAIL_DOMAIN_LIMITS",
    [
        {"name": "docomo", "domains": ["docomo.ne.jp"], "per_second": 10, "per_connection": 100},
        {
            "name": "au",
            "domains": ["ezweb.ne.jp", "au.com", "biz.ezweb.ne.jp"],
            "per_second": 10,
            "per_connection": 100,
        },
        {
            "name": "softbank",
            "domains": ["softbank.ne.jp", "i.softbank.jp", "disney.ne.jp"],
            "per_second": 10,
            "per_connection": 100,
        },
        {
            "name": "gmail",
            "domains": ["gmail.com", "googlemail.com"],
            "per_second": 50,
            "per_connection": 100,
        },
        {
            "name": "yahoo",
            "domains": ["yahoo.co.jp", "ymail.ne.jp"],
            "per_second": 20,
            "per_connection": 100,
        },
        {
            "name": "icloud",
            "domains": ["icloud.com", "me.com", "mac.com"],
            "per_second": 20,
            "per_connection": 100,
        },
        {
            "name": "microsoft",
            "domains": ["outlook.jp", "outlook.com", "hotmail.com", "hotmail.co.jp", "live.jp"],
            "per_second": 20,
            "per_connection": 100,
        },
    ],
)
# Development's local SMTP listener keeps every message here, readable at /dev/mail/.
MAIL_CATCHER_DIR = None if PRODUCTION else STATE_DIR / "mail"

# --- Residents' addresses ---------------------------------------------------------------------
# "id:fernet-key" pairs, comma-separated, the first one encrypts; older ones still decrypt.
ADDRESS_KEYS = _secret("ADDRESS_KEYS")
# Key of the blind index (HMAC) used to find an address without decrypting every row.
ADDRESS_HASH_KEY = _secret("ADDRESS_HASH_KEY")
# Days a confirmation link stays valid.
CONFIRM_LINK_DAYS = env_int("CONFIRM_LINK_DAYS", 7, minimum=1)
# Against mail storms: confirmation mails one address may receive a day, and join requests
# one source (IP address or sending server) may make an hour.
JOIN_CONFIRMATIONS_PER_DAY = env_int("JOIN_CONFIRMATIONS_PER_DAY", 3, minimum=1)
JOIN_REQUESTS_PER_HOUR_PER_SOURCE = env_int("JOIN_REQUESTS_PER_HOUR_PER_SOURCE", 30, minimum=1)
# Largest message the inbound gateway accepts (SMTP SIZE, RFC 1870).
INBOUND_MAX_BYTES = env_int("INBOUND_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
# SNS topics whose notices the SES webhook accepts (comma-separated ARNs); empty accepts any
# topic whose signature is valid.
AWS_SNS_TOPIC_ARNS = env_list("AWS_SNS_TOPIC_ARNS", [])

# --- Replies, answers and the file library -------------------------------------------------
# Replies and answers to a notice are accepted for this many days after its mail was written;
# later ones are dropped (a reply) or told the answering has closed (a link).
REPLY_ACCEPT_DAYS = env_int("REPLY_ACCEPT_DAYS", 90, minimum=1)
# Library files (PDF, JPEG) and their page images: "local" keeps them under the state folder
# and serves them from MEDIA_HOST; "s3" keeps them in a private bucket and links to them by
# presigned URLs (delivery.media).
FILE_STORAGE = env_choice("FILE_STORAGE", "local", ("local", "s3"))
MEDIA_ROOT = STATE_DIR / "media"
MEDIA_HOST = (env_optional("MEDIA_HOST") or f"media.{BASE_DOMAIN}").lower()
# How long a link to a file works once a page has shown it.
FILE_URL_SECONDS = env_int("FILE_URL_SECONDS", 3600, minimum=60)
# Largest upload to the library; larger ones are refused before they are read (413).
LIBRARY_MAX_BYTES = env_int("LIBRARY_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
# Pages of a PDF rendered as images for phones; later pages are read in the PDF itself.
LIBRARY_PAGES_MAX = env_int("LIBRARY_PAGES_MAX", 40, minimum=1)
if FILE_STORAGE == "s3":
    S3_BUCKET = env_str("S3_BUCKET")
    S3_REGION = env_str("S3_REGION", "ap-northeast-1")
    # Another S3-compatible service (MinIO …); path-style addressing then.
    S3_ENDPOINT_URL = env_optional("S3_ENDPOINT_URL")
    _FILE_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "region_name": S3_REGION,
            "endpoint_url": S3_ENDPOINT_URL,
            "addressing_style": "path" if S3_ENDPOINT_URL else "virtual",
            "signature_version": "s3v4",
            "querystring_auth": True,  # private objects, presigned links only
            "querystring_expire": FILE_URL_SECONDS,
            "file_overwrite": True,
        },
    }
    MEDIA_ORIGIN = (
        S3_ENDPOINT_URL.rstrip("/")
        if S3_ENDPOINT_URL
        else f"https://{S3_BUCKET}.s3.{S3_REGION}.amazonaws.com"
    )
else:
    _FILE_STORAGE = {"BACKEND": "delivery.media.MediaStorage"}
    MEDIA_ORIGIN = f"{SITE_SCHEME}://{MEDIA_HOST}{_origin_port}"

# --- The platform as a vendor (estimates, invoices, receipts) --------------------------------
# Development defaults are visibly fictitious; production must set real ones.
ISSUER_NAME = env_required_in_production(
    "ISSUER_NAME", "Kairan運営事務局（デモ）", production=PRODUCTION
)
ISSUER_ADDRESS = env_required_in_production(
    "ISSUER_ADDRESS", "岩手県一関市（デモ用の住所）", production=PRODUCTION
)
ISSUER_PHONE = env_required_in_production("ISSUER_PHONE", "0191-00-0000", production=PRODUCTION)
ISSUER_REGISTRATION_NUMBER = env_required_in_production(
    "ISSUER_REGISTRATION_NUMBER", "T0000000000000", production=PRODUCTION
)
ISSUER_BANK_ACCOUNT = env_required_in_production(
    "ISSUER_BANK_ACCOUNT",
    "デモ銀行 一関支店（001） 普通 1234567 カイラン ウンエイジムキョク",
    production=PRODUCTION,
)

# --- Billing (README: "Billing") ---------------------------------------------------------------
# Days after an invoice's due date before sending is suspended; paying resumes it at once.
BILLING_GRACE_DAYS = env_int("BILLING_GRACE_DAYS", 30)
# Days between two overdue reminders of the same invoice.
BILLING_REMINDER_INTERVAL_DAYS = env_int("BILLING_REMINDER_INTERVAL_DAYS", 7, minimum=1)
# Card payments through Stripe, only when both are set; otherwise bank transfer only.
STRIPE_SECRET_KEY = env_optional("STRIPE_SECRET_KEY")
STRIPE_WEBHOOK_SECRET = env_optional("STRIPE_WEBHOOK_SECRET")

# --- Database, broker, cache ----------------------------------------------------------------
# Production names its servers; only development starts embedded ones.
_database_url = env_str("DATABASE_URL") if PRODUCTION else env_optional("DATABASE_URL")
if _database_url:
    DATABASES = {
        "default": dj_database_url.parse(
            _database_url, engine="django_tenants.postgresql_backend", conn_max_age=60
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django_tenants.postgresql_backend",
            **embedded.postgres_ensure(STATE_DIR),
            "CONN_MAX_AGE": 60,
        }
    }
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = (
    env_str("REDIS_URL")
    if PRODUCTION
    else env_optional("REDIS_URL") or embedded.redis_ensure(STATE_DIR)
)
# Separate namespaces keep two deployments (or the tests and the demo) on one Redis apart.
DRAMATIQ_NAMESPACE = env_str("DRAMATIQ_NAMESPACE", "kairan")
WORKER_PROCESSES = env_int("WORKER_PROCESSES", 2, minimum=1)
WORKER_THREADS = env_int("WORKER_THREADS", 4, minimum=1)
# Folder of pg_dump, pg_restore and psql for `kairan schema_dump` / `schema_restore`; by default
# the PostgreSQL 16 programs of the pgserver wheel (tenants.backups).
PG_BIN_DIR = env_optional("PG_BIN_DIR")
# Recipients per delivery job: one SMTP connection and one claim query serve a whole batch.
DELIVERY_BATCH_SIZE = env_int("DELIVERY_BATCH_SIZE", 100, minimum=1)
# A claimed delivery not sent within this time is taken back by the sweeper (its worker
# died); a job stops claiming new work after half of it. Queued rows untouched for this long
# get a new job (their job was lost with a dead worker's prefetch).
DELIVERY_LEASE_SECONDS = env_int("DELIVERY_LEASE_SECONDS", 120, minimum=2)
# The scheduler's lock lives in Redis, so only one scheduler runs at a time.
DRAMATIQ_CRONTAB = {"REDIS_URL": REDIS_URL}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": DRAMATIQ_NAMESPACE,
        # Keys carry the schema, so one association's entries never answer another's; except
        # the sign-in rate limits, which must count across every host (kairan.cache_keys).
        "KEY_FUNCTION": "kairan.cache_keys.cache_key_make",
    },
    # Host name → association, per process: saves a query on every request.
    "tenant_lookup": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "TIMEOUT": env_float("TENANT_CACHE_SECONDS", 60.0),
        # LocMemCache keeps 300 entries by default and then drops a third of them: with more
        # associations than that, most requests would query the host name again (bench/scale.py
        # spreads requests over 1,000 hosts). One entry is a small pickled row.
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    },
}

# --- Applications -----------------------------------------------------------------------------
SHARED_APPS = [
    "django_tenants",  # routes each request to its association's schema
    "kairan",  # site-wide commands: setup, demo, worker, mail listener
    "tenants",  # associations, domains, user accounts and memberships
    "django.contrib.contenttypes",  # needed by auth and admin in the public schema
    "django.contrib.auth",  # staff and city accounts are site-wide
    "django.contrib.sessions",  # one session table; cookies stay host-only
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "kairan.apps.KairanAdminConfig",  # the operator's console (django.contrib.admin)
    "django.contrib.sites",  # allauth builds links from the site
    "django.contrib.humanize",  # allauth's list of security keys (WebAuthn) uses its filters
    "allauth",  # accounts with verified email
    "allauth.account",
    "allauth.mfa",  # TOTP and WebAuthn for owners and city staff
    "billing",  # plans, fees, invoices: the platform bills associations
    "delivery.registry",  # due notices, outboxes in flight, suppressed addresses
    "dramatiq_crontab",  # the one scheduler (`kairan scheduler`) and its Redis lock
    "subsidy",  # the city's ICT subsidy: the city reviews every association's application
]
TENANT_APPS = [
    "django.contrib.contenttypes",  # content types of the association's own models
    "delivery",  # subscribers, groups, notices and deliveries of one association
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Association"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
# New associations are cloned from this schema, which `migrate_schemas` keeps migrated
# because it has an Association row of its own (tenants.services.platform_bootstrap).
TENANT_BASE_SCHEMA = "tenant_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
# Set search_path once per schema switch instead of before every cursor: half the queries of
# a worker sending mail. Safe from django-tenants 4.0.1 on (earlier, a savepoint bug could
# return another tenant's rows).
TENANT_LIMIT_SET_CALLS = True
# `kairan setup` migrates the associations' schemas with django-tenants' multiprocessing
# executor, this many at a time (1: one after the other). Most of the time per schema is
# spent checking that there is nothing to do (docs/scaling.md).
MIGRATION_PROCESSES = env_int("MIGRATION_PROCESSES", 2, minimum=1)
TENANT_MULTIPROCESSING_MAX_PROCESSES = MIGRATION_PROCESSES
ROOT_URLCONF = "kairan.urls_tenant"
PUBLIC_SCHEMA_URLCONF = "kairan.urls_public"
SITE_ID = 1

MIDDLEWARE = [
    # Probes arrive with any Host header (a pod IP): answered before tenant routing and the
    # ALLOWED_HOSTS check, on two exact paths only (see kairan.health).
    "kairan.health.HealthMiddleware",
    "kairan.request_ids.RequestIdMiddleware",  # before tenant routing: its 404s get an id too
    # Library files on the media host, which is no association's host (FILE_STORAGE=local).
    *(["delivery.media.MediaHostMiddleware"] if FILE_STORAGE == "local" else []),
    "tenants.middleware.CachedTenantMiddleware",  # first of the rest (django-tenants)
    "django.middleware.security.SecurityMiddleware",
    "kairan.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [ROOT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    }
]
WSGI_APPLICATION = "kairan.wsgi.application"

# --- Accounts (django-allauth) ----------------------------------------------------------------
AUTH_USER_MODEL = "tenants.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "kairan.accounts.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Kairan] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = SITE_SCHEME
# On the public host /staff/ lists the user's associations; on an association's host it opens
# that association's staff pages.
LOGIN_REDIRECT_URL = "/staff/"
LOGIN_URL = "account_login"
# Explicit, so that a change of allauth's defaults is a visible change here. The counters live
# in the cache; its keys normally carry the schema, which would give an attacker a fresh
# budget on every association's host (/accounts/ is on each of them; FIELD-NOTES), so
# kairan.cache_keys keeps these counters site-wide. "ip" means the client's address: behind
# a load balancer set TRUSTED_PROXY_COUNT, or every resident shares the balancer's address.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",  # key: the address being tried
    "signup": "20/m/ip,50/h/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
MFA_RATE_LIMITS = {"webauthn_login": "10/m/ip"}
# A second factor is required of city clerks and association owners (tenants.permissions):
# an authenticator app (TOTP) works everywhere; a security key or passkey (WebAuthn) may be
# registered as well, for one relying party across all hosts (tenants.mfa_adapter).
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_ADAPTER = "tenants.mfa_adapter.MFAAdapter"
MFA_TOTP_ISSUER = "Kairan"
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Sessions and security --------------------------------------------------------------------
# Session cookies are host-only: a cookie of <a>.BASE_DOMAIN is never sent to <b>.BASE_DOMAIN.
# The owner moves from the public host to the association's host by a one-time signed link.
SESSION_COOKIE_SECURE = SITE_SCHEME == "https"
CSRF_COOKIE_SECURE = SITE_SCHEME == "https"
LANGUAGE_COOKIE_SECURE = SITE_SCHEME == "https"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # no script reads it: the pages have no JavaScript of their own
LANGUAGE_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Plain-HTTP requests are redirected; the health probes answer before this (kairan.health).
    SECURE_SSL_REDIRECT = SITE_SCHEME == "https"
# No inline script or style anywhere: the templates use one stylesheet, allauth's pages load
# their scripts from static files and keep data in <script type="application/json">, which
# is never run. A test keeps the templates so (tests/kairan/test_security.py).
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    # data: is allauth's TOTP QR code; MEDIA_ORIGIN serves the library's page images.
    "img-src": ["'self'", "data:", MEDIA_ORIGIN],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    # Browsers apply form-action to the redirect after a POST as well: signing an association
    # up on the public host ends on the association's own host.
    "form-action": ["'self'", f"{SITE_SCHEME}://*.{BASE_DOMAIN}{_origin_port}"],
}

# --- Language and time ------------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
LOCALE_PATHS = [ROOT_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = STATE_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing folder
STORAGES = {
    "default": _FILE_STORAGE,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# --- Logging ----------------------------------------------------------------------------------
# One JSON object per line in production (LOG_FORMAT=plain reads better in a terminal). Every
# handler gets the context filter (schema, request id) and the address scrubber: no email
# address reaches a log line or an error mail (kairan.logs).
LOG_FORMAT = env_choice("LOG_FORMAT", "json" if PRODUCTION else "plain", ("json", "plain"))
# Django's error mails (500s) go to these addresses; none are sent when it is empty.
ADMINS = [(address, address) for address in env_list("ERROR_MAIL_TO", [])]
# client_error_brief runs first: address_scrub turns a traceback into text.
_LOG_FILTERS = ["client_error_brief", "log_context", "address_scrub"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "client_error_brief": {"()": "kairan.logs.ClientErrorBriefFilter"},
        "log_context": {"()": "kairan.logs.LogContextFilter"},
        "address_scrub": {"()": "kairan.logs.AddressScrubFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(schema)s %(request_id)s] %(message)s"
        },
        "json": {"()": "kairan.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": _LOG_FILTERS,
        },
        "mail_admins": {
            "()": "kairan.logs.AddressSafeAdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", *_LOG_FILTERS],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Replaces Django's defaults, whose handlers have no scrubber: its records reach the
        # console through the root logger, and errors are mailed.
        "django": {"handlers": ["mail_admins"], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "pgserver": {"level": "WARNING"},
        "mail.log": {"level": "WARNING"},  # aiosmtpd logs every connection at INFO
        "weasyprint": {"level": "WARNING"},  # logs each rendering step at INFO
        "fontTools": {"level": "WARNING"},
        "apscheduler": {"level": "WARNING"},  # the crontab scheduler logs each tick at INFO
    },
}
