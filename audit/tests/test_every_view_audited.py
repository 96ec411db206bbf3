"""Every request that reads or creates data about members is in the access log: every route is
audited unless it is on a short allow-list of pages that show nothing about people."""

from __future__ import annotations

from datetime import date

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from audit.middleware import NOT_AUDITED
from audit.models import AccessRecord
from notes.models import ChampionNote
from people.models import Member


def route_names(patterns=None, namespace: str = "") -> set[str]:
    names = set()
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            names |= route_names(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def test_the_allow_list_is_short_names_real_routes_and_says_why():
    assert len(NOT_AUDITED) <= 10
    assert set(NOT_AUDITED) <= route_names()
    assert all(len(reason) > 5 for reason in NOT_AUDITED.values())


def test_every_other_route_is_audited():
    from django.urls import resolve

    from audit.middleware import is_audited

    for name in sorted(route_names() - set(NOT_AUDITED)):
        try:
            path = reverse(name)
        except Exception:  # routes with parameters: audited by name, whatever the parameters
            continue
        assert is_audited(resolve(path)), name


def logged(client, path: str, method: str = "get", **data) -> list[AccessRecord]:
    before = AccessRecord.objects.count()
    getattr(client, method)(path, data)
    return list(AccessRecord.objects.order_by("-id")[: AccessRecord.objects.count() - before])


def test_the_pages_the_issue_found_unlogged_are_logged(client, superuser, small_groups_allowed):
    Member.objects.create(email="mara.okafor@example.com", name="Mara Okafor")
    note = ChampionNote.objects.create(date=date(2025, 9, 1), text="Office hours")
    client.force_login(superuser)
    for path, query in [
        ("/admin/", {}),
        ("/admin/autocomplete/", {"app_label": "notes", "model_name": "championnote", "field_name": "team", "term": "Ma"}),
        (reverse("transparency"), {}),
        (reverse("notes"), {}),
        (reverse("note-edit", args=[note.pk]), {}),
    ]:
        assert len(logged(client, path, **query)) == 1, path
    export = logged(client, reverse("export-create"), method="post", view="overview", format="csv", as_of="2025-09-05")
    assert len(export) == 1 and export[0].view_name == "export-create"


def test_a_page_with_member_data_is_never_cached(client, viewer):
    client.force_login(viewer)

    response = client.get(reverse("dashboard-overview"))

    assert "no-store" in response["Cache-Control"]
