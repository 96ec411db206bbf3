"""The access log is append-only: the model refuses changes and deletes, and so does the admin, for everyone."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from audit.models import AccessLogIsAppendOnly, AccessRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(db) -> AccessRecord:
    return AccessRecord.objects.create(username="alice", view_name="dashboard-overview", path="/dashboard/")


def test_a_queryset_update_is_refused(record):
    with pytest.raises(AccessLogIsAppendOnly):
        AccessRecord.objects.update(username="mallory")
    with pytest.raises(AccessLogIsAppendOnly):
        AccessRecord.objects.filter(pk=record.pk).update(justification="edited")

    assert AccessRecord.objects.get().username == "alice"


def test_a_queryset_delete_is_refused(record):
    with pytest.raises(AccessLogIsAppendOnly):
        AccessRecord.objects.all().delete()
    with pytest.raises(AccessLogIsAppendOnly):
        AccessRecord.objects.filter(pk=record.pk).delete()

    assert AccessRecord.objects.count() == 1


def test_saving_a_record_again_is_refused(record):
    record.username = "mallory"

    with pytest.raises(AccessLogIsAppendOnly):
        record.save()

    assert AccessRecord.objects.get().username == "alice"


def test_deleting_a_record_is_refused(record):
    with pytest.raises(AccessLogIsAppendOnly):
        record.delete()

    assert AccessRecord.objects.filter(pk=record.pk).exists()


def test_the_admin_grants_no_add_change_or_delete_even_to_superusers(superuser, record):
    model_admin = admin.site._registry[AccessRecord]
    request = RequestFactory().get("/")
    request.user = superuser

    assert model_admin.has_view_permission(request, record)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, record)
    assert not model_admin.has_delete_permission(request, record)
    assert "delete_selected" not in model_admin.get_actions(request)


def test_the_admin_list_offers_no_add_link_and_no_delete_action(client, superuser, record):
    client.force_login(superuser)

    response = client.get(reverse("admin:audit_accessrecord_changelist"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "alice" in html
    assert "delete_selected" not in html
    assert 'name="action"' not in html
    assert reverse("admin:audit_accessrecord_add") not in html


def test_the_admin_list_filters_and_searches(client, superuser, record):
    AccessRecord.objects.create(username="bob", path="/dashboard/conversations/", outcome="denied")
    client.force_login(superuser)

    def shown(query):
        return {r.username for r in client.get(reverse("admin:audit_accessrecord_changelist"), query).context["cl"].result_list}

    assert shown({"outcome__exact": "denied"}) == {"bob"}
    assert shown({"q": "conversations"}) == {"bob"}
    assert shown({"q": "alice"}) == {"alice"}


def test_the_change_page_is_a_read_only_view(client, superuser, record):
    client.force_login(superuser)

    response = client.get(reverse("admin:audit_accessrecord_change", args=[record.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "View access record" in html
    assert 'name="_save"' not in html
    assert 'name="username"' not in html  # shown as text, not as an input
    assert reverse("admin:audit_accessrecord_delete", args=[record.pk]) not in html


def test_posting_a_change_is_refused(client, superuser, record):
    client.force_login(superuser)

    response = client.post(
        reverse("admin:audit_accessrecord_change", args=[record.pk]), {"username": "mallory", "_save": "Save"}
    )

    assert response.status_code == 403
    assert AccessRecord.objects.get(pk=record.pk).username == "alice"


def test_posting_a_delete_is_refused(client, superuser, record):
    client.force_login(superuser)

    response = client.post(reverse("admin:audit_accessrecord_delete", args=[record.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert AccessRecord.objects.filter(pk=record.pk).exists()


def test_the_bulk_delete_action_is_refused(client, superuser, record):
    client.force_login(superuser)

    client.post(
        reverse("admin:audit_accessrecord_changelist"),
        {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"},
    )

    assert AccessRecord.objects.filter(pk=record.pk).exists()


def test_the_add_page_is_refused(client, superuser):
    client.force_login(superuser)

    assert client.get(reverse("admin:audit_accessrecord_add")).status_code == 403

