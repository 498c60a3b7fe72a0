"""Settings for the news site: one file, configured by environment variables (see README)."""

import ipaddress
import os
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _
from django_prose_editor.config import html_tags
from js_asset import static_lazy

BASE_DIR = Path(__file__).resolve().parent.parent


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_rate(name: str, default: str) -> tuple[int, int]:
    """A rate limit written N/SECONDS: at most N requests in each window of SECONDS."""
    value = os.environ.get(name, default)
    count, _slash, seconds = value.partition("/")
    if not (count.isdigit() and seconds.isdigit() and int(count) > 0 and int(seconds) > 0):
        sys.exit(f"Configuration error: {name} must be written N/SECONDS, e.g. {default}.")
    return int(count), int(seconds)


# Core

DEBUG = os.environ.get("DEBUG", "") == "1"

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        # Refuse to start, with one clear line rather than a traceback, instead of
        # signing sessions with a key everyone knows.
        sys.exit(
            "Configuration error: SECRET_KEY must be set when DEBUG is off. "
            "Set DEBUG=1 for development, or SECRET_KEY to a long random string."
        )
    SECRET_KEY = "django-insecure-development-key-never-use-in-production"

# The site's address, for links that leave it (e-mail to editors) where no request says it.
SITE_URL = (os.environ.get("SITE_URL") or ("http://127.0.0.1:8000" if DEBUG else "")).rstrip("/")
if not SITE_URL:
    sys.exit(
        "Configuration error: SITE_URL must be set when DEBUG is off, "
        "to the site's address such as https://nyheter.example.se."
    )
if urlsplit(SITE_URL).scheme not in ("http", "https") or not urlsplit(SITE_URL).netloc:
    sys.exit(
        "Configuration error: SITE_URL must be an absolute http or https address "
        f"such as https://nyheter.example.se, not {SITE_URL!r}."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_prose_editor",
    "imagekit",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "news",
    "consent",
    "comments",
    "pages",
    "reviews",
    "autosave",
    # The project package: what the apps share (rate limit counters, site-wide commands).
    "adda_site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Early: a database outage met anywhere below answers 503, never a trace.
    "adda_site.middleware.DatabaseUnavailableMiddleware",
    "consent.middleware.ConsentMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Anonymous pages from the shared cache: below what writes each response's CSRF
    # cookie, nonce and consent policy, above all that a cached page does not need.
    "adda_site.page_cache.PageCacheMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "adda_site.middleware.session_limits",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "adda_site.urls"
WSGI_APPLICATION = "adda_site.wsgi.application"

CONTEXT_PROCESSORS = [
    "django.template.context_processors.request",
    "django.template.context_processors.csp",
    "django.contrib.auth.context_processors.auth",
    "django.contrib.messages.context_processors.messages",
    "adda_site.context_processors.site",
]
TEMPLATES = [
    # The admin's and crispy-forms' templates (templates/, and the apps').
    # First: it keeps what it did not find, so a public page's name costs one dict
    # lookup here.
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": CONTEXT_PROCESSORS},
    },
    # The visitors' pages (jinja2/; adda_site/jinja2.py says why).
    {
        "BACKEND": "adda_site.template_backends.Jinja2",
        "NAME": "jinja2",
        "DIRS": [BASE_DIR / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "adda_site.jinja2.environment",
            "context_processors": CONTEXT_PROCESSORS,
        },
    },
]

# Database

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Each worker keeps its connection (checked before reuse) instead of opening one,
        # and on SQLite running the PRAGMAs below, for every request.
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent readers and one writer without "database is locked" errors; a write
    # waits this long for the lock before the visitor gets the 503 page.
    SQLITE_BUSY_TIMEOUT_MS = int(os.environ.get("SQLITE_BUSY_TIMEOUT_MS", "5000"))
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
        # synchronous=FULL: in WAL mode NORMAL does not sync the log on commit, so a power
        # loss can drop the last committed consent records and comments. FULL syncs on
        # every commit, about 3 ms more per write on our disk.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
            f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS};"
        ),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database host that drops packets would otherwise hold each worker for the
    # operating system's TCP timeout (minutes) before the 503 page; ?connect_timeout=
    # in DATABASE_URL overrides it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)


# Cache

