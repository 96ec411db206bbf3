"""Who may see the dashboard: only logged-in users with analytics.view_dashboard."""

from __future__ import annotations

import pytest
from django.urls import reverse

from testing.fixtures import PASSWORD

DASHBOARD_URL_NAMES = [
    "dashboard-overview",
    "dashboard-conversations",
    "chart-daily-active-users",
    "chart-daily-conversations",
]

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", DASHBOARD_URL_NAMES)
def test_anonymous_visitors_are_redirected_to_the_login_page(client, name):
    url = reverse(name)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("name", DASHBOARD_URL_NAMES)
def test_importers_without_the_dashboard_permission_are_refused(client, importer, name):
    client.force_login(importer)

    response = client.get(reverse(name))

    assert response.status_code == 403


@pytest.mark.parametrize("name", DASHBOARD_URL_NAMES)
def test_usage_viewers_see_the_dashboard(client, viewer, name):
    client.force_login(viewer)

    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", DASHBOARD_URL_NAMES)
def test_superusers_see_the_dashboard(client, superuser, name):
    client.force_login(superuser)

    assert client.get(reverse(name)).status_code == 200


def test_the_refusal_page_explains_and_points_importers_to_the_uploads(client, importer):
    client.force_login(importer)

    response = client.get(reverse("dashboard-overview"))

    html = response.content.decode()
    assert "You don’t have access to this page" in html
    assert "Usage viewers" in html
    assert f'href="{reverse("uploads")}"' in html
    assert "<h1>" in html and "Usage Portal" in html  # the portal's page, not a bare 403


def test_the_refusal_page_offers_no_uploads_link_to_people_who_cannot_upload(client, django_user_model):
    nobody = django_user_model.objects.create_user(username="nobody", password="x")
    client.force_login(nobody)

    response = client.get(reverse("dashboard-overview"))

    assert response.status_code == 403
    assert reverse("uploads") not in response.content.decode()


def test_home_sends_usage_viewers_to_the_dashboard(client, viewer):
    client.force_login(viewer)

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard-overview")


def test_home_sends_importers_to_the_uploads_page(client, importer):
    client.force_login(importer)

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == reverse("uploads")


def test_home_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_non_staff_uploader_is_sent_to_the_portals_uploads_not_the_admin_it_cannot_enter(client, db):
    from django.contrib.auth.models import Permission, User

    user = User.objects.create_user(username="uploader", password=PASSWORD)
    user.user_permissions.add(Permission.objects.get(codename="view_upload"))
    client.login(username="uploader", password=PASSWORD)

    assert client.get(reverse("home"))["Location"] == reverse("uploads")
    assert client.get(reverse("uploads")).status_code == 200
    page = client.get(reverse("dashboard-overview"))
    assert page.status_code == 403
    assert reverse("admin:ingest_upload_changelist") not in page.content.decode()  # the admin it cannot enter
