"""The site's settings as the test suite runs them: production settings (DEBUG off) over
plain HTTP, with a throwaway key, static files found in the app directories and uploaded
media served by Django."""

import os

# Read while the settings are imported, which refuse to start without a key.
os.environ.setdefault("SECRET_KEY", "django-insecure-test-suite-key-never-use-in-production")

from adda_site.settings import *  # noqa: E402, F403
from adda_site.settings import STORAGES  # noqa: E402

SECURE_SSL_REDIRECT = False
STORAGES = STORAGES | {
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
}
WHITENOISE_USE_FINDERS = True
SERVE_MEDIA = True
