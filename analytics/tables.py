"""The dashboard's per-member tables and the access log's table. Sorting and paging happen in the database.

Member rows are the dicts of analytics.selectors.usage.member_activity_list. The pseudonymous table has
no name or email column, so it cannot be sorted by them either (django-tables2 ignores a ?sort=
for a column the table does not have); the named table adds both.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import django_tables2 as tables
from django.core.paginator import Paginator
from django.db.models import F
from django.utils.html import format_html
from django.utils.timezone import localtime

from analytics.exports import query_compact
from analytics.selectors import usage


def _ordered(field: str):
    """An order_<column> method: the column either way, ties by the table's tie_break, in SQL."""

    def order(self, queryset, is_descending):
        key = F(field).desc() if is_descending else F(field).asc()
        return queryset.order_by(key, self.tie_break), True

    return order


def _header(definition: str) -> dict:
    return {"th": {"title": definition}}


class CountColumn(tables.Column):
    def __init__(self, *args, definition: str, **kwargs):
        attrs = {"th": {"title": definition, "class": "numeric"}, "td": {"class": "numeric"}}
        super().__init__(*args, attrs=attrs, **kwargs)


PER_PAGE = 25


class MemberActivityTable(tables.Table):
    """Pseudonymous rows from `usage.member_activity_list`; every column sorts, ties by pseudonym."""

    tie_break = "pseudonym"

    pseudonym = tables.Column(
        verbose_name="Member",
        attrs=_header("A stable pseudonym: the same person always gets the same one. Names show only after a logged reveal."),
    )
    conversations_7d = CountColumn(
        verbose_name="Last 7 days",
        definition=f"Conversations created in the last 7 days: {usage.DEFINITIONS['last_7_days']}",
    )
    conversations_30d = CountColumn(
        verbose_name="Last 30 days",
        definition=f"Conversations created in the last 30 days: {usage.DEFINITIONS['last_30_days']}",
    )
    conversations_all_time = CountColumn(
        verbose_name="All time",
        definition=f"Conversations created, all time: {usage.DEFINITIONS['all_time']}",
    )
    latest_event_at = tables.Column(
        verbose_name="Last seen",
        attrs={"th": {"title": usage.DEFINITIONS["last_seen"]}, "td": {"class": "nowrap"}},
    )

    class Meta:
        template_name = "analytics/table.html"
        attrs = {"class": "portal-table", "id": "member-activity"}
        order_by = "-conversations_all_time"
        orderable = True
        empty_text = "No member has any activity up to this day."
        per_page = PER_PAGE

    order_pseudonym = _ordered("pseudonym")
    order_conversations_7d = _ordered("conversations_7d")
    order_conversations_30d = _ordered("conversations_30d")
    order_conversations_all_time = _ordered("conversations_all_time")
    order_latest_event_at = _ordered("latest_event_at")

    def paginate(self, paginator_class=Paginator, per_page=None, page=1, *args, **kwargs):
        # Always PER_PAGE: django-tables2 would otherwise take ?per_page= from anyone, up to every member.
        return super().paginate(paginator_class, PER_PAGE, page, *args, **kwargs)

    def render_latest_event_at(self, value) -> str:
        return localtime(value, ZoneInfo(usage.reporting_timezone())).strftime("%Y-%m-%d %H:%M")


class NamedMemberActivityTable(MemberActivityTable):
    """The same rows with names and emails, while the viewer's name reveal lasts; ties by email."""

    tie_break = "email"

    name = tables.Column(verbose_name="Name", empty_values=(), attrs=_header("The member's name, as exported."))
    email = tables.Column(verbose_name="Email", attrs=_header("The member's email address, as exported."))

    class Meta(MemberActivityTable.Meta):
        sequence = ("pseudonym", "name", "email", "...")

    order_name = _ordered("name")
    order_email = _ordered("email")

    def render_name(self, value) -> str:
        return value or "—"


ACCESS_LOG_PER_PAGE = 50
USER_AGENT_SHOWN = 40


def _by(*fields: str) -> tuple[str, ...]:
    """A column's sort key, ties by time then id, so pages stay stable; ?sort=-x reverses all."""
    return (*fields, "occurred_at", "id")


class AccessRecordTable(tables.Table):
    """The access log (analytics.selectors.access_log.access_record_list), newest first; times in UTC.

    Paged with LazyPaginator: no COUNT(*) over a log that grows with every page view.
    """

    occurred_at = tables.Column(verbose_name="When (UTC)", order_by=("occurred_at", "id"), attrs={"td": {"class": "nowrap"}})
    username = tables.Column(verbose_name="Who", order_by=_by("username"), empty_values=())
    action = tables.Column(verbose_name="Action", order_by=_by("action"))
    view_name = tables.Column(verbose_name="What", order_by=_by("view_name", "path"), empty_values=())
    scope = tables.Column(verbose_name="Scope", order_by=_by("scope"))
    person_rows = tables.Column(
        verbose_name="Person rows", order_by=_by("person_rows"), attrs={"th": {"class": "numeric"}, "td": {"class": "numeric"}}
    )
    members = tables.Column(verbose_name="Members named", orderable=False, empty_values=())
    outcome = tables.Column(verbose_name="Outcome", order_by=_by("outcome", "status_code"))
    client_ip = tables.Column(verbose_name="Client IP", order_by=_by("client_ip"), attrs={"td": {"class": "nowrap"}})
    user_agent = tables.Column(verbose_name="User agent", orderable=False)
    justification = tables.Column(verbose_name="Justification", orderable=False)

    class Meta:
        template_name = "analytics/access_log_table.html"
        attrs = {"class": "portal-table access-log-table", "id": "access-log"}
        order_by = "-occurred_at"
        orderable = True
        empty_text = "No access records match these filters."
        per_page = ACCESS_LOG_PER_PAGE

    def paginate(self, paginator_class=tables.LazyPaginator, per_page=None, page=1, *args, **kwargs):
        # Always lazy and 50 a page, whatever ?per_page= says.
        return super().paginate(tables.LazyPaginator, ACCESS_LOG_PER_PAGE, page, *args, **kwargs)

    @property
    def page_span(self) -> tuple[int, int]:
        """The first and last record number on this page (LazyPaginator has no total count)."""
        first = (self.page.number - 1) * self.paginator.per_page
        return first + 1, first + len(self.page.object_list)

    def render_occurred_at(self, value) -> str:
        return localtime(value, ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M:%S")

    def render_username(self, record):
        user_id = format_html(' <span class="quiet">#{}</span>', record.user_id) if record.user_id is not None else ""
        return format_html("{}{}", record.username or "anonymous", user_id)

    def render_action(self, record) -> str:
        return record.get_action_display()

    def render_view_name(self, record):
        return format_html(
            '<span class="access-view">{}</span><code class="access-path">{}{}</code>',
            record.view_name or "—",
            record.path,
            query_compact(record.query),
        )

    def render_scope(self, record) -> str:
        return record.get_scope_display()

    def render_members(self, value):
        if not value:
            return "0"
        return format_html('{} <span class="quiet">({})</span>', len(value), ", ".join(str(member) for member in value))

    def render_outcome(self, record):
        status = f" ({record.status_code})" if record.status_code is not None else ""
        return format_html('<span class="outcome-{}">{}</span>{}', record.outcome, record.get_outcome_display(), status)

    def render_user_agent(self, value):
        if len(value) <= USER_AGENT_SHOWN:
            return value
        return format_html('<span title="{}">{}…</span>', value, value[:USER_AGENT_SHOWN])
