from django.urls import path

from analytics import charts, views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard_overview, name="dashboard-overview"),
    path("dashboard/conversations/", views.dashboard_conversations, name="dashboard-conversations"),
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
    path("uploads/<int:upload_id>/status.json", views.upload_status, name="upload-status"),
    path("uploads/<int:upload_id>/rejected.csv", views.upload_rejected_report, name="upload-rejected-report"),
]
