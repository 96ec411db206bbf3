from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from portal.views import admin_login, health

admin.site.site_header = "Usage Portal"
admin.site.site_title = "Usage Portal"
admin.site.index_title = "Administration"
admin.site.login = admin_login  # people without admin rights are sent to the portal, with a word

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("healthz", health, name="health"),
    # For clients that ask for /favicon.ico whatever the page says (the admin's pages say nothing).
    path("favicon.ico", RedirectView.as_view(url=static("portal/img/favicon.svg"), permanent=True), name="favicon"),
    path("", include("portal.urls")),
    path("", include("usage.urls")),
    path("", include("audit.urls")),
    path("", include("ingest.urls")),
    path("", include("notes.urls")),
    path("", include("exports.urls")),
    path("", include("retention.urls")),
]
