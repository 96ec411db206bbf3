from django.urls import path

from analytics import views

urlpatterns = [
    path("", views.home, name="home"),
    path("uploads/<int:upload_id>/status.json", views.upload_status, name="upload-status"),
]
