from django.urls import path

from analytics import access_log_views, charts, export_views, health_views, notes_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("transparency/", views.transparency, name="transparency"),
    path("dashboard/", views.dashboard_overview, name="dashboard-overview"),
    path("dashboard/conversations/", views.dashboard_conversations, name="dashboard-conversations"),
    path("dashboard/rollout/", views.dashboard_rollout, name="dashboard-rollout"),
    path("dashboard/charts/weekly.json", charts.WeeklyChart.as_view(), name="chart-weekly"),
    path(
        "dashboard/charts/daily-active-users.json",
        charts.DailyActiveUsersChart.as_view(),
        name="chart-daily-active-users",
    ),
    path(
        "dashboard/charts/daily-conversations.json",
        charts.DailyConversationsChart.as_view(),
        name="chart-daily-conversations",
    ),
    path(
        "dashboard/charts/conversation-distribution.json",
        charts.ConversationDistributionChart.as_view(),
        name="chart-conversation-distribution",
    ),
    path("dashboard/names/reveal/", views.names_reveal_view, name="names-reveal"),
    path("dashboard/names/hide/", views.names_hide_view, name="names-hide"),
    path("dashboard/export/", export_views.export_create_view, name="export-create"),
    path("exports/<int:export_id>/", export_views.export_detail, name="export-detail"),
    path("exports/<int:export_id>/status.json", export_views.export_status, name="export-status"),
    path("exports/<int:export_id>/download/", export_views.export_download, name="export-download"),
    path("uploads/<int:upload_id>/status.json", views.upload_status, name="upload-status"),
    path("uploads/<int:upload_id>/rejected.csv", views.upload_rejected_report, name="upload-rejected-report"),
    path("access-log/", access_log_views.access_log, name="access-log"),
    path("access-log.csv", access_log_views.access_log_csv, name="access-log-csv"),
    path("notes/", notes_views.note_list_view, name="notes"),
    path("notes/add/", notes_views.note_add_view, name="note-add"),
    path("notes/<int:note_id>/edit/", notes_views.note_edit_view, name="note-edit"),
    path("notes/<int:note_id>/delete/", notes_views.note_delete_view, name="note-delete"),
    path("data-health/", health_views.data_health, name="data-health"),
]
