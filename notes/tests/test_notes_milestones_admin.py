"""Milestones in the admin, for superusers: one baseline week, enforced with a form error; the
notes and their history are read-only there (they are written on the notes page)."""

from __future__ import annotations

from django.urls import reverse

from notes.models import ChampionNoteRevision, Milestone
from notes.services import note_create, note_delete


def test_a_superuser_adds_a_milestone(client, superuser):
    client.force_login(superuser)

    response = client.post(reverse("admin:notes_milestone_add"), {"label": "Wave 2", "date": "2025-10-06"})

    assert response.status_code == 302
    assert Milestone.objects.get().label == "Wave 2"


def test_a_second_baseline_is_a_form_error_not_an_integrity_error(client, superuser):
    Milestone.objects.create(label="Week before launch", date="2025-09-01", is_baseline=True)
    client.force_login(superuser)

    response = client.post(
        reverse("admin:notes_milestone_add"), {"label": "Another", "date": "2025-10-06", "is_baseline": "on"}
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["is_baseline"] == [
        "There is one baseline week, and it is already set: “Week before launch (2025-09-01, baseline)”. "
        "Untick “baseline week” on that milestone first, or leave it unticked here."
    ]
    assert Milestone.objects.count() == 1


def test_the_baseline_itself_can_be_changed(client, superuser):
    baseline = Milestone.objects.create(label="Week before launch", date="2025-09-01", is_baseline=True)
    client.force_login(superuser)

    response = client.post(
        reverse("admin:notes_milestone_change", args=[baseline.pk]),
        {"label": "Baseline week", "date": "2025-09-02", "is_baseline": "on"},
    )

    assert response.status_code == 302
    assert Milestone.objects.get().label == "Baseline week"


def test_deleted_notes_stay_readable_in_the_revisions_admin(client, superuser):
    note = note_create(user=superuser, date="2025-09-02", text="SSO outage")
    note_delete(note=note, user=superuser)
    client.force_login(superuser)

    response = client.get(reverse("admin:notes_championnoterevision_changelist"))

    assert response.status_code == 200
    assert "SSO outage" in response.content.decode()
    assert ChampionNoteRevision.objects.get().deleted is True
