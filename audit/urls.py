from django.urls import path

from audit import views

urlpatterns = [
    path("dashboard/names/reveal/", views.names_reveal_view, name="names-reveal"),
    path("dashboard/names/hide/", views.names_hide_view, name="names-hide"),
    path("access-log/", views.access_log, name="access-log"),
    path("access-log.csv", views.access_log_csv, name="access-log-csv"),
]
