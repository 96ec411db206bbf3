from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

admin.site.site_header = "Usage Portal"
admin.site.site_title = "Usage Portal"
admin.site.index_title = "Administration"

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("portal.urls")),
    path("", include("usage.urls")),
    path("", include("audit.urls")),
    path("", include("ingest.urls")),
    path("", include("notes.urls")),
    path("", include("exports.urls")),
    path("", include("retention.urls")),
]
