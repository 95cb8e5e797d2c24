"""Settings for the test suite: the real settings with a throwaway secret and a fast password hasher."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")
os.environ.setdefault("CHALKFACE_CACHE", "memory")
# One folder per test process: parallel test workers each have their own database, so each needs its own
# copy of the check-ins (DATA_DIR/extract), or one worker would read figures built from another's database.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if os.environ.get("CHALKFACE_TEST_DATA_WORKER") != _worker:
    os.environ["CHALKFACE_DATA_DIR"] = tempfile.mkdtemp(prefix=f"chalkface-tests-{_worker or 'main'}-")
    os.environ["CHALKFACE_TEST_DATA_WORKER"] = _worker

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
# Tests read their own check-ins at once; tests/insights/test_precomputed.py turns stale serving on.
CHALKFACE_RESULTS_STALE_SECONDS = 0