if REDIS_URL := os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            # Django's RedisCache, but a dead Redis gives cache misses (and a warning in
            # the log) instead of errors: the site then runs uncached, slower but correct.
            "BACKEND": "adda_site.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "adda"),
            # A Redis that hangs costs a request at most this long, not a worker.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    # Shared by the workers of one machine, unlike per-process memory: what one worker
    # caches or forgets, all of them see. Django's file cache, uncompressed.
    CACHES = {
        "default": {
            "BACKEND": "adda_site.cache.FileCache",
            "LOCATION": os.environ.get("CACHE_DIR", BASE_DIR / ".cache"),
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "adda"),
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }

# Anonymous pages, feeds and the sitemap are kept this long at most (adda_site.page_cache);
# every edit makes them fresh at once, so this only bounds what a lost invalidation
# could cost. 0 turns the page cache off (conditional requests still work).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
# A page a browser kept is sent again after this long, with a new comment form stamp.
PAGE_CACHE_STAMP_SECONDS = 3600

# Static and media

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploaded images and their renditions stay in MEDIA_ROOT unless AWS_STORAGE_BUCKET_NAME
# names a bucket: then they go to S3-compatible object storage through django-storages, so
# that app servers keep no files and any of them can answer any request. The variables are
# the ones django-storages documents, read here rather than by it so that the one file says
# what the site uses: AWS_S3_ENDPOINT_URL (any provider but AWS), AWS_S3_REGION_NAME,
# AWS_S3_ADDRESSING_STYLE ("path" for providers without bucket subdomains), AWS_DEFAULT_ACL
# ("public-read" where objects are made public one by one rather than by the bucket's
# policy) and MEDIA_URL, the public address pages link media from (a CDN or custom domain
# in front of the bucket; by default the bucket's own address). The key pair
# (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) is read from the environment by boto3 and is
# never copied into settings.
_media_bucket = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
# What the page's Content-Security-Policy lets images load from, beside the site itself.
_media_sources = []
if _media_bucket:
    _media_endpoint = os.environ.get("AWS_S3_ENDPOINT_URL", "").rstrip("/")
    _media_region = os.environ.get("AWS_S3_REGION_NAME", "")
    MEDIA_URL = os.environ.get("MEDIA_URL") or (
        f"{_media_endpoint}/{_media_bucket}/"
        if _media_endpoint
        else f"https://{_media_bucket}.s3.amazonaws.com/"
    )
    MEDIA_URL = MEDIA_URL.rstrip("/") + "/"
    _media_address = urlsplit(MEDIA_URL)
    if (
        _media_address.scheme not in ("http", "https")
        or not _media_address.netloc
        or _media_address.query
        or _media_address.fragment
    ):
        sys.exit(
            "Configuration error: MEDIA_URL must be an absolute http or https address "
            f"such as https://media.example.se/, not {MEDIA_URL!r}."
        )
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _media_bucket,
            "endpoint_url": _media_endpoint or None,
            "region_name": _media_region or None,
            "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None,
            "default_acl": os.environ.get("AWS_DEFAULT_ACL") or None,
            # Addresses are MEDIA_URL and the name, as on disk: news.body knows an image
            # bank image in an article's text by that prefix.
            "custom_domain": _media_address.netloc + _media_address.path.rstrip("/"),
            "url_protocol": f"{_media_address.scheme}:",
            # Plain public addresses: pages are cached and shared, signed ones expire.
            "querystring_auth": False,
            # A second "bild.jpg" of the month gets a name of its own, as on disk;
            # django-storages would replace the first one (and its renditions' source).
            "file_overwrite": False,
            # A day: a name freed by a deletion can come back with other pixels.
            "object_parameters": {"CacheControl": "public, max-age=86400"},
            # Files read back (an image to make renditions of) stay in memory, never in a
            # temporary file: 0 is "no limit" (uploads are at most NEWS_IMAGE_MAX_BYTES).
            "max_memory_size": 0,
        },
    }
    # Only this bucket (or domain), not every bucket of its provider.
    _media_sources = [MEDIA_URL]

# Without collectstatic (development, tests) whitenoise serves from the app directories.
WHITENOISE_USE_FINDERS = DEBUG
# Files browsers ask for at the root of the site (/favicon.ico).
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
# In production the web server or object storage serves uploaded media, not Django.
SERVE_MEDIA = DEBUG and not _media_bucket
# Uploads larger than this go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o644
# Anything larger, or with more fields or files, is refused with the 400 page (Django's
# RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent) before a form reads it. Uploaded
# files do not count toward the size: it bounds the text fields, of which an article's
# body in admin is the longest. Admin forms with many categories and inlines send a few
# hundred fields; no form of ours sends more than one file.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
DATA_UPLOAD_MAX_NUMBER_FILES = 10

