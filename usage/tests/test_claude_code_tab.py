"""The Claude Code dashboard tab and its selectors, against hand-computed fixtures: breakdowns by
terminal and model, plugin adoption and skills (each row only for k or more members, and nothing
that lets a hidden row be derived), the per-member table for individual-detail viewers only,
suppression, the access log and the CSP (no inline scripts or styles)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from ingest.services.uploads import upload_create, upload_process
from usage.selectors import claude_code
from testing.claude_code import otel_event, otel_event_line, otel_metrics_line, usage_record, usage_report_page

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 11, 3)
PEOPLE = ["ana", "bo", "cy", "dee"]


def imported(content: bytes, name: str = "report.json") -> None:
    upload = upload_create(file=ContentFile(content, name=name), name=name, queue=False)
    upload_process(upload_id=upload.pk)
    upload.refresh_from_db()
    assert upload.status == "done", upload.error


@pytest.fixture
def code_usage(settings):
    """Four members on two UTC dates; k = 2 unless a test says otherwise."""
    settings.MIN_GROUP_SIZE = 2
    imported(
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
    imported(
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
