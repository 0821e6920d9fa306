"""Settings for the DREAME Kazakhstan after-sales portal.

One module, read from the environment (see .env.example). With no variables set the
portal runs on the embedded default: SQLite, Celery eager, local-memory cache and
e-mail written to files under var/mail/.
"""

import datetime
import re
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dreame_service.kit.bucket_origins import bucket_origins
from dreame_service.kit.mailers import SMTP_BACKEND, smtp_mailer

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG and not env.bool("ALLOW_INSECURE_DEV_KEY", default=False):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-never-used-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "claims.views.csrf_failure"
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Before the admin: it registers the models' per-language fields (name_ru, name_kk,
    # name_en) before the admin classes read them.
    "modeltranslation",
    # Django's admin with our site: the support header, the day's dashboard on the index,
    # Russian titles, the login that sends technicians to /service/login/.
    "dreame_service.apps.SupportAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "phonenumber_field",
    "dreame_service.apps.AxesConfig",
    "claims",
    "repairs",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before the body guard, which asks who posts a large body; reads no body itself.
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before anything reads a body (CSRF does): too large, or a client over its limit.
    "dreame_service.kit.middleware.BodyGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Signs out a staff session idle too long or signed in too long ago.
    "dreame_service.kit.middleware.StaffSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "dreame_service.kit.middleware.PermissionsPolicyMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dreame_service.urls"
WSGI_APPLICATION = "dreame_service.wsgi.application"

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
                "django.template.context_processors.i18n",
                "dreame_service.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    VAR_DIR.mkdir(exist_ok=True)  # the embedded default keeps its database in var/
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: the few queries PostgreSQL estimates as expensive (the admin dashboard's
    # figures) spent up to a second compiling; the portal's queries are all short.
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    _pg_options["options"] = f"{_pg_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker, cache and rate-limit store ----------------------------
REDIS_URL = env.str("REDIS_URL", default="")
# Fail fast when Redis is unreachable: a customer's request must never hang on it.
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=1.0)

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "dreame_service.kit.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "dreame",
            "OPTIONS": {
                "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Rendered template fragments that are the same for every visitor (the site's chrome):
# per process, no network round trip.
CACHES["local"] = {
    # In development a template edit must show at once.
    "BACKEND": "django.core.cache.backends.dummy.DummyCache"
    if DEBUG
    else "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_SOCKET_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
    # Redis redelivers an unacked task after this long; longer than any send takes.
    "visibility_timeout": 3600,
}
CELERY_TIMEZONE = "Asia/Almaty"

# --- E-mail ---------------------------------------------------------------------
# Read into MAILERS below; the EMAIL_* setting names themselves are deprecated in Django 6.1.
_email_file_path = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
_email_timeout = env.int("EMAIL_TIMEOUT", default=10)
_email = (
    env.email_url("EMAIL_URL")
    if env.str("EMAIL_URL", default="")
    else {
        "EMAIL_BACKEND": env.str(
            "EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend"
        ),
        "EMAIL_HOST": env.str("EMAIL_HOST", default="localhost"),
        "EMAIL_PORT": env.int("EMAIL_PORT", default=25),
        "EMAIL_HOST_USER": env.str("EMAIL_HOST_USER", default=""),
        "EMAIL_HOST_PASSWORD": env.str("EMAIL_HOST_PASSWORD", default=""),
        "EMAIL_USE_TLS": env.bool("EMAIL_USE_TLS", default=False),
        "EMAIL_USE_SSL": env.bool("EMAIL_USE_SSL", default=False),
    }
)
if _email["EMAIL_BACKEND"] == SMTP_BACKEND:
    _mailer = smtp_mailer(
        host=_email.get("EMAIL_HOST") or "localhost",
        port=_email.get("EMAIL_PORT") or 25,
        username=_email.get("EMAIL_HOST_USER", ""),
        password=_email.get("EMAIL_HOST_PASSWORD", ""),
        use_tls=bool(_email.get("EMAIL_USE_TLS")),
        use_ssl=bool(_email.get("EMAIL_USE_SSL")),
        timeout=_email_timeout,
    )
elif _email["EMAIL_BACKEND"].endswith("filebased.EmailBackend"):
    _mailer = {"BACKEND": _email["EMAIL_BACKEND"], "OPTIONS": {"file_path": _email_file_path}}
else:
    _mailer = {"BACKEND": _email["EMAIL_BACKEND"]}
MAILERS = {"default": _mailer}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="DREAME Service <noreply@dreame.kz>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SUPPORT_EMAIL = env.str("SUPPORT_EMAIL", default="dreamesupport@dreame.tech")
SUPPORT_PHONE = env.str("SUPPORT_PHONE", default="+7 727 355 00 00")

# --- Files: receipts, photos, acts. Private: never a public URL. ------------------
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
# The browser loads staff's receipt and photo previews from here (the CSP's img-src).
PRIVATE_FILE_ORIGINS = []
if AWS_STORAGE_BUCKET_NAME:
    _endpoint_url = env.str("AWS_S3_ENDPOINT_URL", default="") or None
    _region = env.str("AWS_S3_REGION_NAME", default="") or None
    PRIVATE_FILE_ORIGINS = bucket_origins(
        bucket=AWS_STORAGE_BUCKET_NAME, endpoint_url=_endpoint_url, region=_region
    )
    _private_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": _endpoint_url,
            "region_name": _region,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default=""),
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default=""),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=300),
            "file_overwrite": False,
        },
    }
