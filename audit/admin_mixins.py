"""Admin classes whose pages say what they showed, for the access log (audit.middleware).

Every app's admin builds on these, so no admin page about people is left out of the log."""

from django.contrib import admin

from audit.services import access_note
from portal.models import Scope


class AccessNotedAdmin(admin.ModelAdmin):
    """Says what a list, change page or history showed, for the access log (audit.middleware).

    `access_scope` is what the pages show about people; `access_members` the member ids one
    object shows (and a row with none is not about a person).
    """

    access_scope = Scope.NONE

    def access_scope_for(self, request) -> Scope:
        """What this request's pages show about people (an admin may depend on a reveal)."""
        return self.access_scope

    def access_members(self, obj) -> list[int]:
        return []

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        # list() fills the page's queryset cache, which the template then reads: no second query.
        self._access_note(request, list(changelist.result_list) if changelist else [])
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = (getattr(response, "context_data", None) or {}).get("original")
        self._access_note(request, [obj] if obj is not None else [])
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        obj = (getattr(response, "context_data", None) or {}).get("object")
        self._access_note(request, [obj] if obj is not None else [])
        return response

    def _access_note(self, request, objects: list) -> None:
        scope = self.access_scope_for(request)
        if scope == Scope.NONE:
            access_note(request, scope=Scope.NONE)
            return
        shown = [members for members in map(self.access_members, objects) if members]
        access_note(
            request,
            scope=scope,
            person_rows=len(shown),
            members=[member for members in shown for member in members] if scope == Scope.NAMED else [],
        )


class ReadOnlyAdmin(AccessNotedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
