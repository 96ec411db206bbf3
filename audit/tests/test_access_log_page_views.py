"""The access log as auditors read it: one row per page view with its chart requests folded in,
while every request keeps its own record; claims of a page view that do not hold are shown on
their own; named views show pseudonyms and the reveal behind them; who viewed a member."""

from __future__ import annotations

import html as html_lib
import re
import uuid
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from audit.models import AccessLogIsAppendOnly, AccessRecord
from people.models import Member
from portal.models import Scope

pytestmark = pytest.mark.django_db

PAGE_VIEW_META = re.compile(r'<meta name="page-view" content="([0-9a-f-]{36})">')
CHART_URL = re.compile(r'data-chart-url="([^"]+)"')


def open_page_with_charts(client, path: str, **headers) -> tuple[uuid.UUID, int]:
    """What a browser does (charts.js): the page, then each chart with X-Page-View. Returns the
    page's page-view id and how many requests it took."""
    response = client.get(path, **headers)
    assert response.status_code == 200
    content = response.content.decode()
    page_view = uuid.UUID(PAGE_VIEW_META.search(content).group(1))
    charts = [html_lib.unescape(url) for url in CHART_URL.findall(content)]
    assert charts, "the page should have charts"
    for url in charts:
        assert client.get(url, HTTP_X_PAGE_VIEW=str(page_view), HTTP_ACCEPT="application/json").status_code == 200
    return page_view, 1 + len(charts)


def log_rows(client, **query) -> list[AccessRecord]:
    response = client.get(reverse("access-log"), query)
    assert response.status_code == 200, response.content.decode()[:500]
    return [row.record for row in response.context["table"].page.object_list]


def test_a_page_and_its_charts_are_one_record_each_and_one_row_with_its_requests_as_details(client, viewer, auditor):
    client.force_login(viewer)
    page_view, requests = open_page_with_charts(client, reverse("dashboard-claude-code"))
    assert requests > 2

    records = AccessRecord.objects.filter(username=viewer.username)
    assert records.count() == requests  # one record per HTTP request, still
    page = records.get(page_view=page_view)
    assert (page.view_name, page.part_of) == ("dashboard-claude-code", None)
    charts = records.exclude(pk=page.pk)
    assert {chart.part_of for chart in charts} == {page_view}
    assert len({chart.page_view for chart in charts} | {page_view}) == requests  # each its own id too

    client.force_login(auditor)
    response = client.get(reverse("access-log"), {"who": viewer.username})
    (row,) = [row.record for row in response.context["table"].page.object_list]
    assert row.pk == page.pk
    assert [request.pk for request in row.fold.requests] == list(charts.order_by("occurred_at", "id").values_list("pk", flat=True))
    content = response.content.decode()
    assert f"{requests - 1} requests of this page (charts, tables)" in content
    assert content.count('<details class="access-requests">') == 1
    assert "chart-code-sessions" in content  # the chart requests, listed in the details


def test_only_html_pages_carry_their_page_view_id(client, viewer):
    client.force_login(viewer)

    page = client.get(reverse("dashboard-overview"))
    chart = client.get(reverse("chart-daily-active-users"))

    assert len(PAGE_VIEW_META.findall(page.content.decode())) == 1
    assert uuid.UUID(PAGE_VIEW_META.search(page.content.decode()).group(1)) == AccessRecord.objects.get(view_name="dashboard-overview").page_view
    assert b"page-view" not in chart.content
    if page.has_header("Content-Length"):
        assert int(page["Content-Length"]) == len(page.content)


def test_the_access_log_records_each_request_even_when_many_claim_one_page(client, viewer):
    client.force_login(viewer)
    page_view, _ = open_page_with_charts(client, reverse("dashboard-overview"))

    for _ in range(5):  # a reload of the charts, or a script replaying them
        client.get(reverse("chart-daily-active-users"), HTTP_X_PAGE_VIEW=str(page_view))

    assert AccessRecord.objects.filter(part_of=page_view, view_name="chart-daily-active-users").count() == 6


# --- Claims that do not hold -----------------------------------------------------------------


def _chart(client, page_view) -> AccessRecord:
    client.get(reverse("chart-daily-active-users"), HTTP_X_PAGE_VIEW=str(page_view))
    return AccessRecord.objects.latest("id")


