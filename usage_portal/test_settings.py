"""Settings for the test suite: the real settings, with a throwaway secret and state directory."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="usage-portal-tests-"))

from usage_portal.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests

# Close connections after each request and task, so no thread keeps the test database open.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

# Django's backends, except that the flush between transactional tests gets past the append-only
# guards (testing/backends): SQLite's flush is allowed by its triggers, PostgreSQL's runs as the owner.
TEST_BACKENDS = {"django.db.backends.sqlite3": "testing.backends.sqlite3", "django.db.backends.postgresql": "testing.backends.postgresql"}
for _database in DATABASES.values():  # noqa: F405
    _database["ENGINE"] = TEST_BACKENDS.get(_database["ENGINE"], _database["ENGINE"])

# Django's test Client.login() (and a bare authenticate()) call the authentication backends
# without a request, which django-axes refuses. This subclass lets those request-less calls
# through to the password check and does everything else as AxesStandaloneBackend does, so every
# login over HTTP (the login form, the admin, live_server) is still watched and locked out.
AUTHENTICATION_BACKENDS = [  # noqa: F405
    "testing.auth.RequestlessLoginAxesBackend",
    *AUTHENTICATION_BACKENDS[1:],  # noqa: F405
]

# The test client and live_server speak plain http: no redirect to https, no HSTS. Cookies stay
# Secure as in production: Chromium sends them to http://localhost, the test client ignores the flag.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0

# SQLite: a test database in a file, not in memory, so the live server's threads each get their own
# connection as a deployment's requests do (an in-memory database is one connection shared by all,
# which wedges when a page asks for several charts at once).
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-portal.sqlite3")}  # noqa: F405

# The figure cache stays on (files in the throwaway VAR_DIR; testing/fixtures.py clears it around
# each test). The warm after an import is left to the tests that check it, so no worker test
# computes every figure behind another test's back.
FIGURE_CACHE_WARM = False
