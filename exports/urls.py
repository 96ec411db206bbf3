from django.urls import path

from exports import views

urlpatterns = [
    path("dashboard/export/", views.export_create_view, name="export-create"),
    path("exports/<int:export_id>/", views.export_detail, name="export-detail"),
    path("exports/<int:export_id>/status.json", views.export_status, name="export-status"),
    path("exports/<int:export_id>/download/", views.export_download, name="export-download"),
]
