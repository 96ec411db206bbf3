"""The tests live in each app's tests/ package; what they share lives in testing/. Its fixtures and
hooks reach every test through these plugins (never by importing them), and the asserts in these
modules are rewritten like a test's."""

pytest_plugins = [
    "testing.fixtures",
    "testing.db_roles",
    "testing.retention",
    "testing.browser",
    "testing.exports",
    "testing.rollout",
    "testing.roster",
]