# Renditions are generated when an image is saved, never while a page renders.
IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY = "imagekit.cachefiles.strategies.Optimistic"
IMAGEKIT_CACHEFILE_DIR = "renditions"
IMAGEKIT_CACHEFILE_NAMER = "imagekit.cachefiles.namers.source_name_dot_hash"

# Internationalisation

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

# Security

# Addresses and CIDR ranges of our own reverse proxies, whose X-Forwarded-For we believe
# (adda_site.clients). COMMENTS_TRUSTED_PROXIES is its former name.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES") or env_list("COMMENTS_TRUSTED_PROXIES")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        sys.exit(f"Configuration error: TRUSTED_PROXIES has {_proxy!r}, not an address or range.")

SECURE_CSP = {
    "default-src": [CSP.SELF],
    # 'strict-dynamic' lets a nonced script start the scripts a visitor has just
    # consented to without a reload; hosts are named only for those who consented.
    "script-src": [CSP.SELF, CSP.NONCE, CSP.STRICT_DYNAMIC],
    # The hash is the base stylesheet the admin's rich-text editor (tiptap) injects
    # without a nonce (feincms/django-prose-editor#34); a browser test catches a change.
    "style-src": [CSP.SELF, CSP.NONCE, "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"],
    "img-src": [CSP.SELF, "data:", *_media_sources],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "0" if DEBUG else "1") == "1"
# Load balancers probe app servers over plain HTTP; /healthz says nothing personal.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("SECURE_HSTS_INCLUDE_SUBDOMAINS", "1") == "1"
SECURE_HSTS_PRELOAD = os.environ.get("SECURE_HSTS_PRELOAD", "0") == "1"
if os.environ.get("SECURE_PROXY_SSL_HEADER") == "1":
    # Only behind a proxy that sets X-Forwarded-Proto itself.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# A Swedish page in the site's layout instead of Django's bare one.
CSRF_FAILURE_VIEW = "adda_site.views.csrf_failure"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The admin door (adda_site.admin_door): editor accounts are the softest target.
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out user name or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five failed logins for one user name, or from one address, refuse that name or address
# for 15 minutes after the last failure. Counted in the database, which all workers and
# app servers share.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Attempts while locked out are refused without counting, so the lock ends when the
# lockout page says it will.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A successful login keeps the failures: clearing them would clear its address's too, and
# let anyone with an account guess other editors' passwords without limit.
AXES_RESET_ON_SUCCESS = False
AXES_CLIENT_IP_CALLABLE = "adda_site.clients.client_ip"
AXES_LOCKOUT_CALLABLE = "adda_site.admin_door.locked_out"
# Failed logins are kept beside successful ones (AccessLog), for superusers in admin.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# Axes masks these in the application log, which names neither (passwords never).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address"]
AXES_VERBOSE = False

# Staff sessions end SESSION_COOKIE_AGE after logging in however active, and after
# ADMIN_IDLE_TIMEOUT_SECONDS without a request (adda_site.middleware).
SESSION_COOKIE_AGE = 8 * 3600
# Django's database sessions, refusing session cookies Django could not have made (a NUL
# in one was a server error on PostgreSQL).
SESSION_ENGINE = "adda_site.sessions"
ADMIN_IDLE_TIMEOUT_SECONDS = int(os.environ.get("ADMIN_IDLE_TIMEOUT_SECONDS", "3600"))

# Staff also give a code from an authenticator app (django-otp, TOTP) when this is on;
# superusers set up each one's device in admin first.
ADMIN_REQUIRE_2FA = os.environ.get("ADMIN_REQUIRE_2FA", "0") == "1"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # At DEBUG it writes a template's whole context for each missing variable, the
        # request's address with its query string (what a visitor searched for) included:
        # never below INFO, whatever LOG_LEVEL says.
        "django.template": {"level": "INFO"},
    },
}

