"""The figure cache (portal.cache) against the ways it could go wrong.

Attacks: a figure cached for one scope, group, as-of day or timezone served to another; a hidden
group shown from a cached figure; names cached and served to a pseudonymous view; a raised minimum
group size that a cached figure ignores. And per kind of change (import, purge, roster import,
member and team changes, pseudonym rotation, settings, notes and milestones) the figure a page
shows changes at once: each of those tests fails when its change does not bump the data version.
"""

from __future__ import annotations

import itertools
import pickle
from datetime import UTC, date, datetime

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from audit.models import AccessRecord
from notes.models import Milestone
from notes.selectors import milestone_marker_list, note_marker_list
from notes.services import note_create
from people.groups import Group
from people.models import Member, Team
from people.resources import roster_file_import
from people.services import pseudonyms_rotate
from portal import privacy
from portal.cache import data_version_get, figure_key
from portal.models import RetentionSettings, Scope
from portal.services import retention_settings_update, ticket_tag_change
from retention.models import PurgeReceipt
from retention.services import retention_purge
from testing.fixtures import export_csv
from usage.selectors import activity, rollout

K = 3
AS_OF = date(2025, 9, 30)
TZ = "UTC"
TEAMS = {"Alpha": [f"alpha{n}@example.com" for n in range(3)], "Beta": [f"beta{n}@example.com" for n in range(4)]}
AGGREGATE = privacy.Viewer(scope=Scope.AGGREGATE)
PSEUDONYMOUS = privacy.Viewer(scope=Scope.PSEUDONYMOUS)
NAMED = privacy.Viewer(scope=Scope.NAMED, names_visible_until=datetime(2999, 1, 1, tzinfo=UTC))
ALPHA, BETA = Group("team", "Alpha"), Group("team", "Beta")


@pytest.fixture
def organisation(import_bytes, settings):
    settings.MIN_GROUP_SIZE = K
    conversations = {email: n + 1 for n, email in enumerate(e for emails in TEAMS.values() for e in emails)}
    assert import_bytes(export_csv(conversations, day="2025-09-02")).status == "done"
    for team, emails in TEAMS.items():
        for email in emails:
            member = Member.objects.get(email=email)
            member.on_roster, member.seat_start, member.team = True, date(2025, 9, 1), Team.objects.get_or_create(name=team)[0]
            member.save()


def totals(group=None, *, as_of=AS_OF, timezone=TZ):
    return activity.usage_totals_get(as_of=as_of, timezone=timezone, group=group)


def cached_entries() -> list[bytes]:
    """Every value the cache holds now, pickled (the suite's CACHES: diskcache in its throwaway VAR_DIR)."""
    assert django_settings.CACHES["default"]["BACKEND"] == "diskcache.DjangoCache"
    store = cache._cache  # the diskcache.FanoutCache under diskcache.DjangoCache
    return [pickle.dumps(store[key]) for key in store]


# --- It caches ----------------------------------------------------------------------------------


def test_a_figure_is_computed_once_per_data_version(organisation, django_assert_max_num_queries):
    first = totals()
    with django_assert_max_num_queries(2):  # the data version and the population counts, nothing else
        assert totals() == first
    key = figure_key(activity.usage_totals_get, {"as_of": AS_OF, "timezone": TZ, "group": None}, version=data_version_get())
    assert cache.get(key) == first


def test_with_figure_cache_off_every_call_computes(organisation, settings, django_assert_num_queries):
    settings.FIGURE_CACHE = False
    totals()
    with pytest.raises(pytest.fail.Exception):
        with django_assert_num_queries(2):
            totals()
    assert cached_entries() == []


# --- Attacks: one key's figure never served for another ------------------------------------------


def test_no_group_as_of_or_timezone_is_served_another_ones_figure(organisation):
    calls = [
        dict(as_of=as_of, timezone=timezone, group=group)
        for as_of, timezone, group in itertools.product(
            (date(2025, 9, 1), AS_OF), ("UTC", "Pacific/Kiritimati", "America/Los_Angeles"), (None, ALPHA, BETA)
        )
    ]
    selectors = (activity.usage_totals_get, activity.daily_conversations_list, rollout.rolling_activity_get, rollout.weekly_figures_list)
    for selector, call in itertools.product(selectors, calls):
        selector(**call)  # every key cached first, in one order
    for selector, call in itertools.product(selectors, reversed(calls)):
        assert selector(**call) == selector.uncached(**call), (selector.__name__, call)
    assert totals(ALPHA).conversations != totals(BETA).conversations


