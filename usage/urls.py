from django.urls import path

from usage import charts, views

urlpatterns = [
    path("dashboard/", views.dashboard_overview, name="dashboard-overview"),
    path("dashboard/conversations/", views.dashboard_conversations, name="dashboard-conversations"),
    path("dashboard/rollout/", views.dashboard_rollout, name="dashboard-rollout"),
    path("dashboard/claude-code/", views.dashboard_claude_code, name="dashboard-claude-code"),
    path("dashboard/charts/code-active-users.json", charts.CodeDailyActiveUsersChart.as_view(), name="chart-code-active-users"),
    path("dashboard/charts/code-sessions.json", charts.CodeDailySessionsChart.as_view(), name="chart-code-sessions"),
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
]
