from django.urls import path

from ingest import views

urlpatterns = [
    path("uploads/<int:upload_id>/status.json", views.upload_status, name="upload-status"),
    path("uploads/<int:upload_id>/rejected.csv", views.upload_rejected_report, name="upload-rejected-report"),
]
