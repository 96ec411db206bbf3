"""Settings for the test suite: the real settings, with a throwaway secret and state directory."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="usage-portal-tests-"))

from usage_portal.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests

# Close connections after each request and task, so no thread keeps the test database open.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
