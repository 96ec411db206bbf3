from django.urls import path

from notes import views

urlpatterns = [
    path("notes/", views.note_list_view, name="notes"),
    path("notes/add/", views.note_add_view, name="note-add"),
    path("notes/<int:note_id>/edit/", views.note_edit_view, name="note-edit"),
    path("notes/<int:note_id>/delete/", views.note_delete_view, name="note-delete"),
]
