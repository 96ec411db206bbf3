"""Reading the access log: one filter for its page and its CSV download, so both show the same
records; the page shows them folded into page views, the CSV one row per record.

Page views (the fold). Every request keeps its own record (audit.middleware: one per request);
a page's chart and table requests carry the page's id (`part_of`, from the X-Page-View header
that charts.js sends). For display, a request is folded into the page view it names only when
that claim holds: the named record is a page (it claims no page itself), of the same signed-in
user, written at most FOLD_WINDOW before the request. A claim that does not hold (a made-up id,
another person's page, a replay long after) leaves the request on its own row, flagged. A page
view's row sums up everything its requests showed (highest scope, person rows, members named,
refusals), so folding never hides what a request showed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Subquery, When

from audit.filters import AccessRecordFilter
from audit.members import member_pseudonyms_get
from audit.models import AccessRecord
from portal.models import SCOPE_ORDER, Scope
from portal.spreadsheets import UTC_FORMAT, query_compact

# Charts load right after their page; an hour of slack covers a slow page under load.
FOLD_WINDOW = timedelta(hours=1)
CSV_BATCH = 500


def access_record_list(*, filters: Mapping[str, Any], until: datetime | None = None) -> QuerySet[AccessRecord]:
    """Every record matching `filters` (the page's query string), newest first: the CSV's rows.

    Invalid filters match nothing, never everything (django-filter's strict mode); the page shows
    the form's errors. `until` leaves out records written after a moment, such as an export's own.
    """
    filterset = AccessRecordFilter(data=filters, queryset=AccessRecord.objects.all())
    if not filterset.is_valid():
        return AccessRecord.objects.none()
    records = filterset.qs
    if until is not None:
        records = records.filter(occurred_at__lte=until)
    return records


def _page_of() -> QuerySet[AccessRecord]:
    """The page a record (the outer query's row) is validly folded into: the fold rule, in SQL."""
    return AccessRecord.objects.filter(
        page_view=OuterRef("part_of"),
        part_of__isnull=True,
        user_id=OuterRef("user_id"),  # NULL (anonymous) equals nothing
        occurred_at__lte=OuterRef("occurred_at"),
        occurred_at__gte=OuterRef("occurred_at") - FOLD_WINDOW,
    )


def _requests_of(records: QuerySet[AccessRecord]) -> QuerySet[AccessRecord]:
    """Those of `records` validly folded into the outer query's row (a page)."""
    return records.filter(
        part_of=OuterRef("page_view"),
        user_id=OuterRef("user_id"),
        occurred_at__gte=OuterRef("occurred_at"),
        occurred_at__lte=OuterRef("occurred_at") + FOLD_WINDOW,
    )


def page_view_list(*, filters: Mapping[str, Any]) -> QuerySet[AccessRecord]:
    """One record per page view, newest first: the pages, and every request not validly folded
    into one. A page view matches `filters` when its page or any of its requests does."""
    matched = access_record_list(filters=filters)
    rows = (
        AccessRecord.objects.alias(folded=Exists(_page_of()))
        .filter(folded=False)
        .filter(Q(pk__in=matched.values("pk")) | (Q(part_of__isnull=True) & Exists(_requests_of(matched))))
    )
    return _with_reveal(rows)


@dataclass(frozen=True)
class RevealShown:
    """The name reveal behind a named record (None: there was none before it), and whether the
    record came within the reveal's NAMES_REVEAL_MINUTES (False is for an auditor to look into)."""

    reveal: AccessRecord | None
    current: bool


@dataclass
class PageView:
    """A row of the access log page: a page (or a request on its own) and what it showed."""

    record: AccessRecord
    requests: list[AccessRecord] = field(default_factory=list)
    unmatched_claim: str = ""  # why a request that names a page view is not folded into it
    pseudonyms: dict[int, str] = field(default_factory=dict)  # of every member named, by id
    reveals: list[RevealShown] = field(default_factory=list)  # behind its named records, each once

    @property
    def records(self) -> list[AccessRecord]:
        return [self.record, *self.requests]

    @property
    def scope(self) -> Scope:
        return max((Scope(r.scope) for r in self.records), key=SCOPE_ORDER.index)

    @property
    def person_rows(self) -> int:
        return sum(r.person_rows for r in self.records)

    @property
    def members(self) -> list[int]:
        return sorted({member for r in self.records for member in r.members})

    @property
    def denied(self) -> list[AccessRecord]:
        return [r for r in self.records if r.outcome == AccessRecord.Outcome.DENIED]

    @property
    def named(self) -> list[AccessRecord]:
        return [r for r in self.records if r.scope == Scope.NAMED]


def _with_reveal(records: QuerySet[AccessRecord]) -> QuerySet[AccessRecord]:
    """Annotates each named record with the id of its user's latest name reveal before it."""
    latest = AccessRecord.objects.filter(
        action=AccessRecord.Action.REVEAL,
        outcome=AccessRecord.Outcome.ALLOWED,
        user_id=OuterRef("user_id"),
        occurred_at__lte=OuterRef("occurred_at"),
    ).order_by("-occurred_at", "-id")
    return records.annotate(reveal_id=Case(When(scope=Scope.NAMED, then=Subquery(latest.values("pk")[:1]))))


def reveal_is_current(record: AccessRecord, reveal: AccessRecord | None) -> bool:
    """Whether names could be visible at `record` after `reveal` (it lasts NAMES_REVEAL_MINUTES)."""
    return reveal is not None and record.occurred_at - reveal.occurred_at <= timedelta(minutes=settings.NAMES_REVEAL_MINUTES)


def page_views_fold(*, records: Iterable[AccessRecord]) -> dict[int, PageView]:
    """The page views of `records` (rows of page_view_list), by record id, with their folded
    requests (oldest first), why an unfolded claim failed, the pseudonyms of the members named
    and the reveal behind each named record. A handful of queries for a whole page."""
    views = {record.pk: PageView(record=record) for record in records}
    pages = {view.record.page_view: view for view in views.values() if view.record.part_of is None and view.record.page_view}
    folded = (
        AccessRecord.objects.filter(part_of__in=list(pages))
        .alias(folded=Exists(_page_of()))
        .filter(folded=True)
        .order_by("occurred_at", "id")
    )
    for request in _with_reveal(folded):
        pages[request.part_of].requests.append(request)

    claims = {view.record.part_of for view in views.values() if view.record.part_of is not None}
    claimed = {page.page_view: page for page in AccessRecord.objects.filter(page_view__in=claims)}
    for view in views.values():
        if view.record.part_of is not None:
            view.unmatched_claim = _claim_failure(view.record, claimed.get(view.record.part_of))

    named = [r for view in views.values() for r in view.named]
    reveals = AccessRecord.objects.in_bulk({r.reveal_id for r in named if getattr(r, "reveal_id", None)})
    pseudonyms = member_pseudonyms_get(member for view in views.values() for member in view.members)
    for view in views.values():
        view.pseudonyms = {member: pseudonyms.get(member, "") for member in view.members}
        for record in view.named:
            reveal = reveals.get(getattr(record, "reveal_id", None))
            shown = RevealShown(reveal=reveal, current=reveal_is_current(record, reveal))
            if shown not in view.reveals:
                view.reveals.append(shown)
    return views


def _claim_failure(record: AccessRecord, page: AccessRecord | None) -> str:
    if page is None:
        return "names a page view that was never recorded"
    if page.user_id is None or page.user_id != record.user_id:
        return "names another person’s page view"
    if page.part_of is not None:
        return "names a request, not a page"
    if not (page.occurred_at <= record.occurred_at <= page.occurred_at + FOLD_WINDOW):
        return "names a page view from another time"
    return ""


# --- The access log as CSV rows ------------------------------------------------------------------

ACCESS_LOG_HEADER = [
    "When (UTC)", "Username", "User id", "Action", "View", "Path", "Query parameters", "Scope",
    "Person rows shown", "Members named (count)", "Members named (pseudonyms)", "Members named (ids)",
    "Names revealed at (UTC)", "Reveal justification", "Outcome", "Status code", "Client IP", "User agent",
    "Justification", "Page view", "Folded into page view", "Unmatched page-view claim",
]


def _csv_annotated(records: QuerySet[AccessRecord]) -> QuerySet[AccessRecord]:
    return _with_reveal(records).annotate(folded=Exists(_page_of()))


def _batches(records: Iterable[AccessRecord]) -> Iterator[list[AccessRecord]]:
    batch = []
    for record in records:
        batch.append(record)
        if len(batch) == CSV_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def access_log_rows(records: QuerySet[AccessRecord]) -> Iterator[list[Any]]:
    """The header, then one row per record (every request, folded or not), streamed in batches."""
    yield ACCESS_LOG_HEADER
    for batch in _batches(_csv_annotated(records).iterator(chunk_size=CSV_BATCH)):
        pseudonyms = member_pseudonyms_get(member for record in batch for member in record.members)
        reveals = AccessRecord.objects.in_bulk({record.reveal_id for record in batch if record.reveal_id})
        for record in batch:
            reveal = reveals.get(record.reveal_id)
            yield [
                record.occurred_at.astimezone(UTC).strftime(UTC_FORMAT),
                record.username,
                record.user_id,
                record.get_action_display(),
                record.view_name,
                record.path,
                query_compact(record.query),
                record.get_scope_display(),
                record.person_rows,
                len(record.members),
                " ".join(pseudonyms.get(member) or f"(removed member {member})" for member in record.members),
                " ".join(str(member) for member in record.members),
                reveal.occurred_at.astimezone(UTC).strftime(UTC_FORMAT) if reveal else "",
                reveal.justification if reveal else "",
                record.get_outcome_display(),
                record.status_code,
                record.client_ip,
                record.user_agent,
                record.justification,
                record.page_view or "",
                record.part_of if record.folded else "",
                record.part_of if record.part_of and not record.folded else "",
            ]
