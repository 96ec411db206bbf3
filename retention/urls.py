from django.urls import path

from retention import views

urlpatterns = [
    path("transparency/", views.transparency, name="transparency"),
]