def test_a_usage_viewer_never_gets_the_per_member_rows_cached_for_an_individual_detail_viewer(organisation):
    rows = activity.member_leaderboard_list(viewer=PSEUDONYMOUS, as_of=AS_OF, timezone=TZ, limit=10).rows
    assert rows and all(set(row) == {"pseudonym", "conversations_all_time", "latest_event_at"} for row in rows)
    never_active = rollout.seat_holders_never_active_list(viewer=PSEUDONYMOUS, as_of=AS_OF, timezone=TZ)

    with pytest.raises(PermissionDenied):
        activity.member_leaderboard_list(viewer=AGGREGATE, as_of=AS_OF, timezone=TZ, limit=10)
    with pytest.raises(PermissionDenied):
        rollout.seat_holders_never_active_list(viewer=AGGREGATE, as_of=AS_OF, timezone=TZ)
    assert rollout.seat_holders_never_active_list(viewer=PSEUDONYMOUS, as_of=AS_OF, timezone=TZ) == never_active


def test_revealed_names_are_never_cached_nor_served_to_a_pseudonymous_view(organisation):
    named = activity.member_leaderboard_list(viewer=NAMED, as_of=AS_OF, timezone=TZ, limit=10).rows
    assert {row["email"] for row in named} == {e for emails in TEAMS.values() for e in emails}

    pseudonymous = activity.member_leaderboard_list(viewer=PSEUDONYMOUS, as_of=AS_OF, timezone=TZ, limit=10).rows

    assert all("email" not in row and "name" not in row for row in pseudonymous)
    entries = cached_entries()
    assert entries and not any(b"@example.com" in entry for entry in entries)


def test_a_group_hidden_after_a_cached_figure_is_hidden_at_once(organisation):
    assert totals().conversations == sum(range(1, 8)) and totals(ALPHA).conversations == 1 + 2 + 3
    # Alpha loses a member to Beta: 2 < k people, so Alpha is hidden (and so is the org minus Beta).
    member = Member.objects.get(email="alpha0@example.com")
    member.team = Team.objects.get(name="Beta")
    member.save()

    assert totals(ALPHA).conversations is None
    assert totals(ALPHA) == activity.usage_totals_get.uncached(as_of=AS_OF, timezone=TZ, group=ALPHA)


def test_a_bulk_write_that_sent_no_signal_still_hides_the_group(organisation):
    assert totals(ALPHA).conversations == 6
    Member.objects.filter(email="alpha0@example.com").update(on_roster=False)  # no signal, no bump

    assert totals(ALPHA).conversations is None


def test_raising_the_minimum_group_size_hides_a_shown_group_at_once(organisation, settings):
    assert totals(ALPHA).conversations == 6 and totals(BETA).conversations == 4 + 5 + 6 + 7

    settings.MIN_GROUP_SIZE = 4

    assert totals(ALPHA).conversations is None
    assert totals(BETA) == activity.usage_totals_get.uncached(as_of=AS_OF, timezone=TZ, group=BETA)


# --- Every kind of change is seen at once -------------------------------------------------------


def test_an_import_changes_the_figures(organisation, import_bytes):
    before = totals()
    assert import_bytes(export_csv({"alpha0@example.com": 5}, day="2025-09-03")).status == "done"
    assert totals().conversations == before.conversations + 5


def test_a_failed_import_removes_its_figures(organisation, import_bytes):
    before = totals()
    assert import_bytes(export_csv({"alpha0@example.com": 5}, day="2025-09-03") + b"not,a,row\n").status in ("done", "failed")
    assert totals() == activity.usage_totals_get.uncached(as_of=AS_OF, timezone=TZ, group=None)
    assert totals().conversations in (before.conversations, before.conversations + 5)


def test_a_purge_changes_the_figures(organisation, retention_floors_lowered):
    daily = lambda: activity.daily_conversations_list(as_of=AS_OF, timezone=TZ)  # noqa: E731
    assert any(value for _, value in daily().points)
    RetentionSettings.objects.update_or_create(pk=1, defaults={"raw_events_days": 10, "rollups_days": 10})

    retention_purge(trigger=PurgeReceipt.Trigger.USER, now=datetime(2025, 9, 30, 12, tzinfo=UTC))

    assert not any(value for _, value in daily().points)


