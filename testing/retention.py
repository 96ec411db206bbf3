"""Retention fixtures (a pytest plugin)."""

from __future__ import annotations

import pytest

from portal.models import RetentionSettings


@pytest.fixture
def retention_floors_lowered(settings):
    """For tests of the purge's mechanics with short periods (days, not months): every floor in
    Python is 1 day. The database's own access-log floor stays (audit/db.py), so those tests purge
    access records only with cutoffs older than it; the floors are tested in
    retention/tests/test_retention_floors.py and audit/tests/test_access_log_insider_attacks.py."""
    for name in RetentionSettings.FLOOR_SETTINGS.values():
        setattr(settings, name, 1)