# Forms

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# The comment and accessibility report forms are refused when sent faster than a person
# fills them in, or after being open longer than this (adda_site.forms.StampedForm).
FORM_MIN_SECONDS = 3
FORM_MAX_AGE_SECONDS = 24 * 3600

# Our apps

SITE_NAME = os.environ.get("SITE_NAME", "Adda")
# What authenticator apps show beside an editor's login code.
OTP_TOTP_ISSUER = SITE_NAME
NEWS_PAGE_SIZE = 10
NEWS_IMAGE_MAX_BYTES = int(os.environ.get("NEWS_IMAGE_MAX_BYTES", str(10 * 1024 * 1024)))
# Pillow refuses more than twice this as a decompression bomb; we refuse above it.
NEWS_IMAGE_MAX_PIXELS = 40_000_000
NEWS_RENDITION_WIDTHS = (480, 800, 1200, 1600)
# Our own rich-text editor extensions: the article body's image button, which opens the
# image bank's chooser. It writes only figures and images, which "Figure" allows already.
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("js/admin-image-chooser-button.js")],
        "extensions": {"ImageChooser": html_tags([])},
    },
    {
        # The editors' accessible name, from their field's label; allows no new HTML.
        "js": [static_lazy("js/admin-editor-name.js")],
        "extensions": {"FieldName": html_tags([])},
    },
]

CONSENT_COOKIE_NAME = "samtycke"
# A choice is asked again after this many days, judged from the recorded time.
CONSENT_MAX_AGE_DAYS = int(os.environ.get("CONSENT_MAX_AGE_DAYS", "365"))
CONSENT_RECORD_RETENTION_DAYS = int(os.environ.get("CONSENT_RECORD_RETENTION_DAYS", str(3 * 365)))
CONSENT_MATOMO_CATEGORY = "statistik"
# The key of the consent records' HMAC chain: its own secret, so that rotating SECRET_KEY
# does not orphan the chain, and a database dump without it cannot rewrite the chain.
CONSENT_RECORD_KEY = os.environ.get("CONSENT_RECORD_KEY", "")
MATOMO_URL = os.environ.get("MATOMO_URL", "")
MATOMO_SITE_ID = os.environ.get("MATOMO_SITE_ID", "")
# Gated scripts run on the site's own origin, beside the admin: their addresses must be
# on these origins (e.g. https://cdn.example.se), or on Matomo's.
CONSENT_SCRIPT_ORIGINS = env_list("CONSENT_SCRIPT_ORIGINS")
# Inline code in gated scripts, written by superusers only; off unless set to 1.
CONSENT_ALLOW_INLINE_SCRIPTS = os.environ.get("CONSENT_ALLOW_INLINE_SCRIPTS", "0") == "1"

COMMENTS_MODERATION = os.environ.get("COMMENTS_MODERATION", "all")  # all, first or none
COMMENTS_CLOSE_AFTER_DAYS = int(os.environ.get("COMMENTS_CLOSE_AFTER_DAYS", "0"))  # 0: never
# Anonymous writes per client address (IPv6: per /64) and window of seconds.
COMMENTS_RATE_LIMIT = env_rate("COMMENTS_RATE_LIMIT", "5/600")
# Generous: an office behind one address makes many honest choices.
CONSENT_RATE_LIMIT = env_rate("CONSENT_RATE_LIMIT", "30/600")
REPORTS_RATE_LIMIT = env_rate("REPORTS_RATE_LIMIT", "5/600")
COMMENTS_MAX_LINKS = 2
COMMENTS_NOTIFY_EDITORS = os.environ.get("COMMENTS_NOTIFY_EDITORS", "0") == "1"
COMMENTS_IP_RETENTION_DAYS = int(os.environ.get("COMMENTS_IP_RETENTION_DAYS", "30"))
COMMENTS_REJECTED_RETENTION_DAYS = int(os.environ.get("COMMENTS_REJECTED_RETENTION_DAYS", "90"))
# Accessibility reports are deleted this long after they last changed.
PAGES_REPORT_RETENTION_DAYS = int(os.environ.get("PAGES_REPORT_RETENTION_DAYS", "730"))

MAILERS = {
    "default": (
        {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
        if DEBUG
        else {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                # Seconds to connect and for each answer: a mail server that is down or
                # hangs never holds a worker for long (comments.submission retries later).
                "timeout": int(os.environ.get("EMAIL_TIMEOUT", "10")),
            },
        }
    )
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
