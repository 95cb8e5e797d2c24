"""Settings for the test suite: the real settings with a throwaway secret and a fast password hasher."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")
os.environ.setdefault("CHALKFACE_CACHE", "memory")
os.environ.setdefault("CHALKFACE_DATA_DIR", tempfile.mkdtemp(prefix="chalkface-tests-"))

from chalkface.settings import *  # noqa: E402,F403

# Argon2 is the production hasher (asserted in tests/test_settings.py); MD5 keeps the suite fast.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# The test client and live server speak plain HTTP (tests/test_settings.py checks the production defaults).
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 — WhiteNoise warns about a missing folder
# The client logs in without a second factor; tests/accounts/test_second_factor.py turns it on.
SECOND_FACTOR_REQUIRED = False
