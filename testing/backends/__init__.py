"""The test suite's database backends: Django's own, except for the flush between transactional
tests, which must get past the append-only tables' guards (portal.db) without weakening them
anywhere else. Production never uses these (usage_portal/test_settings.py picks them)."""