else:
    _private_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # No base_url and no URL route: these files are served only by permission-checked views.
        "OPTIONS": {"location": env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "media"))},
    }
STORAGES = {
    "default": _private_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# The largest request body, checked from Content-Length before anything reads it: a form
# with one upload, plus room for its fields; the workbench's intake act carries 8 photos.
REQUEST_MAX_BYTES = env.int("REQUEST_MAX_BYTES", default=UPLOAD_MAX_BYTES + 1024 * 1024)
# One multipart part's headers (its name and file name): Django's 1 KB refuses long file
# names a phone's share sheet produces; 8 KB is gunicorn's limit for one HTTP header line.
MULTIPART_PART_HEADERS_MAX_BYTES = 8 * 1024
STAFF_REQUEST_MAX_BYTES = env.int(
    "STAFF_REQUEST_MAX_BYTES", default=8 * UPLOAD_MAX_BYTES + 2 * 1024 * 1024
)
# The customer's answer to support's request for information (by its link or on «Мой ремонт»)
# carries up to 5 photos or documents and a receipt: room for 5 phone photos of about 6 MB.
# Anyone may post there (the link is the key), so it gets no more, and only on these views.
CUSTOMER_UPLOAD_REQUEST_MAX_BYTES = env.int(
    "CUSTOMER_UPLOAD_REQUEST_MAX_BYTES", default=3 * UPLOAD_MAX_BYTES + 2 * 1024 * 1024
)
CUSTOMER_UPLOAD_VIEWS = ["claims:supplement", "my:supplement"]
# The only views that take STAFF_REQUEST_MAX_BYTES, and only from a signed-in, active member
# of this group (the intake act with its photos, the walk-in's act with its receipt too);
# every other request gets REQUEST_MAX_BYTES.
STAFF_UPLOAD_VIEWS = ["workbench:receive", "workbench:walk_in"]
STAFF_UPLOAD_GROUP = "technicians"

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

# --- Auth -------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/admin/login/"
# django-axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout after repeated wrong passwords, on /admin/ and /service/ alike (one backend).
# Two locks, never one on a username alone (anyone could then lock any account, the
# superuser's included, by typing its name): AXES_FAILURE_LIMIT failures of one username
# from one client address lock that pair; LOGIN_ADDRESS_FAILURE_LIMIT failures from one
# address, whatever the usernames, lock the address. The address's limit is higher: support
# sits behind one office NAT address, and five typos there must not lock everybody out.
# Each for the cool-off. Failures are counted in the database, so every web process sees
# the same count (the handler: dreame_service.admin_site.PairAndAddressLockHandler).
AXES_HANDLER = "dreame_service.admin_site.PairAndAddressLockHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
# Many failures on one username from many addresses lock nothing: the admins are e-mailed
# (ADMINS) once per username and window, and a WARNING is logged, without the password.
LOGIN_ALERT_FAILURES = env.int("LOGIN_ALERT_FAILURES", default=20)
LOGIN_ALERT_WINDOW_SECONDS = 3600
# The client address as the rate limits see it (honours TRUST_PROXY_HEADERS, IPv6 per /64).
AXES_CLIENT_IP_CALLABLE = "dreame_service.admin_site.axes_client_address"
# The login page the user was on, re-shown with the lockout message in their language.
AXES_LOCKOUT_CALLABLE = "dreame_service.admin_site.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False  # no banner on every manage.py command; names stay masked in the log
# Who gets the security alerts above (comma-separated e-mail addresses); none: log only.
ADMINS = env.list("ADMINS", default=[])
EMAIL_SUBJECT_PREFIX = "[DREAME Service] "
# Staff sessions (support, the superuser, technicians: only staff sign in) end after this
# long without a request: a screen left signed in. Enforced, to the minute, by
# dreame_service.kit.middleware.StaffSessionMiddleware.
STAFF_IDLE_SECONDS = env.int("STAFF_IDLE_SECONDS", default=8 * 3600)
# Counter tablets are shared: on the workbench, a technician's session ends after this long
# without a click (the same as STAFF_IDLE_SECONDS unless set).
WORKBENCH_IDLE_SECONDS = env.int("WORKBENCH_IDLE_SECONDS", default=STAFF_IDLE_SECONDS)
# However active, a sign-in lasts at most 12 hours (Django's default is 2 weeks): a working
# day — a service center's counter is open up to 11 hours — never needs a second sign-in,
# and a session cookie that leaks is worthless by the next morning.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 3600)

# --- Languages, time --------------------------------------------------------------
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("kk", _("Kazakh")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates as ДД.ММ.ГГГГ in every language (Django's kk has no formats, its en is US-style).
FORMAT_MODULE_PATH = ["dreame_service.formats_locale"]
TIME_ZONE = "Asia/Almaty"
USE_I18N = True
USE_TZ = True
PHONENUMBER_DEFAULT_REGION = "KZ"
PHONENUMBER_DB_FORMAT = "E164"
WARRANTY_COUNTRY = "KZ"
# Reference data (centers, product categories, checklists, automatic notes) in every
# language (docs/decisions.md, issue 19): `center.name` reads the active language's field,
# Russian where a translation is missing. Support fills all three in the admin.
MODELTRANSLATION_DEFAULT_LANGUAGE = "ru"
MODELTRANSLATION_LANGUAGES = ("ru", "kk", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("ru",)
MODELTRANSLATION_REQUIRED_LANGUAGES = ("ru", "kk", "en")
# The admin labels each language's field «название (по-казахски)», in the reader's language.
IN_LANGUAGE = {
    "ru": pgettext_lazy("a field's language", "in Russian"),
    "kk": pgettext_lazy("a field's language", "in Kazakh"),
    "en": pgettext_lazy("a field's language", "in English"),
}


def MODELTRANSLATION_BUILD_LOCALIZED_VERBOSE_NAME(name, language):  # noqa: N802 - a setting
    return f"{name} ({IN_LANGUAGE[language]})"


# --- Security ---------------------------------------------------------------------
TRUST_PROXY_HEADERS = env.bool("TRUST_PROXY_HEADERS", default=False)
if TRUST_PROXY_HEADERS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG and TRUST_PROXY_HEADERS)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG and TRUST_PROXY_HEADERS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Every page's scripts and styles are our own files (no inline script, style or handler
# anywhere; e-mails are not pages). Pictures may be inline SVG/data (the stub's codes).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *PRIVATE_FILE_ORIGINS],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Features no page of the portal uses, switched off for it and anything it could embed.
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), "
    "bluetooth=(), midi=(), magnetometer=(), gyroscope=(), accelerometer=(), "
    "display-capture=(), browsing-topics=()"
)
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"redact_tokens": {"()": "dreame_service.kit.log_redaction.RedactLinkTokens"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_tokens"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # django-axes logs every login at INFO; failures and lockouts are its WARNINGs.
    # httpx logs every provider request at INFO; the outbox logs what matters.
    "loggers": {"axes": {"level": "WARNING"}, "httpx": {"level": "WARNING"}},
}

# --- Outbox and reminders ---------------------------------------------------------
# The request path publishes each e-mail task once, after commit: a dead broker must cost
# the customer milliseconds, not kombu's default connect-retry loop (2 s and more). The
# row stays pending and the sweeper publishes it again once the broker is back.
CELERY_BROKER_TRANSPORT_OPTIONS.update(
    {"max_retries": 0, "interval_start": 0, "interval_step": 0, "interval_max": 0}
)
CELERY_TASK_PUBLISH_RETRY = False
# The worker itself keeps reconnecting to the broker for as long as it takes.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")

# Sending: attempts per e-mail before it is marked failed for support, exponential backoff.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
OUTBOX_RETRY_BASE_SECONDS = env.float("OUTBOX_RETRY_BASE_SECONDS", default=30)
OUTBOX_RETRY_MAX_SECONDS = env.float("OUTBOX_RETRY_MAX_SECONDS", default=3600)
# The sweeper republishes rows pending longer than this (the broker was down at commit).
OUTBOX_SWEEP_AGE_SECONDS = env.int("OUTBOX_SWEEP_AGE_SECONDS", default=60)
# A row "sending" this long belongs to a dead worker; far above EMAIL_TIMEOUT on purpose,
# because putting it back to pending may repeat an e-mail the server had already accepted.
OUTBOX_SENDING_STALE_SECONDS = env.int("OUTBOX_SENDING_STALE_SECONDS", default=900)
# One task claims its row and up to this many due rows in all, and sends them over the
# worker's kept-open SMTP connection (issue 23). Each row is marked sent as soon as the
# server took it; rows claimed by a worker that dies wait OUTBOX_SENDING_STALE_SECONDS
# (then sent, not twice). 50: each claim costs the pipeline a pause; 20 gave 0.75 of a bare
# SMTP loop, 50 gives 0.84 (docs/benchmarks.md).
OUTBOX_BATCH_SIZE = env.int("OUTBOX_BATCH_SIZE", default=50)
# While whole batches are due, one task claims up to this many in turn (no task overhead
# between them; a dying worker still holds one batch).
OUTBOX_BATCHES_PER_TASK = env.int("OUTBOX_BATCHES_PER_TASK", default=10)
# A row whose attachments are made after the commit is not due until they exist (or this
# long has passed: the process making them died; the sweeper then sends it without them).
OUTBOX_ATTACH_HOLD_SECONDS = env.int("OUTBOX_ATTACH_HOLD_SECONDS", default=120)
# Message-ID domain: the same outbox row always gets the same Message-ID.
OUTBOX_MESSAGE_ID_DOMAIN = env.str("OUTBOX_MESSAGE_ID_DOMAIN", default="dreame.kz")
# The outbox's one extension point: functions (dotted paths) that add to an e-mail, when it
# is rendered, what its stored row must not keep: the links that open a customer's case, so
# a copy of the database opens nothing and a renewed link replaces the old one everywhere.
OUTBOX_RENDER_CONTEXT = ["claims.emails.links_at_render"]
# Who files a customer's own WhatsApp message (notifications.phone; dotted paths, each
# called with the InboundPhoneMessage): the outbox knows no app.
OUTBOX_INBOUND_HANDLERS = ["claims.phone_replies.file_whatsapp_reply"]

# --- The support mailbox over IMAP (DESIGN §8, notifications.mailbox) -------------------
# imaps://user:password@host:993/INBOX (imap:// only for a loopback test server); empty:
# fetch_support_mail says the mailbox is not configured and beat's task does nothing.
SUPPORT_IMAP_URL = env.str("SUPPORT_IMAP_URL", default="")
SUPPORT_IMAP_TIMEOUT_SECONDS = env.float("SUPPORT_IMAP_TIMEOUT_SECONDS", default=30)
# A larger message is kept aside with its headers only (it stays in the mailbox).
SUPPORT_MAIL_MAX_BYTES = env.int("SUPPORT_MAIL_MAX_BYTES", default=25 * 1024 * 1024)
SUPPORT_MAIL_EVERY_SECONDS = env.float("SUPPORT_MAIL_EVERY_SECONDS", default=60)
# Who files a message read from the mailbox (dotted paths, each called with the
# InboundEmail in its claimed row's transaction): the outbox knows no app.
SUPPORT_MAIL_HANDLERS = ["claims.mail_replies.file_inbound_email"]

# --- WhatsApp and SMS (DESIGN §7) -----------------------------------------------------
# WhatsApp Cloud API; the channel is off while WHATSAPP_PHONE_NUMBER_ID is empty.
WHATSAPP_API_URL = env.str("WHATSAPP_API_URL", default="https://graph.facebook.com/v23.0")
WHATSAPP_PHONE_NUMBER_ID = env.str("WHATSAPP_PHONE_NUMBER_ID", default="")
WHATSAPP_ACCESS_TOKEN = env.str("WHATSAPP_ACCESS_TOKEN", default="")
# Signs every webhook POST (X-Hub-Signature-256); without it every POST is refused.
WHATSAPP_APP_SECRET = env.str("WHATSAPP_APP_SECRET", default="")
# What we told Meta to send when it verifies the callback URL.
WHATSAPP_VERIFY_TOKEN = env.str("WHATSAPP_VERIFY_TOKEN", default="")
# A WhatsApp message not delivered (nor read) this long after sending falls back to SMS.
WHATSAPP_FALLBACK_MINUTES = env.int("WHATSAPP_FALLBACK_MINUTES", default=30)
# SMS through SMSC.kz's HTTP API; off while SMS_LOGIN is empty.
SMS_API_URL = env.str("SMS_API_URL", default="https://smsc.kz")
SMS_LOGIN = env.str("SMS_LOGIN", default="")
SMS_PASSWORD = env.str("SMS_PASSWORD", default="")
SMS_SENDER = env.str("SMS_SENDER", default="DREAME")
# Service SMS go out only within these local (Almaty) hours; "00-24" is always.
SMS_SEND_HOURS = env.str("SMS_SEND_HOURS", default="09-21")
if not re.fullmatch(r"\d{2}-\d{2}", SMS_SEND_HOURS) or not (
    0 <= int(SMS_SEND_HOURS[:2]) < int(SMS_SEND_HOURS[3:]) <= 24
):
    raise ImproperlyConfigured("SMS_SEND_HOURS must look like 09-21 (start < end <= 24)")
# The secret in the gateway's delivery-report URL: /hooks/sms/?token=<SMS_HOOK_TOKEN>.
SMS_HOOK_TOKEN = env.str("SMS_HOOK_TOKEN", default="")
# Both providers: a refused connection is retried; a read timeout is "unknown", never
# resent (the request may have been handled).
PHONE_CONNECT_TIMEOUT_SECONDS = env.float("PHONE_CONNECT_TIMEOUT_SECONDS", default=5)
PHONE_READ_TIMEOUT_SECONDS = env.float("PHONE_READ_TIMEOUT_SECONDS", default=20)
# Reminders, once per stay in the state: days after entering it.
REMINDER_NEEDS_INFO_DAYS = env.int("REMINDER_NEEDS_INFO_DAYS", default=7)
REMINDER_AWAITING_SHIPMENT_DAYS = env.int("REMINDER_AWAITING_SHIPMENT_DAYS", default=14)
REMINDER_AWAITING_APPROVAL_DAYS = env.int("REMINDER_AWAITING_APPROVAL_DAYS", default=7)
# How often beat runs the sweeper and the reminders, in seconds (the end-to-end test
# shortens both to see beat at work within seconds).
OUTBOX_SWEEP_EVERY_SECONDS = env.float("OUTBOX_SWEEP_EVERY_SECONDS", default=60)
REMINDERS_EVERY_SECONDS = env.float("REMINDERS_EVERY_SECONDS", default=3600)
REPORT_ROLLUPS_EVERY_SECONDS = env.int("REPORT_ROLLUPS_EVERY_SECONDS", default=300)
CELERY_BEAT_SCHEDULE = {
    "sweep-outbox": {"task": "notifications.sweep_outbox", "schedule": OUTBOX_SWEEP_EVERY_SECONDS},
    # WhatsApp messages failed or not delivered in time get their SMS (notifications.phone).
    "phone-fallback": {"task": "notifications.phone_fallback", "schedule": 60.0},
    # "Get my link again" requests whose task the broker never got (claims.link_requests).
    "answer-link-requests": {
        "task": "claims.sweep_link_requests",
        "schedule": OUTBOX_SWEEP_EVERY_SECONDS,
    },
    "send-claim-reminders": {"task": "claims.send_reminders", "schedule": REMINDERS_EVERY_SECONDS},
    # Customers' e-mails to support (notifications.mailbox); nothing while unconfigured.
    "fetch-support-mail": {
        "task": "notifications.fetch_support_mail",
        "schedule": SUPPORT_MAIL_EVERY_SECONDS,
        # A run the worker could not start within its minute is dropped, not stacked.
        "options": {"expires": SUPPORT_MAIL_EVERY_SECONDS},
    },
    "send-order-reminders": {"task": "repairs.send_reminders", "schedule": REMINDERS_EVERY_SECONDS},
    # The reports' monthly roll-ups (repairs.rollups): a month changed since is read live
    # meanwhile, so a late run only makes the reports slower, never wrong.
    "refresh-report-rollups": {
        "task": "repairs.refresh_report_rollups",
        "schedule": REPORT_ROLLUPS_EVERY_SECONDS,
        "options": {"expires": REPORT_ROLLUPS_EVERY_SECONDS},
    },
}

# --- Repair status lookups ---
# Every lookup with parameters counts, hit or miss, per client (IPv6 per /64) in a fixed
# window; see docs/security.md for why 30 per 10 minutes makes enumeration hopeless.
REPAIR_STATUS_RATE_LIMIT = env.int("REPAIR_STATUS_RATE_LIMIT", default=30)
REPAIR_STATUS_RATE_WINDOW = env.int("REPAIR_STATUS_RATE_WINDOW", default=600)
# The call center's phone system looks orders up for every caller from a few fixed
# addresses; those networks (CIDR, comma-separated) get their own, higher limit.
CALL_CENTER_NETWORKS = env.list("CALL_CENTER_NETWORKS", default=[])
CALL_CENTER_RATE_LIMIT = env.int("CALL_CENTER_RATE_LIMIT", default=3000)
# --- end of repair status lookups ---
