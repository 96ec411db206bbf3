"""The figure cache with real components: the Celery worker warms it after an import, and Redis
holds it as in production (Redis database TEST_REDIS_URL, 4 by default); a cache that is down
slows pages, it never breaks them."""

from __future__ import annotations

import os
import time
from datetime import date

import pytest
from django.core.cache import caches
from django.core.files.base import ContentFile

from ingest.models import Upload
from ingest.services.uploads import upload_create
from portal.cache import data_version_get, figure_key
from portal.selectors import reporting_timezone_get, reporting_today
from testing.fixtures import export_csv
from usage.selectors import activity, data_health

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/4")


def redis_available() -> bool:
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


@pytest.mark.worker
def test_the_worker_warms_the_common_figures_after_an_import(celery_worker_thread, settings):
    settings.FIGURE_CACHE_WARM = True
    settings.MIN_GROUP_SIZE = 1
    timezone = reporting_timezone_get()
    today = reporting_today(timezone=timezone)
    content = export_csv({"a@example.com": 3, "b@example.com": 1}, day=today.isoformat())

    upload = upload_create(file=ContentFile(content, name="export.csv"), name="export.csv")

    totals_call = {"as_of": today, "timezone": timezone, "group": None}
    deadline = time.monotonic() + 90
    while True:
        upload.refresh_from_db()
        if upload.status == Upload.Status.DONE:
            version = data_version_get()
            keys = [
                figure_key(activity.usage_totals_get, totals_call, version=version),
                figure_key(data_health.data_health_get, {"timezone": timezone}, version=version, today=True),
            ]
            warmed = caches["default"].get_many(keys)
            if len(warmed) == len(keys):
                break
        assert upload.status != Upload.Status.FAILED, upload.error
        assert time.monotonic() < deadline, "the common figures were not warmed within 90 s"
        time.sleep(0.2)

    assert warmed[keys[0]] == activity.usage_totals_get.uncached(**totals_call)
    assert warmed[keys[0]].conversations == 4


@pytest.mark.django_db
def test_redis_holds_the_figures(settings, import_bytes, django_assert_max_num_queries):
    if not redis_available():
        pytest.skip(f"no Redis at {REDIS_URL}")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    settings.MIN_GROUP_SIZE = 1
    caches["default"].clear()
    assert import_bytes(export_csv({"a@example.com": 2})).status == "done"
    call = {"as_of": date(2025, 9, 30), "timezone": "UTC", "group": None}
    key = figure_key(activity.usage_totals_get, call, version=data_version_get())
    try:
        first = activity.usage_totals_get(**call)
        assert caches["default"].get(key) == first  # what the call stored, read back from Redis
        with django_assert_max_num_queries(2):
            assert activity.usage_totals_get(**call) == first
    finally:
        caches["default"].clear()


@pytest.mark.django_db
def test_a_cache_that_is_down_still_gives_the_figures(settings, import_bytes):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    settings.MIN_GROUP_SIZE = 1
    assert import_bytes(export_csv({"a@example.com": 2})).status == "done"

    assert activity.usage_totals_get(as_of=date(2025, 9, 30), timezone="UTC").conversations == 2
