"""The figure cache: every figure a page, chart, export or API shows, computed once per data version.

- The data version (portal.models.DataVersion, one row) is a random token that
  `data_version_bump` replaces inside the transaction of every change a figure may depend on:
  imports, purges, the roster and its groups, settings, notes and milestones, rollup rebuilds. It
  lives in the database, so every web server and worker sees a bump the moment its data commits,
  whatever cache backend (settings.CACHES) holds the figures. A request reads it once
  (DataVersionMiddleware); a task or command reads it per call.
- `@figure_cached` keys a selector's result by the version, the selector's qualified name, its
  keyword arguments (dates, timezones, groups; a Viewer by its scope) and the privacy settings in
  force (the minimum group size). The selectors apply the privacy rules, so what is cached is
  already what that scope may see; an aggregate viewer's key never matches an individual-detail
  viewer's. Results for a viewer who sees names are never cached (no names outside the database),
  and a call with an argument that has no stable key (a queryset, a model instance) is computed.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import inspect
import logging
import uuid
from contextvars import ContextVar
from datetime import date, datetime, time
from enum import Enum
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone as django_timezone

from portal import privacy
from portal.models import DataVersion
from portal.signals import data_version_bumped

logger = logging.getLogger(__name__)

# The version a request read (a dict per request, empty until the first figure asks).
request_memo: ContextVar[dict | None] = ContextVar("figure_cache_request", default=None)

# More parts of the version, from the apps above (which portal may not import): each a callable
# returning a short string, registered in their AppConfig.ready(). people adds its population
# counts, which change with a bulk write that bypassed the bump (as people.selectors.groups_hidden_get
# notices), so no figure of a group now hidden is served from before.
version_parts: list = []


def version_part_register(part) -> None:
    if part not in version_parts:
        version_parts.append(part)


class Uncacheable(Exception):
    """An argument with no stable key: the call is computed, not cached."""


def data_version_get() -> str:
    memo = request_memo.get()
    if memo is not None and "token" in memo:
        return memo["token"]
    token = DataVersion.objects.filter(pk=1).values_list("token", flat=True).first() or ""
    token = ":".join([token or "-", *(part() for part in version_parts)])
    if memo is not None:
        memo["token"] = token
    return token


def data_version_bump(*, reason: str) -> str:
    """A new data version, visible to everyone when the caller's transaction commits (and to the
    caller at once). `reason` names the kind of change ("import", "roster", "settings", ...);
    data_version_bumped carries it to the apps above (usage warms the cache after an import)."""
    token = uuid.uuid4().hex
    fields = {"token": token, "reason": reason[:50], "changed_at": django_timezone.now()}
    if not DataVersion.objects.filter(pk=1).update(**fields):
        DataVersion.objects.update_or_create(pk=1, defaults=fields)
    memo = request_memo.get()
    if memo is not None:
        memo.pop("token", None)
    data_version_bumped.send(sender=DataVersion, reason=reason)
    return token


def _key_part(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, (bool, int, float, str)):
        return repr(value)
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, privacy.Viewer):
        if value.sees_names:
            raise Uncacheable("names are never cached")
        return f"viewer:{value.scope.value}"
    if dataclasses.is_dataclass(value) and not isinstance(value, type) and value.__dataclass_params__.frozen:
        # A value such as people.groups.Group: its class and fields.
        fields = tuple(getattr(value, field.name) for field in dataclasses.fields(value))
        return f"{type(value).__qualname__}{_key_part(fields)}"
    if isinstance(value, (list, tuple, frozenset, set)):
        parts = [_key_part(item) for item in value]
        return "(" + ",".join(sorted(parts) if isinstance(value, (set, frozenset)) else parts) + ")"
    raise Uncacheable(type(value).__name__)


def figure_key(function, kwargs: dict, *, version: str, today: bool = False) -> str:
    """The cache key of `function(**kwargs)` under `version`. Raises Uncacheable."""
    parts = [f"{name}={_key_part(value)}" for name, value in sorted(kwargs.items())]
    parts.append(f"k={privacy.min_group_size()}")
    if today:
        zone = ZoneInfo(kwargs.get("timezone") or "UTC")
        now = django_timezone.now()
        parts.append(f"today={now.astimezone(zone).date().isoformat()},{now.date().isoformat()}")
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]
    return f"figure:{version}:{function.__module__}.{function.__qualname__}:{digest}"


_MISSING = object()


def figure_cached(function=None, *, today: bool = False):
    """Cache a selector's result per data version, keyed by its keyword arguments.

    `today=True` for a figure that also depends on the current date (freshness against today).
    The result must pickle (plain values, dataclasses, lists); positional arguments are computed.
    """

    def decorate(function):
        # A call that leaves out an argument and one that passes its default share a key.
        defaults = {
            name: parameter.default
            for name, parameter in inspect.signature(function).parameters.items()
            if parameter.default is not inspect.Parameter.empty
        }

        @functools.wraps(function)
        def cached(*args, **kwargs):
            if args or not settings.FIGURE_CACHE:
                return function(*args, **kwargs)
            try:
                key = figure_key(function, {**defaults, **kwargs}, version=data_version_get(), today=today)
            except Uncacheable:
                return function(**kwargs)
            try:
                value = cache.get(key, _MISSING)
            except Exception:  # a cache that is down slows pages, it never breaks them
                logger.warning("figure cache unreadable", exc_info=True)
                return function(**kwargs)
            if value is _MISSING:
                value = function(**kwargs)
                try:
                    cache.set(key, value, timeout=settings.FIGURE_CACHE_SECONDS)
                except Exception:
                    logger.warning("figure cache unwritable", exc_info=True)
            return value

        cached.uncached = function
        return cached

    return decorate(function) if function is not None else decorate
