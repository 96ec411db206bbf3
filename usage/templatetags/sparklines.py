"""{% sparkline points %}: a small inline SVG line of a card's last days (no script, no style
attribute, so the CSP holds). None points (hidden days) break the line."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()

WIDTH, HEIGHT = 100, 24


@register.simple_tag
def sparkline(points: list[int | float | None]) -> str:
    shown = [p for p in points if p is not None]
    if len(points) < 2 or not shown:
        return ""
    top = max(shown) or 1
    step = WIDTH / (len(points) - 1)
    runs: list[list[str]] = [[]]
    for n, value in enumerate(points):
        if value is None:
            runs.append([])
            continue
        runs[-1].append(f"{n * step:.1f},{HEIGHT - 1 - value / top * (HEIGHT - 2):.1f}")
    lines = format_html_join("", '<polyline points="{}"/>', ((" ".join(run),) for run in runs if len(run) > 1))
    return format_html(
        '<svg class="sparkline" viewBox="0 0 {} {}" preserveAspectRatio="none" aria-hidden="true" focusable="false">{}</svg>',
        WIDTH, HEIGHT, lines,
    )
