"""Minimum group size: an organisation of k-1 users shows "fewer than k people" everywhere (cards,
charts as gaps, tables, chart JSON, the report); k users show figures. And the complementary
suppression rule that later filters and team views use."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.urls import reverse

from portal import privacy
from testing.fixtures import export_csv

AS_OF = "2025-09-05"
K = 5
CHARTS = ["chart-daily-active-users", "chart-daily-conversations", "chart-conversation-distribution"]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def k_is_five(settings):
    settings.MIN_GROUP_SIZE = K
    settings.REPORTING_TIMEZONE = "UTC"


def organisation_of(import_bytes, size: int) -> None:
    upload = import_bytes(export_csv({f"person{n}@example.com": n + 1 for n in range(size)}))
    assert upload.status == "done", upload.error


def page(client, name: str) -> str:
    response = client.get(reverse(name), {"as_of": AS_OF})
    assert response.status_code == 200
    return response.content.decode()


def chart(client, name: str) -> dict:
    response = client.get(reverse(name), {"as_of": AS_OF})
    assert response.status_code == 200
    return json.loads(response.content)


def cards(html: str) -> dict[str, str]:
    return {
        key: value.strip()
        for key, value in re.findall(r'data-figure="(\w+)".*?<div class="card-value[^"]*"[^>]*>([^<]*)</div>', html, re.S)
    }


def test_an_organisation_below_k_shows_the_marker_on_every_card(client, viewer, import_bytes):
    organisation_of(import_bytes, K - 1)
    client.force_login(viewer)

    shown = {**cards(page(client, "dashboard-overview")), **cards(page(client, "dashboard-conversations"))}

    assert set(shown) == {"users", "conversations", "projects", "files", "conversations_7d", "conversations_30d", "conversations_all_time"}
    assert set(shown.values()) == {"Fewer than 5 people"}


def test_an_organisation_below_k_gets_gaps_in_every_chart_not_zeros(client, viewer, import_bytes):
    organisation_of(import_bytes, K - 1)
    client.force_login(viewer)

    for name in CHARTS:
        data = chart(client, name)
        assert data["suppressed"] is True and data["marker"] == "fewer than 5 people", name
        assert data["labels"], name
        assert all(value is None for dataset in data["datasets"] for value in dataset["data"]), name


def test_an_organisation_below_k_hides_the_distribution_table(client, viewer, import_bytes):
    organisation_of(import_bytes, K - 1)
    client.force_login(viewer)

    table = re.search(r'<table[^>]*id="distribution".*?</table>', page(client, "dashboard-conversations"), re.S).group(0)

    assert table.count("Fewer than 5 people") == 4  # one per bucket row
    assert not re.search(r'<td class="numeric">\d', table)


def test_an_organisation_below_k_shows_no_member_rows_even_to_individual_detail_viewers(
    client, detail_viewer, reveal_names, import_bytes
):
    organisation_of(import_bytes, K - 1)
    client.force_login(detail_viewer)
    reveal_names(client)

    html = page(client, "dashboard-conversations")

    assert "fewer than 5 people up to this day" in html
    assert 'id="member-activity"' not in html and 'id="leaderboard"' not in html
    assert "person0@example.com" not in html


def test_an_organisation_of_exactly_k_shows_every_figure(client, viewer, import_bytes):
    organisation_of(import_bytes, K)
    client.force_login(viewer)

    overview = cards(page(client, "dashboard-overview"))
    assert overview["users"] == "5" and overview["conversations"] == "15"  # 1 + 2 + 3 + 4 + 5
    for name in CHARTS:
        data = chart(client, name)
        assert data["suppressed"] is False and data["marker"] == "", name
        assert all(value is not None for dataset in data["datasets"] for value in dataset["data"]), name
    assert chart(client, "chart-daily-active-users")["datasets"][0]["data"] == [5]  # the data's one day


def test_the_report_applies_the_same_rule(import_bytes):
    organisation_of(import_bytes, K - 1)

    out = io.StringIO()
    call_command("usage_report", "--json", "--as-of", AS_OF, "--tz", "UTC", stdout=out)
    report = json.loads(out.getvalue())

    assert report["suppressed"] is True and report["min_group_size"] == K
    assert set(report["totals"].values()) == {None}
    assert set(report["conversations"].values()) == {None}
    assert {entry["users"] for entry in report["daily_active_users"]} == {None}
    assert report["members"] == []


def test_an_empty_organisation_shows_zeros_since_they_describe_no_one(client, viewer):
    client.force_login(viewer)

    assert set(cards(page(client, "dashboard-overview")).values()) == {"0"}


@pytest.mark.parametrize("value", ["1", "0", "-3"])
def test_a_minimum_group_size_below_two_is_refused(monkeypatch, value):
    import importlib

    import usage_portal.settings as portal_settings

    monkeypatch.setenv("MIN_GROUP_SIZE", value)
    with pytest.raises(ImproperlyConfigured, match="MIN_GROUP_SIZE must be 2 or more"):
        importlib.reload(portal_settings)
    monkeypatch.delenv("MIN_GROUP_SIZE")
    importlib.reload(portal_settings)


# ---------- Suppression over every visible group (portal.privacy.groups_hidden) ----------
# Groups that split the population (teams, say) are the simplest case of the rule: each part is
# one atom, and the people in no part form one more. The attack suite (usage/tests/
# test_privacy_subtraction_attacks.py) tries nested and overlapping groups.


def parts(sizes: dict[str, int], population: int) -> list[frozenset[str]]:
    """Memberships of a population split into parts of the given sizes; the rest are in no part."""
    people = [frozenset({part}) for part, size in sizes.items() for _ in range(size)]
    return people + [frozenset()] * (population - len(people))


def hidden(sizes: dict[str, int], population: int) -> set[str]:
    return privacy.groups_hidden(memberships=parts(sizes, population))


def test_a_filtered_group_needs_k_members_and_a_rest_of_k_or_none():
    assert hidden({"G": 6}, 20) == set()
    assert hidden({"G": 6}, 6) == set()  # the rest is empty
    assert hidden({"G": 4}, 20) == {"G"}  # too small itself
    # Shown, it would give away the 2 others: the organisation minus this group.
    assert hidden({"G": 18}, 20) == {"G"}


def test_a_part_below_k_is_hidden_with_the_next_smallest_so_subtraction_reveals_nothing():
    # Teams of 10, 7 and 3 in an organisation of 20: team C alone is below k. Hiding only C would
    # leave it recoverable as 20 - 10 - 7, so the next smallest, B, is hidden too (7 + 3 >= 5).
    assert hidden({"A": 10, "B": 7, "C": 3}, 20) == {"B", "C"}


def test_people_in_no_part_count_as_hidden_so_a_small_remainder_hides_a_part_too():
    # 2 people are in no team; the organisation minus A and B would describe just them.
    assert hidden({"A": 10, "B": 6}, 18) == {"B"}
    # With 5 people in no team, the organisation minus the teams describes 5 people: nothing to hide.
    assert hidden({"A": 10, "B": 6}, 21) == set()


def test_two_small_parts_together_reaching_k_hide_only_themselves():
    assert hidden({"A": 10, "B": 3, "C": 2}, 15) == {"B", "C"}


def test_parts_all_at_or_above_k_are_all_shown():
    assert hidden({"A": 5, "B": 9}, 14) == set()


def test_a_single_small_part_of_a_small_parent_is_simply_hidden():
    assert hidden({"A": 4}, 4) == {"A"}


def test_the_rule_follows_the_configured_k(settings):
    settings.MIN_GROUP_SIZE = 3
    assert hidden({"A": 10, "B": 3, "C": 2}, 15) == {"B", "C"}
    assert hidden({"A": 10, "B": 3, "C": 3}, 16) == set()


# ---------- The distribution usage viewers see instead of per-member rows ----------


def test_the_distribution_counts_users_per_conversations_range_in_each_period(client, viewer, import_bytes):
    people = [f"p{n}@example.com" for n in range(5)]
    # Before the 30-day window (it starts 2025-08-07), inside it but before the 7 days (from
    # 2025-08-30), and inside the 7 days.
    for day, counts in [("2025-08-01", [0, 0, 3, 7, 25]), ("2025-08-20", [0, 8, 0, 0, 0]), ("2025-09-02", [2, 0, 0, 0, 0])]:
        assert import_bytes(export_csv(dict(zip(people, counts)), day=day)).status == "done"
    client.force_login(viewer)

    data = chart(client, "chart-conversation-distribution")

    assert data["labels"] == ["0 conversations", "1–5 conversations", "6–20 conversations", "21+ conversations"]
    assert {dataset["label"]: dataset["data"] for dataset in data["datasets"]} == {
        "Last 7 days": [4, 1, 0, 0],  # p0 has 2
        "Last 30 days": [3, 1, 1, 0],  # p0 2, p1 8
        "All time": [0, 2, 2, 1],  # p0 2, p2 3 | p1 8, p3 7 | p4 25
    }
    table = re.search(r'<table[^>]*id="distribution".*?</table>', page(client, "dashboard-conversations"), re.S).group(0)
    rows = re.findall(r'<th scope="row">([^<]+)</th>\s*<td class="numeric">(\d+)</td>\s*<td class="numeric">(\d+)</td>\s*<td class="numeric">(\d+)</td>', table)
    assert rows == [("0", "4", "3", "0"), ("1–5", "1", "1", "2"), ("6–20", "0", "1", "2"), ("21+", "0", "0", "1")]


def test_a_hidden_organisation_is_not_mistaken_for_an_empty_one(client, viewer, import_bytes):
    organisation_of(import_bytes, K - 1)
    client.force_login(viewer)

    assert "No usage data" not in page(client, "dashboard-overview")
