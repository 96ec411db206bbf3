"""The suite's common fixtures and hooks (a pytest plugin): users of each role, imports through the
real pipeline, a Celery worker, headless Chromium; and the helpers export_csv, user_make, PASSWORD."""

from __future__ import annotations

import csv
import io
import os
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.files.base import ContentFile
from django.urls import reverse

from ingest.models import Upload
from ingest.services.uploads import upload_create, upload_process
from portal.roles import (
    GROUP_PERMISSIONS,
    INDIVIDUAL_VIEWERS,
    LOG_IMPORTERS,
    PRIVACY_AUDITORS,
    USAGE_VIEWERS,
)
from testing import SAMPLES

CHROMIUM = Path("/usr/bin/chromium")
CHART_JS = Path(__file__).parent.parent / "static" / "vendor" / "chart.umd.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "correct horse battery staple"


def export_csv(conversations_by_email: dict[str, int], *, day: str = "2025-09-02") -> bytes:
    """An export in the sample's columns: each member signs in, then creates conversations."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["created_at", "actor_info", "event", "event_info", "entity_info", "ip_address", "device_id", "user_agent", "client_platform"]
    )
    start = datetime.fromisoformat(f"{day}T08:00:00")
    for n, (email, conversations) in enumerate(conversations_by_email.items()):
        actor = f"{{'name': 'Member {n:03d}', 'uuid': '{uuid.uuid4()}', 'metadata': {{'email_address': '{email}'}}}}"
        device = str(uuid.uuid4())
        at = start + timedelta(minutes=n)
        writer.writerow([f"{at.isoformat()}Z", actor, "user_signed_in_sso", "{'domain': 'example.com'}", "", "203.0.113.9", device, "Mozilla/5.0", "web_claude_ai"])
        for c in range(conversations):
            entity = f"{{'type': 'chat_conversation', 'uuid': '{uuid.uuid4()}', 'metadata': {{'project_uuid': None}}}}"
            at_c = at + timedelta(seconds=c + 1)
            writer.writerow([f"{at_c.isoformat()}Z", actor, "conversation_created", "{}", entity, "203.0.113.9", device, "Mozilla/5.0", "web_claude_ai"])
    return out.getvalue().encode()


@pytest.fixture(autouse=True)
def figure_cache_cleared():
    """No figure cached in one test is served in another (portal.cache): tests reuse data versions,
    since every test database starts from the same row."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """With FAIL_ON_SKIP set (CI against real services), a skipped test is a failed test."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("FAIL_ON_SKIP") and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped, which FAIL_ON_SKIP forbids: {report.longrepr}"


@pytest.fixture(autouse=True)
def _sample_dates_within_retention(request):
    """The samples and fixtures are dated 2025, past the default 400-day raw-event retention as of
    the test clock, so an import would skip them as too old. Tests that touch the database keep raw
    events for a century instead; tests about retention opt out with @pytest.mark.retention_defaults."""
    if request.node.get_closest_marker("retention_defaults"):
        return
    if not (request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(request.fixturenames)):
        return
    request.getfixturevalue("db")
    from portal.models import RetentionSettings

    RetentionSettings.objects.update_or_create(pk=1, defaults={"raw_events_days": 36_500})


@pytest.fixture
def sample_path():
    def path(name: str) -> Path:
        return SAMPLES / name

    return path


def permissions_get(names: list[str]) -> list[Permission]:
    """The permissions named "app_label.codename"."""
    pairs = [name.split(".") for name in names]
    return [Permission.objects.get(content_type__app_label=app, codename=codename) for app, codename in pairs]


def _group(name: str) -> Group:
    """The group made by the data migration (re-made after a transactional test flushed it)."""
    group, created = Group.objects.get_or_create(name=name)
    if created:
        group.permissions.set(permissions_get(GROUP_PERMISSIONS[name]))
    return group


def user_make(username: str, *groups: str, **extra) -> User:
    """A user who logs in with PASSWORD, in the named role groups."""
    user = User.objects.create_user(username=username, password=PASSWORD, **extra)
    for name in groups:
        user.groups.add(_group(name))
    return user


@pytest.fixture
def viewer(db) -> User:
    return user_make("viewer", USAGE_VIEWERS)


@pytest.fixture
def detail_viewer(db) -> User:
    return user_make("detail-viewer", INDIVIDUAL_VIEWERS)


@pytest.fixture
def auditor(db) -> User:
    return user_make("auditor", PRIVACY_AUDITORS, is_staff=True)  # retention settings live in the admin


@pytest.fixture
def reveal_names():
    """Reveal names in a logged-in test client's session, through the real form."""

    def reveal(client, justification: str = "Coaching session agreed with the member") -> None:
        response = client.post(reverse("names-reveal"), {"justification": justification})
        assert response.status_code == 302, response.content.decode()[:500]

    return reveal


@pytest.fixture
def small_groups_allowed(settings):
    """For tests about counting, not privacy: the samples have fewer members than the default k."""
    settings.MIN_GROUP_SIZE = 2


@pytest.fixture
def importer(db) -> User:
    return user_make("importer", LOG_IMPORTERS, is_staff=True)


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser(username="root", password=PASSWORD, email="root@example.com")


@pytest.fixture
def import_bytes(db):
    """Import file content synchronously through the real pipeline; returns the finished upload."""
    return upload_imported


def upload_imported(content: bytes, name: str = "export.csv", *, covers_date=None) -> Upload:
    """Import file content synchronously through the real pipeline; returns the finished upload
    (done or failed). `covers_date`: the day an analytics /users page covers."""
    upload = upload_create(file=ContentFile(content, name=name), name=name, queue=False, covers_date=covers_date)
    upload_process(upload_id=upload.pk)
    upload.refresh_from_db()
    return upload


def upload_imported_done(content: bytes, name: str = "report.json") -> Upload:
    """The same, for set-ups whose file must import: fails the test with the upload's error otherwise."""
    upload = upload_imported(content, name)
    assert upload.status == "done", upload.error
    return upload


@pytest.fixture
def import_sample(import_bytes, sample_path):
    def run(name: str) -> Upload:
        return import_bytes(sample_path(name).read_bytes(), name)

    return run


@pytest.fixture
def celery_worker_thread(transactional_db):
    """A real Celery worker consuming from the configured broker (filesystem or Redis), in a thread."""
    from celery.contrib.testing.worker import start_worker

    from usage_portal.celery import app

    app.loader.import_default_modules()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
        yield worker


@pytest.fixture
def broker_unreachable(monkeypatch):
    """The real Celery app pointed at a port where nothing listens, until `restore()` (or the test's
    end) points it back at the configured broker. Yields the restore function."""
    import socket

    from usage_portal.celery import app

    previous = app.conf.broker_url, app._pool, app.amqp._producer_pool
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    unreachable = f"redis://:secret@127.0.0.1:{port}/0"
    app.conf.broker_url = unreachable
    monkeypatch.setenv("CELERY_BROKER_URL", unreachable)  # Celery prefers the variable to its setting
    app._pool = app.amqp._producer_pool = None  # connections to the unreachable broker from here on
    restored = False

    def restore() -> None:
        nonlocal restored
        if not restored:
            monkeypatch.undo()
            app.conf.broker_url = previous[0]
            app._pool = app.amqp._producer_pool = None
            restored = True

    try:
        yield restore
    finally:
        restore()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright (never `playwright install`), one per test module."""
    if not CHROMIUM.exists():
        pytest.skip("Chromium not installed at /usr/bin/chromium: apt-get install chromium")
    if not CHART_JS.exists():
        pytest.skip("static/vendor/chart.umd.min.js is missing: run `make setup`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