def _row_of(client, auditor, record: AccessRecord) -> tuple[AccessRecord | None, str]:
    """The row a record is shown in (its own or its page's), and the page's HTML."""
    client.force_login(auditor)
    response = client.get(reverse("access-log"))
    for row in response.context["table"].page.object_list:
        if record.pk in {r.pk for r in row.record.fold.records}:
            return row.record, response.content.decode()
    return None, response.content.decode()


def test_a_made_up_page_view_id_leaves_the_request_on_its_own_flagged(client, viewer, auditor):
    client.force_login(viewer)
    open_page_with_charts(client, reverse("dashboard-overview"))
    forged = _chart(client, uuid.uuid4())

    row, content = _row_of(client, auditor, forged)

    assert row.pk == forged.pk  # its own row
    assert row.fold.unmatched_claim == "names a page view that was never recorded"
    assert f"A request on its own: it names a page view that was never recorded (<code>{forged.part_of}</code>)" in content


def test_another_persons_page_view_id_does_not_fold_a_request_into_their_page(client, viewer, detail_viewer, auditor):
    client.force_login(viewer)
    theirs, _ = open_page_with_charts(client, reverse("dashboard-overview"))
    client.force_login(detail_viewer)
    borrowed = _chart(client, theirs)

    row, content = _row_of(client, auditor, borrowed)

    assert row.pk == borrowed.pk and row.username == detail_viewer.username
    assert row.fold.unmatched_claim == "names another person’s page view"
    page = AccessRecord.objects.get(page_view=theirs)
    assert borrowed.pk not in {r.pk for r in _row_of(client, auditor, page)[0].fold.requests}


def test_a_replay_long_after_the_page_is_not_folded_into_it(client, viewer, auditor):
    client.force_login(viewer)
    page_view, _ = open_page_with_charts(client, reverse("dashboard-overview"))
    page = AccessRecord.objects.get(page_view=page_view)
    late = AccessRecord.objects.create(
        occurred_at=page.occurred_at + timedelta(hours=2), user_id=viewer.pk, username=viewer.username,
        view_name="chart-daily-active-users", path="/dashboard/charts/daily-active-users.json", part_of=page_view,
        page_view=uuid.uuid4(),
    )

    row, _ = _row_of(client, auditor, late)

    assert row.pk == late.pk
    assert row.fold.unmatched_claim == "names a page view from another time"


def test_a_request_that_names_another_request_is_not_folded(client, viewer, auditor):
    client.force_login(viewer)
    page_view, _ = open_page_with_charts(client, reverse("dashboard-overview"))
    chart = AccessRecord.objects.filter(part_of=page_view).latest("id")
    chained = _chart(client, chart.page_view)

    row, _ = _row_of(client, auditor, chained)

    assert row.pk == chained.pk and row.fold.unmatched_claim == "names a request, not a page"


def test_a_named_page_folded_into_a_harmless_one_still_shows_names_in_its_row(
    client, detail_viewer, auditor, reveal_names, import_sample, settings
):
    """Sending X-Page-View with a page request puts it under the first page: its row then says
    what the folded request showed (the highest scope, the members named, the reveal)."""
    settings.REPORTING_TIMEZONE = "UTC"
    assert import_sample("claude_enterprise_audit.csv").status == "done"
    members = list(Member.objects.all())
    client.force_login(detail_viewer)
    harmless = client.get(reverse("names-reveal"))  # a page that shows no usage data
    page_view = PAGE_VIEW_META.search(harmless.content.decode()).group(1)
    reveal_names(client, "Coaching conversation agreed with both")
    client.get(reverse("dashboard-conversations"), {"as_of": "2025-09-05"}, HTTP_X_PAGE_VIEW=page_view)
    named = AccessRecord.objects.get(view_name="dashboard-conversations")
    assert named.scope == Scope.NAMED and named.part_of == uuid.UUID(page_view) and named.members

    row, content = _row_of(client, auditor, named)

    assert row.view_name == "names-reveal" and named.pk in {r.pk for r in row.fold.requests}  # folded
    assert row.fold.scope == Scope.NAMED  # the row says what its requests showed
    assert set(row.fold.pseudonyms.values()) == {member.pseudonym for member in members}
    assert all(member.pseudonym in content for member in members)
    assert "“Coaching conversation agreed with both”" in content
    assert not {m.email for m in members} & set(re.findall(r"[\w.+-]+@example\.com", content))


