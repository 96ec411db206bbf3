"""Filters for the access log's cells."""

from django import template

from portal.spreadsheets import query_compact

register = template.Library()

USER_AGENT_SHOWN = 40


@register.filter
def query_string(query: dict) -> str:
    """A record's query parameters as "?a=1&b=2", empty ones left out."""
    return query_compact(query)


@register.filter
def short_agent(user_agent: str) -> str:
    return user_agent if len(user_agent) <= USER_AGENT_SHOWN else f"{user_agent[:USER_AGENT_SHOWN]}…"


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key)
