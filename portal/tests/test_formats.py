"""One date format and one number format everywhere, the admin's pages included."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.template import Context, Template


def test_dates_times_and_numbers_render_one_way():
    rendered = Template("{{ day }} | {{ at }} | {{ day|date }} | {{ n|floatformat:'0g' }}").render(
        Context({"day": date(2026, 12, 3), "at": datetime(2026, 12, 3, 17, 5, tzinfo=ZoneInfo("UTC")), "n": 3633})
    )

    assert rendered == "2026-12-03 | 2026-12-03 17:05 | 2026-12-03 | 3,633"