def test_a_denied_request_folded_into_a_page_is_counted_in_its_outcome(client, viewer, auditor):
    client.force_login(viewer)
    page_view, requests = open_page_with_charts(client, reverse("dashboard-overview"))
    client.get(reverse("names-reveal"), HTTP_X_PAGE_VIEW=str(page_view))  # refused: viewers may not reveal

    row, content = _row_of(client, auditor, AccessRecord.objects.get(page_view=page_view))

    assert len(row.fold.denied) == 1
    assert f"1 of {requests + 1} requests denied" in content


# --- Named views: pseudonyms, the reveal, who viewed a member ----------------------------------


@pytest.fixture
def named_views(db, auditor):
    """Two members; a reveal by coach, a named page of both, and a named page of one by another user."""
    alice = Member.objects.create(email="alice@example.com", name="Alice Example", pseudonym="Member 1A2B-3C4D")
    bob = Member.objects.create(email="bob@example.com", name="Bob Example", pseudonym="Member 5E6F-7A8B")
    now = timezone.now()
    make = AccessRecord.objects.create
    reveal = make(
        occurred_at=now - timedelta(minutes=5), user_id=21, username="coach", action=AccessRecord.Action.REVEAL,
        view_name="names-reveal", path="/dashboard/names/reveal/", status_code=302, page_view=uuid.uuid4(),
        justification="Coaching conversation agreed with Alice",
    )
    both = make(
        occurred_at=now - timedelta(minutes=4), user_id=21, username="coach", view_name="dashboard-conversations",
        path="/dashboard/conversations/", scope=Scope.NAMED, person_rows=2, members=[alice.pk, bob.pk],
        status_code=200, page_view=uuid.uuid4(),
    )
    unrevealed = make(
        occurred_at=now - timedelta(minutes=3), user_id=22, username="other", view_name="dashboard-conversations",
        path="/dashboard/conversations/", scope=Scope.NAMED, person_rows=1, members=[bob.pk], status_code=200,
        page_view=uuid.uuid4(),
    )
    return {"alice": alice, "bob": bob, "reveal": reveal, "both": both, "unrevealed": unrevealed}


def test_named_views_show_pseudonyms_and_link_to_the_reveal_with_its_justification(client, auditor, named_views):
    client.force_login(auditor)

    response = client.get(reverse("access-log"), {"who": "coach", "scope": "named"})

    content = response.content.decode()
    assert "Named: <span class=\"access-member\">Member 1A2B-3C4D</span>, <span class=\"access-member\">Member 5E6F-7A8B</span>" in content
    reveal = named_views["reveal"]
    link = f'<a href="{reverse("access-log")}?record={reveal.pk}">the reveal at '
    assert link in content
    assert "“Coaching conversation agreed with Alice”" in content
    assert "Older than the reveal period" not in content

    (shown,) = log_rows(client, record=reveal.pk)  # the link's target: the reveal itself
    assert shown.pk == reveal.pk
    assert "Justification: “Coaching conversation agreed with Alice”" in client.get(reverse("access-log"), {"record": reveal.pk}).content.decode()


def test_names_shown_without_a_reveal_or_after_it_ended_are_flagged(client, auditor, named_views, settings):
    settings.NAMES_REVEAL_MINUTES = 30
    client.force_login(auditor)

    assert "Names shown with no name reveal before." in client.get(reverse("access-log"), {"who": "other"}).content.decode()

    settings.NAMES_REVEAL_MINUTES = 0
    assert "Older than the reveal period." in client.get(reverse("access-log"), {"who": "coach"}).content.decode()


@pytest.mark.parametrize("typed", ["Member 5E6F-7A8B", "member 5e6f-7a8b", "5E6F7A8B", " 5e6f-7a8b "])
def test_who_viewed_this_member_takes_a_pseudonym(client, auditor, named_views, typed):
    client.force_login(auditor)

    assert [row.username for row in log_rows(client, member=typed)] == ["other", "coach"]
    assert [row.username for row in log_rows(client, member="Member 1A2B-3C4D")] == ["coach"]


