"""The access-log table of the auditors' page."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.timezone import localtime

from portal.spreadsheets import query_compact

ACCESS_LOG_PER_PAGE = 50
USER_AGENT_SHOWN = 40


def _by(*fields: str) -> tuple[str, ...]:
    """A column's sort key, ties by time then id, so pages stay stable; ?sort=-x reverses all."""
    return (*fields, "occurred_at", "id")


class AccessRecordTable(tables.Table):
    """The access log (audit.selectors.access_record_list), newest first; times in UTC.

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
        template_name = "audit/access_log_table.html"
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
