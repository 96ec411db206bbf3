"""The admin of notes: milestones for superusers (one baseline at most); notes and their
revisions read-only (they are written on the notes page).
"""

from django import forms
from django.contrib import admin

from audit.admin_mixins import ReadOnlyAdmin
from notes.models import ChampionNote, ChampionNoteRevision, Milestone


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["label", "date", "is_baseline"]

    def clean_is_baseline(self):
        is_baseline = self.cleaned_data["is_baseline"]
        other = Milestone.objects.filter(is_baseline=True).exclude(pk=self.instance.pk).first()
        if is_baseline and other is not None:
            raise forms.ValidationError(
                f"There is one baseline week, and it is already set: “{other}”. "
                "Untick “baseline week” on that milestone first, or leave it unticked here."
            )
        return is_baseline


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    """Dated points of the rollout, drawn on every trend chart; one may be the baseline week.
    No group holds these permissions: superusers keep them."""

    form = MilestoneForm
    list_display = ["date", "label", "is_baseline"]


@admin.register(ChampionNote)
class ChampionNoteAdmin(ReadOnlyAdmin):
    """Read-only: notes are written on the portal's notes page, which keeps every earlier version."""

    list_display = ["date", "text", "team", "created_by", "updated_at"]
    list_select_related = ["team", "created_by"]
    search_fields = ["text"]


@admin.register(ChampionNoteRevision)
class ChampionNoteRevisionAdmin(ReadOnlyAdmin):
    """Earlier versions of notes, and the last version of deleted ones."""

    list_display = ["replaced_at", "replaced_by", "date", "text", "team_name", "deleted", "note"]
    list_filter = ["deleted"]
    list_select_related = ["replaced_by", "note"]
    search_fields = ["text"]