def test_who_viewed_this_member_does_not_match_a_member_whose_id_is_inside_another(client, auditor, named_views):
    near = Member.objects.create(email="near@example.com", pseudonym="Member 9999-0000")
    AccessRecord.objects.create(username="x", user_id=30, scope=Scope.NAMED, members=[int(f"{near.pk}1"), int(f"1{near.pk}")])
    client.force_login(auditor)

    assert log_rows(client, member="Member 9999-0000") == []


def test_who_viewed_this_member_finds_the_page_whose_table_request_named_them(client, auditor, named_views):
    page = named_views["unrevealed"]
    carol = Member.objects.create(email="carol@example.com", pseudonym="Member CCCC-0001")
    AccessRecord.objects.create(
        occurred_at=page.occurred_at + timedelta(seconds=2), user_id=page.user_id, username=page.username,
        view_name="member-table", scope=Scope.NAMED, members=[carol.pk], part_of=page.page_view, page_view=uuid.uuid4(),
    )
    client.force_login(auditor)

    (row,) = log_rows(client, member="Member CCCC-0001")

    assert row.pk == page.pk and len(row.fold.requests) == 1


@pytest.mark.parametrize(
    ("typed", "error"),
    [("Member 0000-0000", "No member has the pseudonym Member 0000-0000 now"), ("alice@example.com", "Enter a pseudonym such as")],
)
def test_an_unknown_or_malformed_pseudonym_is_a_clear_error(client, auditor, named_views, typed, error):
    client.force_login(auditor)

    response = client.get(reverse("access-log"), {"member": typed})

    assert error in response.content.decode()
    assert log_rows(client, member=typed) == []
    assert client.get(reverse("access-log-csv"), {"member": typed}).status_code == 400


def test_auditors_see_pseudonyms_never_names_or_emails(client, auditor, named_views):
    client.force_login(auditor)

    for response in (client.get(reverse("access-log")), client.get(reverse("access-log-csv"))):
        content = b"".join(response.streaming_content) if response.streaming else response.content
        text = content.decode()
        for member in (named_views["alice"], named_views["bob"]):
            assert member.pseudonym in text
            assert member.email not in text and escape(member.email) not in text
            assert member.name not in text


def test_the_csv_keeps_one_row_per_request_with_its_page_view_and_the_reveal(client, auditor, named_views, viewer):
    import csv
    import io

    client.force_login(viewer)
    page_view, requests = open_page_with_charts(client, reverse("dashboard-overview"))
    forged = _chart(client, uuid.uuid4())
    client.force_login(auditor)

    response = client.get(reverse("access-log-csv"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    header = rows[rows.index([]) + 1]
    records = [dict(zip(header, row)) for row in rows[rows.index([]) + 2 :]]

    viewers = [row for row in records if row["Username"] == viewer.username]
    assert len(viewers) == requests + 1
    assert sum(row["Folded into page view"] == str(page_view) for row in viewers) == requests - 1
    assert [row["Unmatched page-view claim"] for row in viewers if row["Unmatched page-view claim"]] == [str(forged.part_of)]
    (both,) = [row for row in records if row["Username"] == "coach" and row["Scope"] == "Named"]
    assert both["Members named (pseudonyms)"] == "Member 1A2B-3C4D Member 5E6F-7A8B"
    assert both["Reveal justification"] == "Coaching conversation agreed with Alice"


# --- Still append-only -----------------------------------------------------------------------


def test_the_page_view_columns_cannot_be_changed(viewer, client):
    client.force_login(viewer)
    client.get(reverse("dashboard-overview"))
    record = AccessRecord.objects.latest("id")

    with pytest.raises(AccessLogIsAppendOnly):
        AccessRecord.objects.filter(pk=record.pk).update(part_of=uuid.uuid4())
    # The trigger refuses it; in the two-role deployment the app's login has no UPDATE grant at all.
    with pytest.raises(DatabaseError, match="append-only|permission denied"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AccessRecord._meta.db_table} SET part_of = NULL, page_view = NULL WHERE id = %s", [record.pk])
    record.refresh_from_db()
    assert record.page_view is not None
