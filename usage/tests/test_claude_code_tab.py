"""The Claude Code dashboard tab and its selectors, against hand-computed fixtures: breakdowns by
terminal and model, plugin adoption and skills (each row only for k or more members, and nothing
that lets a hidden row be derived), the per-member table for individual-detail viewers only,
suppression, the access log and the CSP (no inline scripts or styles)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from testing.claude_code import otel_event, otel_event_line, usage_record, usage_report_page
from testing.fixtures import upload_imported_done
from usage.selectors import claude_code

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 3)
PEOPLE = ["ana", "bo", "cy", "dee"]


@pytest.fixture
def code_usage(settings):
    """Four members on two UTC dates; k = 2 unless a test says otherwise."""
    settings.MIN_GROUP_SIZE = 2
    upload_imported_done(
        usage_report_page(
            usage_record(day="2026-11-02", email="ana@example.com", terminal="vscode", sessions=2, added=100, removed=10,
                         commits=1, prs=1, accepted=8, rejected=2, models=(("claude-sonnet-4-5", 1000, 250),)),
            usage_record(day="2026-11-02", email="ana@example.com", terminal="tmux", sessions=1, added=20),
            usage_record(day="2026-11-03", email="bo@example.com", terminal="vscode", sessions=3, added=30, accepted=1,
                         rejected=1, models=(("claude-sonnet-4-5", 10, 150),)),
            usage_record(day="2026-11-03", email="cy@example.com", terminal="vscode", sessions=1, added=5,
                         models=(("claude-opus-4-1", 500, 900),)),
            usage_record(day="2026-11-03", email="dee@example.com", terminal="cursor", sessions=4, added=40,
                         models=(("claude-opus-4-1", 100, 100),)),
            usage_record(day="2026-11-04", email="bo@example.com", terminal="vscode", sessions=9),  # after the as-of day
            usage_record(day="2026-11-02", api_key="ci-bot", sessions=50, added=5000, models=(("claude-haiku-4-5", 9, 1234),)),
        )
    )
    upload_imported_done(
        otel_event_line(
            otel_event(name="plugin_installed", email="ana@example.com", day="2026-11-02", plugin="review-kit", sequence=1),
            otel_event(name="plugin_loaded", email="bo@example.com", day="2026-11-03", plugin="review-kit", sequence=2),
            otel_event(name="plugin_loaded", email="bo@example.com", day="2026-11-03", hour=13, plugin="review-kit", sequence=3),
            otel_event(name="plugin_installed", email="cy@example.com", day="2026-11-03", plugin="secret-tool", sequence=4),
            otel_event(name="plugin_installed", email="dee@example.com", day="2026-11-04", plugin="secret-tool", sequence=5),
            otel_event(name="plugin_loaded", email="dee@example.com", day="2026-11-03", plugin="lone-tool", sequence=9),
            otel_event(name="skill_activated", email="cy@example.com", day="2026-11-03", skill="docx", sequence=10),
            otel_event(name="skill_activated", email="ana@example.com", day="2026-11-02", skill="pdf", sequence=6),
            otel_event(name="skill_activated", email="bo@example.com", day="2026-11-03", skill="pdf", sequence=7),
            otel_event(name="skill_activated", email="dee@example.com", day="2026-11-03", skill="xlsx", sequence=8),
        ),
        "events.jsonl",
    )


# ---------- Selectors ----------


def test_the_breakdowns_by_terminal_and_model_are_computed_by_hand(code_usage):
    terminals = claude_code.code_terminal_list(as_of=AS_OF)
    # vscode: ana, bo, cy (2 + 3 + 1 sessions); tmux (ana) and cursor (dee) have one member each:
    # hidden, and together they are behind two members, so the residual may be read.
    assert [(r.name, r.members, r.sessions, r.lines_added) for r in terminals.rows] == [("vscode", 3, 6, 135)]
    assert terminals.hidden == 2

    models = claude_code.code_model_list(as_of=AS_OF)
    # By tokens; API keys' claude-haiku-4-5 counts nowhere.
    assert [(r.name, r.members, r.tokens, r.cost_usd) for r in models.rows] == [
        ("claude-sonnet-4-5", 2, 1010, 4.0), ("claude-opus-4-1", 2, 600, 10.0)
    ]
    assert models.hidden == 0


def test_plugins_and_skills_count_distinct_members_up_to_the_as_of_day(code_usage):
    plugins = claude_code.plugin_adoption_list(as_of=AS_OF)
    assert [(r.name, r.members) for r in plugins.rows] == [("review-kit", 2)]  # bo's two loads count once
    assert plugins.hidden == 2  # secret-tool (cy; dee's install is after the as-of day) and lone-tool (dee)

    skills = claude_code.skill_usage_list(as_of=AS_OF)
    assert [(r.name, r.members) for r in skills.rows] == [("pdf", 2)]
    assert skills.hidden == 2  # xlsx (dee), docx (cy)


def test_a_lone_hidden_row_takes_the_smallest_shown_row_with_it(code_usage, settings):
    """A single plugin behind one member could be read off a total of plugin users minus the shown
    rows: the rows left out must be behind k or more members together."""
    settings.MIN_GROUP_SIZE = 2
    plugins = claude_code.plugin_adoption_list(as_of=date(2026, 11, 4))
    # On 11-04 secret-tool has cy and dee; lone-tool is dee's alone, so the smaller of the shown
    # rows (a tie: by name, review-kit) is left out with it: together ana, bo and dee.
    assert [(r.name, r.members) for r in plugins.rows] == [("secret-tool", 2)]
    assert plugins.hidden == 2
    settings.MIN_GROUP_SIZE = 3
    # k = 3: nothing is behind three members; hidden rows are counted only.
    assert claude_code.plugin_adoption_list(as_of=date(2026, 11, 4)) == claude_code.Breakdown(rows=[], hidden=3)


def test_everything_is_none_when_the_organisation_is_hidden(code_usage, settings):
    settings.MIN_GROUP_SIZE = 5
    for selector in (claude_code.code_terminal_list, claude_code.code_model_list, claude_code.plugin_adoption_list, claude_code.skill_usage_list):
        assert selector(as_of=AS_OF) is None


# ---------- The tab ----------


def html_of(client, **query) -> str:
    response = client.get(reverse("dashboard-claude-code"), {"as_of": AS_OF.isoformat(), **query})
    assert response.status_code == 200
    return response.content.decode()


def card(html: str, key: str) -> str:
    match = re.search(rf'data-figure="{key}".*?<div class="card-value[^"]*"[^>]*>([^<]*)</div>', html, re.DOTALL)
    assert match, f"no {key} card"
    return match.group(1).strip()


def table_of(html: str, table_id: str) -> str:
    match = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.DOTALL)
    assert match, f"no {table_id} table"
    return match.group(0)


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client


def test_a_viewer_sees_the_cards_breakdowns_and_api_keys(viewer_client, code_usage):
    html = html_of(viewer_client)

    assert {key: card(html, key) for key in (
        "code_active_users_7d", "code_active_users_30d", "sessions_per_active_user", "lines_added", "acceptance_rate",
        "pull_requests", "commits", "cost_usd",
    )} == {
        "code_active_users_7d": "4", "code_active_users_30d": "4",
        "sessions_per_active_user": "2.8",  # (2 + 1 + 3 + 1 + 4) / 4
        "lines_added": "195", "acceptance_rate": "75 %", "pull_requests": "1", "commits": "1", "cost_usd": "$14.00",
    }
    assert "Claude Code figures are per UTC date, as Anthropic reports them." in html
    assert html.count('<p class="chart-caption">Claude Code figures are per UTC date, as Anthropic reports them.</p>') == 2
    assert "vscode" in table_of(html, "code-terminals") and "tmux" not in html and "cursor" not in html
    assert "2 more terminals not shown: each used by fewer than 2 people" in html
    assert "claude-opus-4-1" in table_of(html, "code-models")
    assert re.search(r"<td[^>]*>50</td><td[^>]*>5,000</td><td[^>]*>\$12.34</td>", table_of(html, "code-api-keys"))
    # No per-member detail for a usage viewer.
    assert 'id="code-members"' not in html and "Reveal names" not in html and "@example.com" not in html


def test_the_tab_follows_the_as_of_day_and_keeps_the_group_in_its_links(viewer_client, code_usage):
    html = html_of(viewer_client, as_of="2026-11-02")

    assert card(html, "code_active_users_7d") == "Fewer than 2 people"  # ana alone up to 11-02
    html = html_of(viewer_client)
    assert f'href="{reverse("dashboard-claude-code")}?as_of=2026-11-03"' in html  # the tab, after Rollout
    assert html.index(">Rollout</a>") < html.index(">Claude Code</a>")


def test_the_empty_state_says_what_to_import(viewer_client, settings):
    html = html_of(viewer_client)

    assert "Import a Claude Code usage report, analytics API /users pages or OpenTelemetry files to fill this tab" in html
    assert "audit-log export" not in html


def test_plugins_used_by_fewer_than_k_people_cannot_be_seen_or_derived(viewer_client, code_usage):
    """The attack: secret-tool is used by cy alone and lone-tool by dee alone. Neither name may
    appear, and no figure on the page may add the hidden plugins' members back: no total of plugin
    users, only how many plugins were left out."""
    html = html_of(viewer_client)
    plugins = html[html.index('id="code-plugins-heading"'):html.index('id="code-skills-heading"')]

    assert "secret-tool" not in html and "lone-tool" not in html
    assert re.findall(r"<td class=\"numeric\">(\d+)</td>", plugins) == ["2"]  # review-kit's members, nothing else
    assert "2 more plugins not shown: each used by fewer than 2 people" in plugins
    # The day dee's install makes secret-tool k strong, lone-tool (dee alone) would be the only one
    # left out and readable as "users of any plugin minus the rest": review-kit goes with it.
    html = html_of(viewer_client, as_of="2026-11-04")
    assert "lone-tool" not in html and "review-kit" not in html and "secret-tool" in html
    # And one plugin of one person with nothing to hide it among: no plugin rows at all.
    plugins = claude_code.plugin_adoption_list(as_of=AS_OF)
    assert all(row.members >= 2 for row in plugins.rows)


def test_an_individual_detail_viewer_sees_pseudonyms_until_a_reveal(client, detail_viewer, reveal_names, code_usage):
    client.force_login(detail_viewer)
    html = html_of(client)
    table = table_of(html, "code-members")
    assert len(re.findall(r"Member [0-9A-F]{4}-[0-9A-F]{4}", table)) == 4
    assert "@example.com" not in html and "Reveal names" in html

    reveal_names(client)
    table = table_of(html_of(client), "code-members")
    assert re.findall(r"<td[^>]*>\s*([\w.+-]+@[\w.-]+)\s*</td>", table) == [
        "dee@example.com", "ana@example.com", "bo@example.com", "cy@example.com"  # most sessions first, ties by email
    ]


def test_a_hidden_group_shows_the_suppressed_state(client, detail_viewer, code_usage, settings):
    from people.models import Member, Team
    from people.services import population_changed

    for name, emails in {"Alpha": ["ana@example.com", "bo@example.com"], "Beta": ["cy@example.com", "dee@example.com"]}.items():
        Member.objects.filter(email__in=emails).update(team=Team.objects.create(name=name), on_roster=True, seat_start=date(2026, 1, 1))
    population_changed()
    client.force_login(detail_viewer)
    assert card(html_of(client, group="team:Alpha"), "code_active_users_30d") == "2"

    settings.MIN_GROUP_SIZE = 3
    html = html_of(client, group="team:Alpha")
    assert card(html, "code_active_users_30d") == "Fewer than 3 people"
    assert card(html, "cost_usd") == "Fewer than 3 people"
    assert html.count("Hidden: the group has fewer than 3 people") >= 5  # four breakdowns and the members
    assert 'id="code-members"' not in html and "review-kit" not in html and "vscode" not in html
    assert 'id="code-api-keys"' not in html  # API keys belong to no group
    chart = client.get(reverse("chart-code-sessions"), {"as_of": AS_OF.isoformat(), "group": "team:Alpha"}).json()
    assert chart["suppressed"] is True and chart["datasets"][0]["data"] == [None, None]


def test_the_charts_serve_utc_dates_with_markers(viewer_client, code_usage):
    active = viewer_client.get(reverse("chart-code-active-users"), {"as_of": AS_OF.isoformat()}).json()
    sessions = viewer_client.get(reverse("chart-code-sessions"), {"as_of": AS_OF.isoformat()}).json()

    assert active["labels"] == ["2026-11-02", "2026-11-03"] and active["datasets"][0]["data"] == [1, 3]
    assert sessions["datasets"][0]["data"] == [3, 8]
    assert active["timezone"] == "UTC" and "per UTC date" in active["definition"]
    assert {"notes", "milestones"} <= set(active)


def test_every_view_of_the_tab_is_in_the_access_log(client, detail_viewer, reveal_names, code_usage):
    from audit.models import AccessRecord

    client.force_login(detail_viewer)
    reveal_names(client)
    html_of(client)

    record = AccessRecord.objects.filter(view_name="dashboard-claude-code").latest("pk")
    assert record.username == detail_viewer.username
    assert record.person_rows == 4


def test_the_tab_has_no_inline_scripts_or_styles(client, detail_viewer, code_usage):
    client.force_login(detail_viewer)
    html = html_of(client)

    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.DOTALL | re.IGNORECASE)
    assert scripts, "the charts need their scripts"
    for attrs, body in scripts:
        assert "src=" in attrs and body.strip() == "", f"inline script: {attrs} {body[:80]}"
    assert not re.search(r"<style\b", html, re.IGNORECASE)
    assert not re.search(r"\sstyle\s*=", html, re.IGNORECASE)
    assert not re.search(r"\son[a-z]+\s*=", html, re.IGNORECASE), "inline event handler"
