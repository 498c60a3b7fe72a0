"""The site's settings as the test suite runs them: production settings (DEBUG off) over
plain HTTP, with a throwaway key, static files found in the app directories and uploaded
media served by Django."""

import os
import tempfile

# Read while the settings are imported, which refuse to start without a key and an address.
os.environ.setdefault("SECRET_KEY", "django-insecure-test-suite-key-never-use-in-production")
os.environ.setdefault("SITE_URL", "http://testserver")

from adda_site.settings import *  # noqa: E402, F403
from adda_site.settings import CACHES, STORAGES  # noqa: E402

SECURE_SSL_REDIRECT = False
STORAGES = STORAGES | {
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
}
WHITENOISE_USE_FINDERS = True
SERVE_MEDIA = True
if CACHES["default"]["BACKEND"].endswith("FileCache"):
    # A cache of this test run's own, so that runs side by side do not share entries; the
    # processes a test starts with these settings share it (tests/test_page_cache.py).
    os.environ.setdefault("ADDA_TEST_CACHE_DIR", tempfile.mkdtemp(prefix="adda-test-cache-"))
    CACHES = {"default": CACHES["default"] | {"LOCATION": os.environ["ADDA_TEST_CACHE_DIR"]}}
