"""The access log in the admin: read-only for everyone, superusers included."""

from datetime import UTC

from django.contrib import admin

from audit.admin_mixins import ReadOnlyAdmin
from audit.models import AccessRecord


@admin.register(AccessRecord)
class AccessRecordAdmin(ReadOnlyAdmin):
    """The access log, read-only for everyone, superusers included: it is append-only."""

    list_display = ["when_utc", "username", "action", "view_name", "scope", "person_rows", "outcome", "status_code"]
    list_filter = ["action", "scope", "outcome"]
    search_fields = ["username", "path"]
    show_full_result_count = False
    readonly_fields = ["when_utc"]
    fields = [
        "when_utc", "user_id", "username", "action", "view_name", "path", "query", "scope", "person_rows", "members",
        "outcome", "status_code", "justification", "client_ip", "user_agent",
    ]

    @admin.display(description="when (UTC)", ordering="occurred_at")
    def when_utc(self, record: AccessRecord) -> str:
        # The admin would show the reporting timezone; the log's times are UTC everywhere.
        return record.occurred_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions
