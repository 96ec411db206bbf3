from django.urls import path

from ingest import views

urlpatterns = [
    path("uploads/", views.upload_list_view, name="uploads"),
    path("uploads/new/", views.upload_add_view, name="upload-add"),
    path("uploads/<int:upload_id>/", views.upload_detail_view, name="upload-detail"),
    path("uploads/<int:upload_id>/status.json", views.upload_status, name="upload-status"),
    path("uploads/<int:upload_id>/rejected.csv", views.upload_rejected_report, name="upload-rejected-report"),
]
