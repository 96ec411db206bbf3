"""The access-log table of the auditors' page: one row per page view (audit.selectors.page_view_list),
its chart and table requests as details, five columns that fit a laptop screen."""

from __future__ import annotations

import django_tables2 as tables

from audit.selectors import page_views_fold

ACCESS_LOG_PER_PAGE = 50


def _by(*fields: str) -> tuple[str, ...]:
    """A column's sort key, ties by time then id, so pages stay stable; ?sort=-x reverses all."""
    return (*fields, "occurred_at", "id")


def _cell(label: str, **attrs) -> dict:
    # data-label: the heading each cell shows on a narrow screen, where rows become cards.
    return {"td": {"data-label": label, **attrs}}


class AccessRecordTable(tables.Table):
    """Page views, newest first; times in UTC. What a row shows sums up its page and its requests.

    Paged with LazyPaginator: no COUNT(*) over a log that grows with every page view.
    """

    occurred_at = tables.TemplateColumn(
        template_name="audit/cells/when.html", verbose_name="When (UTC)", order_by=("occurred_at", "id"),
        attrs=_cell("When (UTC)", **{"class": "nowrap"}),
    )
    username = tables.TemplateColumn(
        template_name="audit/cells/who.html", verbose_name="Who", order_by=_by("username"), attrs=_cell("Who")
    )
    view_name = tables.TemplateColumn(
        template_name="audit/cells/what.html", verbose_name="What", order_by=_by("view_name", "path"), attrs=_cell("What")
    )
    scope = tables.TemplateColumn(
        template_name="audit/cells/shown.html", verbose_name="What it showed", orderable=False, attrs=_cell("What it showed")
    )
    outcome = tables.TemplateColumn(
        template_name="audit/cells/outcome.html", verbose_name="Outcome", orderable=False, attrs=_cell("Outcome")
    )

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

    def fold_page(self) -> None:
        """Gives each record of the current page its page view (`record.fold`), after paging."""
        records = [row.record for row in self.page.object_list]
        folds = page_views_fold(records=records)
        for record in records:
            record.fold = folds[record.pk]

    @property
    def page_span(self) -> tuple[int, int]:
        """The first and last row number on this page (LazyPaginator has no total count)."""
        first = (self.page.number - 1) * self.paginator.per_page
        return first + 1, first + len(self.page.object_list)
