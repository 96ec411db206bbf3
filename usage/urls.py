from django.urls import path

from usage import charts, views

urlpatterns = [
    path("dashboard/", views.dashboard_overview, name="dashboard-overview"),
    path("dashboard/conversations/", views.dashboard_conversations, name="dashboard-conversations"),
    path("dashboard/rollout/", views.dashboard_rollout, name="dashboard-rollout"),
    path("dashboard/claude-code/", views.dashboard_claude_code, name="dashboard-claude-code"),
    path("dashboard/charts/code-active-users.json", charts.CodeDailyActiveUsersChart.as_view(), name="chart-code-active-users"),
    path("dashboard/charts/code-sessions.json", charts.CodeDailySessionsChart.as_view(), name="chart-code-sessions"),
    path("dashboard/charts/code-weekly-active-users.json", charts.CodeWeeklyActiveUsersChart.as_view(), name="chart-code-weekly-active-users"),
    path("dashboard/charts/code-weekly-sessions.json", charts.CodeWeeklySessionsChart.as_view(), name="chart-code-weekly-sessions"),
    path("dashboard/charts/support-tickets.json", charts.TicketDailyChart.as_view(), name="chart-support-tickets"),
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
    path("data-health/", views.data_health, name="data-health"),
    path("data-health/charts/<int:source>.json", charts.SourceRecordsChart.as_view(), name="chart-source-records"),
]
