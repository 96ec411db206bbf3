"""The per-member activity tables (pseudonymous, or named during a reveal)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import django_tables2 as tables
from django.core.paginator import Paginator
from django.db.models import F
from django.utils.timezone import localtime

from portal.selectors import reporting_timezone_get
from usage.selectors import activity


def _ordered(field: str):
    """An order_<column> method: the column either way, ties by the table's tie_break, in SQL."""

    def order(self, queryset, is_descending):
        key = F(field).desc() if is_descending else F(field).asc()
        return queryset.order_by(key, self.tie_break), True

    return order


def _header(definition: str) -> dict:
    return {"th": {"title": definition}}


class CountColumn(tables.Column):
    """A count, right-aligned, with thousands separators like every number the portal shows."""

    def __init__(self, *args, definition: str, **kwargs):
        attrs = {"th": {"title": definition, "class": "numeric"}, "td": {"class": "numeric"}}
        super().__init__(*args, attrs=attrs, **kwargs)

    def render(self, value) -> str:
        return f"{value:,}"


PER_PAGE = 25


class MemberActivityTable(tables.Table):
    """Pseudonymous rows from `activity.member_activity_list`; every column sorts, ties by pseudonym."""

    tie_break = "pseudonym"

    pseudonym = tables.Column(
        verbose_name="Member",
        attrs=_header("A stable pseudonym: the same person always gets the same one. Names show only after a logged reveal."),
    )
    conversations_7d = CountColumn(
        verbose_name="Last 7 days",
        definition=f"Conversations created in the last 7 days: {activity.DEFINITIONS['last_7_days']}",
    )
    conversations_30d = CountColumn(
        verbose_name="Last 30 days",
        definition=f"Conversations created in the last 30 days: {activity.DEFINITIONS['last_30_days']}",
    )
    conversations_all_time = CountColumn(
        verbose_name="All time",
        definition=f"Conversations created, all time: {activity.DEFINITIONS['all_time']}",
    )
    latest_event_at = tables.Column(
        verbose_name="Last seen",
        attrs={"th": {"title": activity.DEFINITIONS["last_seen"]}, "td": {"class": "nowrap"}},
    )

    class Meta:
        template_name = "usage/table.html"
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
        return localtime(value, ZoneInfo(reporting_timezone_get())).strftime("%Y-%m-%d %H:%M")


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


class CodeMemberTable(tables.Table):
    """Pseudonymous rows from `claude_code.code_member_list` (a list: django-tables2 sorts it in Python)."""

    pseudonym = tables.Column(
        verbose_name="Member",
        attrs={**_header("A stable pseudonym: the same person always gets the same one. Names show only after a logged reveal."), "td": {"class": "nowrap"}},
    )
    sessions_7d = CountColumn(verbose_name="Sessions, 7 days", definition="Sessions on the 7 UTC dates ending on the as-of day.")
    sessions_30d = CountColumn(verbose_name="Sessions, 30 days", definition="Sessions on the 30 UTC dates ending on the as-of day.")
    sessions_all_time = CountColumn(verbose_name="Sessions, all time", definition="Sessions on every UTC date up to the as-of day.")
    lines_added_all_time = CountColumn(verbose_name="Lines added", definition="Lines added on every UTC date up to the as-of day.")
    last_active = tables.Column(
        verbose_name="Last code-active", attrs={"th": {"title": "The last UTC date the member was code-active."}, "td": {"class": "nowrap"}}
    )

    class Meta:
        template_name = "usage/table.html"
        attrs = {"class": "portal-table", "id": "code-members"}
        order_by = "-sessions_all_time"
        orderable = True
        empty_text = "No member was code-active up to this day."
        per_page = PER_PAGE

    def paginate(self, paginator_class=Paginator, per_page=None, page=1, *args, **kwargs):
        return super().paginate(paginator_class, PER_PAGE, page, *args, **kwargs)

    def render_last_active(self, value) -> str:
        return value.isoformat()


class NamedCodeMemberTable(CodeMemberTable):
    """The same rows with names and emails, while the viewer's name reveal lasts."""

    name = tables.Column(verbose_name="Name", empty_values=(), attrs=_header("The member's name, as exported."))
    email = tables.Column(verbose_name="Email", attrs=_header("The member's email address, as exported."))

    class Meta(CodeMemberTable.Meta):
        sequence = ("pseudonym", "name", "email", "...")

    def render_name(self, value) -> str:
        return value or "—"
