from django.urls import path

from audit import reveal_views, views

urlpatterns = [
    path("dashboard/names/reveal/", reveal_views.names_reveal_view, name="names-reveal"),
    path("dashboard/names/hide/", reveal_views.names_hide_view, name="names-hide"),
    path("access-log/", views.access_log, name="access-log"),
    path("access-log.csv", views.access_log_csv, name="access-log-csv"),
]
