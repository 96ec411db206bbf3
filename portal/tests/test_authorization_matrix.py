"""Every URL pattern of the portal × every role → the expected answer to a GET.

The list of patterns comes from the URLconf, so a URL added later without an entry here fails
`test_every_url_pattern_has_an_entry`. Answers: a status code, "login" (redirect to the portal's
login page), "admin-login" (redirect to the admin's), or "→/path/" (redirect there).
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from audit.middleware import is_audited
from audit.models import AccessRecord
from exports.models import Export
from ingest.models import Event
from notes.models import ChampionNote, ChampionNoteRevision, Milestone
from people.models import Member
from portal.models import PortalSettings, RetentionSettingsChange
from portal.selectors import retention_settings_get
from retention.models import PurgeReceipt
from testing.fixtures import export_csv

ROLES = ["anonymous", "viewer", "detail_viewer", "importer", "auditor", "superuser"]

D, L, AL = "→/dashboard/", "login", "admin-login"
DASHBOARD = [L, 200, 200, 403, 403, 200]  # usage viewers, individual-detail viewers, superusers
ACCESS_LOG = [L, 403, 403, 403, 200, 200]  # privacy auditors, superusers

PORTAL = {
    "accounts/login/": [200, 200, 200, 200, 200, 200],
    "accounts/logout/": [405] * 6,  # POST only
    "": [L, D, D, "→/uploads/", "→/access-log/", D],
    "transparency/": [L, 200, 200, 200, 200, 200],
    "dashboard/": DASHBOARD,
    "dashboard/conversations/": DASHBOARD,
    "dashboard/rollout/": DASHBOARD,
    "dashboard/claude-code/": DASHBOARD,
    "dashboard/charts/code-active-users.json": DASHBOARD,
    "dashboard/charts/code-sessions.json": DASHBOARD,
    "dashboard/charts/code-weekly-active-users.json": DASHBOARD,
    "dashboard/charts/code-weekly-sessions.json": DASHBOARD,
    "dashboard/charts/support-tickets.json": DASHBOARD,
    "dashboard/charts/weekly.json": DASHBOARD,
    "dashboard/charts/daily-active-users.json": DASHBOARD,
    "dashboard/charts/daily-conversations.json": DASHBOARD,
    "dashboard/charts/conversation-distribution.json": DASHBOARD,
    "dashboard/names/reveal/": [L, 403, 200, 403, 403, 200],
    "dashboard/names/hide/": [405] * 6,  # POST only
    "dashboard/export/": [405] * 6,  # POST only
    # Someone else's export (the object has no creator): only superusers see it.
    "exports/<int:export_id>/": [L, 404, 404, 403, 403, 200],
    "exports/<int:export_id>/status.json": [L, 404, 404, 403, 403, 200],
    "exports/<int:export_id>/download/": [L, 404, 404, 403, 403, 200],
    # The importers' pages: Log importers and superusers.
    "uploads/": [L, 403, 403, 200, 403, 200],
    "uploads/new/": [L, 403, 403, 200, 403, 200],
    "uploads/<int:upload_id>/": [L, 403, 403, 200, 403, 200],
    "uploads/<int:upload_id>/status.json": [403, 403, 403, 200, 403, 200],
    "uploads/<int:upload_id>/rejected.csv": [403, 403, 403, 200, 403, 200],
    "access-log/": ACCESS_LOG,
    "access-log.csv": ACCESS_LOG,
    # Notes: read with the dashboard or note permission; written by champions (not a role here) and superusers.
    "notes/": [L, 200, 200, 403, 403, 200],
    "notes/add/": [L, 403, 403, 403, 403, 200],
    "notes/<int:note_id>/edit/": [L, 403, 403, 403, 403, 200],
    "notes/<int:note_id>/delete/": [405] * 6,  # POST only
    "data-health/": [L, 403, 403, 200, 403, 200],  # importers, superusers
    "data-health/charts/<int:source>.json": [L, 403, 403, 200, 403, 200],
    "favicon.ico": ["→/static/portal/img/favicon.svg"] * 6,
    "healthz": [200] * 6,  # the load balancer's probe: no login, nothing about anyone
}

# The admin is for staff (importers, auditors, superusers): everyone else is sent to its login page.
STAFF = [AL, AL, AL, 200, 200, 200]
ADMIN_SITE = {
    "admin/": STAFF,
    # Signed in without admin rights: sent to the portal, with a message (portal.views.admin_login).
    "admin/login/": [200, "→/", "→/", "→/admin/", "→/admin/", "→/admin/"],
    "admin/logout/": ["→/admin/", "→/admin/", "→/admin/", 405, 405, 405],  # POST only, for staff
    "admin/password_change/": STAFF,
    "admin/password_change/done/": STAFF,
    "admin/autocomplete/": [AL, AL, AL, 403, 403, 403],  # no field asked for
    "admin/jsi18n/": STAFF,
    "admin/r/<path:content_type_id>/<path:object_id>/": [AL, AL, AL, 404, 404, 404],  # members have no public page
    "admin/^(?P<app_label>auth|django_celery_beat|portal|audit|people|notes|ingest|retention)/$": [AL, AL, AL, 200, 404, 200],  # asked for people (the roster): auditors have nothing there
    "admin/(?P<url>.*)$": [AL, AL, AL, 404, 404, 404],  # asked for a page that does not exist
}

# Per registered model: the answer for the importer, the auditor and the superuser (the others
# are not staff: admin-login), for the pages changelist, add, history, delete, change, and the
# bare object URL.
ADMIN_VIEWS = ["", "add/", "<path:object_id>/history/", "<path:object_id>/delete/", "<path:object_id>/change/", "<path:object_id>/"]
READ_ONLY = [200, 403, 200, 403, 200, "→change"]  # records: no add, change or delete for anyone
FULL = [200, 200, 200, 200, 200, "→change"]
NOTHING = [403, 403, 403, 403, 403, "→change"]  # the bare object URL redirects, then refuses
# One settings record: the list opens it, it can be changed but not added or deleted.
SINGLETON = ["→change", 403, 200, 403, 200, "→change"]
ADMIN_MODELS = {
    # model: (importer, auditor, superuser)
    "ingest/upload": ([200, 200, 200, 403, 200, "→change"], NOTHING, [200, 200, 200, 403, 200, "→change"]),
    "people/member": (NOTHING, NOTHING, READ_ONLY),
    # HR's roster: imported, listed and edited by importers; people join it only by import, nobody deletes.
    "people/rosterentry": ([200, 403, 200, 403, 200, "→change"], NOTHING, [200, 403, 200, 403, 200, "→change"]),
    "ingest/event": (NOTHING, NOTHING, READ_ONLY),
    "audit/accessrecord": (NOTHING, READ_ONLY, READ_ONLY),
    "portal/retentionsettings": (NOTHING, SINGLETON, SINGLETON),
    "portal/retentionsettingschange": (NOTHING, READ_ONLY, READ_ONLY),
    "retention/purgereceipt": (NOTHING, READ_ONLY, READ_ONLY),
    "notes/milestone": (NOTHING, NOTHING, FULL),
    "notes/championnote": (NOTHING, NOTHING, READ_ONLY),  # written on the notes page, with history
    "notes/championnoterevision": (NOTHING, NOTHING, READ_ONLY),
    "portal/portalsettings": (NOTHING, NOTHING, SINGLETON),
    "auth/user": (NOTHING, NOTHING, FULL),
    "auth/group": (NOTHING, NOTHING, FULL),
    "django_celery_beat/periodictask": (NOTHING, NOTHING, FULL),
    "django_celery_beat/clockedschedule": (NOTHING, NOTHING, FULL),
    "django_celery_beat/crontabschedule": (NOTHING, NOTHING, FULL),
    "django_celery_beat/solarschedule": (NOTHING, NOTHING, FULL),
    "django_celery_beat/intervalschedule": (NOTHING, NOTHING, FULL),
}
EXTRA_ADMIN = {
    "admin/auth/user/<id>/password/": [AL, AL, AL, 403, 403, 200],
    # The roster's import (django-import-export): the upload and preview, then the confirm (POST only).
    "admin/people/rosterentry/import/": [AL, AL, AL, 200, 403, 200],
    "admin/people/rosterentry/process_import/": [AL, AL, AL, 405, 405, 405],
    "admin/retention/purgereceipt/dry-run/": [AL, AL, AL, 405, 405, 405],  # POST only (auditors and superusers)
}


def _admin_model_entries() -> dict[str, list]:
    entries = {}
    for model, (importer, auditor, superuser) in ADMIN_MODELS.items():
        for view, *answers in zip(ADMIN_VIEWS, importer, auditor, superuser):
            entries[f"admin/{model}/{view}"] = [AL, AL, AL, *answers]
    return entries


EXPECTED = {**PORTAL, **ADMIN_SITE, **_admin_model_entries(), **EXTRA_ADMIN}


def url_patterns(patterns=None, prefix: str = "") -> list[str]:
    """Every route of the URLconf, as its full pattern string."""
    routes = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            routes += url_patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            routes.append(prefix + str(pattern.pattern))
    return routes


def test_every_url_pattern_has_an_entry():
    routes = url_patterns()

    assert sorted(set(routes) - EXPECTED.keys()) == [], "add the new URLs to the matrix"
    assert sorted(EXPECTED.keys() - set(routes)) == [], "remove entries for URLs that are gone"


@pytest.fixture
def objects(import_bytes, db) -> dict[str, object]:
    """One object of every kind an URL points at."""
    upload = import_bytes(export_csv({"person@example.com": 2}) + b"not-a-date,{},conversation_created,,,,,,\n")
    assert upload.rejected_report, "the upload needs a rejected-rows report"
    interval = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.DAYS)
    return {
        "ingest/upload": upload,
        "people/member": Member.objects.first(),
        "people/rosterentry": Member.objects.first(),  # seen in the logs, so listed on the roster page
        "ingest/event": Event.objects.first(),
        "audit/accessrecord": AccessRecord.objects.create(username="someone", path="/dashboard/"),
        "exports/export": Export.objects.create(
            view="overview", format="csv", status="done", file=ContentFile(b"x", name="matrix.csv"),
            expires_at=timezone.now() + timedelta(days=1),
        ),
        "portal/retentionsettings": retention_settings_get(),
        "portal/retentionsettingschange": RetentionSettingsChange.objects.create(username="someone"),
        "retention/purgereceipt": PurgeReceipt.objects.create(trigger=PurgeReceipt.Trigger.USER),
        "notes/milestone": Milestone.objects.create(label="Wave 2", date="2025-10-06"),
        "notes/championnote": ChampionNote.objects.create(date="2025-10-06", text="Office hours"),
        "notes/championnoterevision": ChampionNoteRevision.objects.create(date="2025-10-06", text="Office hours"),
        "portal/portalsettings": PortalSettings.objects.get_or_create(pk=1)[0],
        "auth/user": User.objects.create_user("someone-else"),
        "auth/group": Group.objects.first(),
        "django_celery_beat/periodictask": PeriodicTask.objects.create(name="t", task="t", interval=interval),
        "django_celery_beat/clockedschedule": ClockedSchedule.objects.create(clocked_time="2030-01-01T00:00Z"),
        "django_celery_beat/crontabschedule": CrontabSchedule.objects.create(),
        "django_celery_beat/solarschedule": SolarSchedule.objects.create(event="sunrise", latitude=0, longitude=0),
        "django_celery_beat/intervalschedule": interval,
    }


def concrete(route: str, objects: dict) -> str:
    """A path for `route`, with its parameters filled in from `objects`."""
    member = objects["people/member"]
    fixed = {
        "admin/r/<path:content_type_id>/<path:object_id>/": f"/admin/r/{_content_type(member)}/{member.pk}/",
        "admin/^(?P<app_label>auth|django_celery_beat|portal|audit|people|notes|ingest|retention)/$": "/admin/people/",
        "admin/(?P<url>.*)$": "/admin/no-such-page/",
        "admin/auth/user/<id>/password/": f"/admin/auth/user/{objects['auth/user'].pk}/password/",
    }
    if route in fixed:
        return fixed[route]
    path = "/" + route.replace("<int:upload_id>", str(objects["ingest/upload"].pk))
    path = path.replace("<int:export_id>", str(objects["exports/export"].pk))
    path = path.replace("<int:note_id>", str(objects["notes/championnote"].pk))
    path = path.replace("<int:source>", "0")
    for model, obj in objects.items():
        if path.startswith(f"/admin/{model}/"):
            path = path.replace("<path:object_id>", str(obj.pk))
    assert "<" not in path, f"no object for {route}"
    return path


def _content_type(obj) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


def outcome(response, path: str) -> object:
    if response.status_code not in (301, 302):
        return response.status_code
    location = response["Location"]
    if location.startswith("/accounts/login/"):
        return "login"
    if location.startswith("/admin/login/"):
        return "admin-login"
    if location.rstrip("/").endswith("/change") and location.startswith(path):
        return "→change"
    return f"→{location}"


@pytest.fixture
def users(viewer, detail_viewer, importer, auditor, superuser) -> dict[str, User | None]:
    return {
        "anonymous": None,
        "viewer": viewer,
        "detail_viewer": detail_viewer,
        "importer": importer,
        "auditor": auditor,
        "superuser": superuser,
    }


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_the_expected_answer_from_every_url(client, role, users, objects, small_groups_allowed):
    if users[role] is not None:
        client.force_login(users[role])
    wrong = []
    for route in url_patterns():
        path = concrete(route, objects)
        logged_before = AccessRecord.objects.count()
        response = client.get(path)
        got = outcome(response, path)
        expected = EXPECTED[route][ROLES.index(role)]
        if got != expected:
            wrong.append(f"{path}: expected {expected}, got {got}")
        # Audited pages and every refusal leave exactly one access record; other pages none.
        should_log = is_audited(resolve(urlsplit(path).path)) or response.status_code == 403
        if AccessRecord.objects.count() - logged_before != int(should_log):
            wrong.append(f"{path}: expected {int(should_log)} access record(s), got {AccessRecord.objects.count() - logged_before}")
    assert wrong == [], "\n".join(wrong)


# What the access log leaves out: only pages that show nothing about people. Everything else,
# every admin page included, is logged.
NOT_AUDITED_ROUTES = {
    "",  # home: a redirect
    "accounts/login/",
    "accounts/logout/",
    "admin/login/",
    "admin/logout/",
    "admin/password_change/",
    "admin/password_change/done/",
    "admin/jsi18n/",
    "healthz",  # the load balancer's probe
    "favicon.ico",
}


def test_the_access_log_covers_exactly_the_pages_that_show_usage_or_people(objects):
    audited = {route for route in url_patterns() if is_audited(resolve(urlsplit(concrete(route, objects)).path))}

    assert set(url_patterns()) - audited == NOT_AUDITED_ROUTES
