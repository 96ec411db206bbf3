"""Champion notes: dated notes about the rollout, read by dashboard viewers, written by champions.
No usage figures and nothing about members: the pages note Scope.NONE for the access log."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from audit.services import access_note
from notes.models import ChampionNote
from notes.selectors import note_list, note_revision_list
from notes.services import (
    ABOUT_EVENTS,
    note_change_check,
    note_create,
    note_delete,
    note_text_check,
    note_update,
)
from people.models import Team
from portal.models import Scope
from portal.roles import DASHBOARD_PERMISSION

NOTE_READ_PERMISSIONS = ("notes.view_championnote", DASHBOARD_PERMISSION)


class NoteForm(forms.Form):
    date = forms.DateField(
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={"invalid": "Enter the date as YYYY-MM-DD, for example 2025-09-05."},
        help_text="The day it happened; the note marks this day on every trend chart.",
    )
    text = forms.CharField(
        max_length=ChampionNote._meta.get_field("text").max_length,
        widget=forms.TextInput(attrs={"size": 60, "placeholder": "MCP servers enabled"}),
        help_text=ABOUT_EVENTS + " Email addresses are refused.",
    )
    team = forms.ModelChoiceField(
        Team.objects.all(), required=False, empty_label="Whole organisation", help_text="Only if it concerned one team."
    )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        try:
            note_text_check(text=text)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error
        return text


@login_required
def note_list_view(request):
    if not any(request.user.has_perm(permission) for permission in NOTE_READ_PERMISSIONS):
        raise PermissionDenied
    access_note(request, scope=Scope.NONE)
    return render(request, "notes/notes.html", {"notes": note_list(), "about_events": ABOUT_EVENTS})


@login_required
@permission_required("notes.add_championnote", raise_exception=True)
def note_add_view(request):
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        note_create(user=request.user, **form.cleaned_data)
        messages.success(request, "The note is added; it shows on the trend charts.")
        return redirect("notes")
    access_note(request, scope=Scope.NONE)
    return render(
        request,
        "notes/notes_form.html",
        {"form": form, "about_events": ABOUT_EVENTS},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@permission_required("notes.change_championnote", raise_exception=True)
def note_edit_view(request, note_id: int):
    note = get_object_or_404(ChampionNote.objects.select_related("team", "created_by"), pk=note_id)
    note_change_check(note=note, user=request.user)
    initial = {"date": note.date, "text": note.text, "team": note.team}
    form = NoteForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        note_update(note=note, user=request.user, **form.cleaned_data)
        messages.success(request, "The note is saved; its previous version is kept in its history.")
        return redirect("notes")
    access_note(request, scope=Scope.NONE)
    return render(
        request,
        "notes/notes_form.html",
        {"form": form, "note": note, "revisions": note_revision_list(note=note), "about_events": ABOUT_EVENTS},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
@permission_required("notes.delete_championnote", raise_exception=True)
def note_delete_view(request, note_id: int):
    note = get_object_or_404(ChampionNote, pk=note_id)
    note_delete(note=note, user=request.user)
    access_note(request, scope=Scope.NONE)
    messages.success(request, "The note is deleted; its last version is kept in the notes history.")
    return redirect("notes")