def test_a_roster_import_changes_the_figures(organisation):
    assert totals(BETA).conversations == 22
    rows = ["email,name,team,seat_start"] + [f"{email},,Beta,2025-09-01" for email in TEAMS["Beta"] + ["alpha0@example.com"]]
    rows += [f"{email},,Alpha,2025-09-01" for email in TEAMS["Alpha"][1:]]
    result = roster_file_import(content="\n".join(rows).encode(), name="roster.csv")
    assert not result.has_errors() and not result.has_validation_errors()

    assert totals(BETA).conversations == 22 + 1


def test_a_team_renamed_in_the_admin_changes_the_figures(organisation):
    assert totals(ALPHA).conversations == 6
    team = Team.objects.get(name="Alpha")
    team.name = "Gamma"
    team.save()

    assert totals(ALPHA).conversations == 0
    assert totals(Group("team", "Gamma")).conversations == 6


def test_a_pseudonym_rotation_changes_the_pseudonyms_shown(organisation):
    rows = lambda: activity.member_leaderboard_list(viewer=PSEUDONYMOUS, as_of=AS_OF, timezone=TZ, limit=10).rows  # noqa: E731
    before = {row["pseudonym"] for row in rows()}

    assert pseudonyms_rotate(day=date(2031, 1, 1))

    assert {row["pseudonym"] for row in rows()} == set(Member.objects.values_list("pseudonym", flat=True)) != before


def test_milestones_and_notes_change_the_chart_markers(organisation, superuser):
    window = dict(start=date(2025, 9, 1), end=AS_OF)
    assert milestone_marker_list(**window) == [] and note_marker_list(**window) == []

    Milestone.objects.create(label="Launch", date=date(2025, 9, 10))
    note_create(user=superuser, date=date(2025, 9, 11), text="Office hours")

    assert [m["label"] for m in milestone_marker_list(**window)] == ["Launch"]
    assert len(note_marker_list(**window)) == 1


def test_settings_changes_give_a_new_data_version(organisation, superuser):
    """No figure reads a stored setting outside its key (the timezone is an argument), so this is
    the defence for one that will: each settings service bumps the version."""
    versions = [data_version_get()]
    retention_settings_update(user=superuser, periods={"uploads_days": 400})
    versions.append(data_version_get())
    ticket_tag_change(tag="claude")
    versions.append(data_version_get())
    assert len(set(versions)) == 3


# --- Below the views ----------------------------------------------------------------------------


def test_each_request_still_writes_one_access_record(client, viewer, organisation):
    client.force_login(viewer)
    before = AccessRecord.objects.count()
    for _ in range(3):
        assert client.get(reverse("dashboard-rollout"), {"as_of": AS_OF.isoformat()}).status_code == 200
    assert AccessRecord.objects.count() == before + 3


def test_a_page_reads_the_data_version_once(client, viewer, organisation, django_assert_max_num_queries):
    client.force_login(viewer)
    url = reverse("dashboard-overview")
    client.get(url, {"as_of": AS_OF.isoformat()})
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, {"as_of": AS_OF.isoformat()}).status_code == 200
    assert sum("portal_dataversion" in query["sql"] for query in queries) == 1


def test_an_import_a_purge_and_a_roster_import_queue_the_warm_and_a_setting_does_not(
    organisation, import_bytes, superuser, django_capture_on_commit_callbacks
):
    from usage.services.figures_warm import figures_warm_enqueue

    with django_capture_on_commit_callbacks() as imported:
        import_bytes(export_csv({"alpha0@example.com": 1}, day="2025-09-04"))
    with django_capture_on_commit_callbacks() as purged:
        retention_purge(trigger=PurgeReceipt.Trigger.USER, now=datetime(2025, 9, 30, 12, tzinfo=UTC))
    with django_capture_on_commit_callbacks() as rostered:
        roster_file_import(content=b"email,name,team,seat_start\nalpha0@example.com,,Alpha,2025-09-01\n", name="roster.csv")
    with django_capture_on_commit_callbacks() as set_:
        ticket_tag_change(tag="claude")

    assert all(figures_warm_enqueue in callbacks for callbacks in (imported, purged, rostered))
    assert figures_warm_enqueue not in set_
