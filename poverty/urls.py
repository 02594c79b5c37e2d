from django.contrib import admin
from django.urls import include, path

from cases.views import home
from poverty.views import service_worker

admin.site.site_header = "Sistem Kasus Kemiskinan Ekstrem — Kota Palangka Raya"
admin.site.site_title = "Admin Kemiskinan Ekstrem"

urlpatterns = [
    path("", home, name="home"),
    # The field app's service worker, at the root so that it may serve the field page (cases:offline) offline.
    path("sw.js", service_worker, name="service_worker"),
    path("accounts/", include("accounts.urls")),
    path("", include("cases.urls")),
    path("", include("households.urls")),
    path("", include("interventions.urls")),
    path("", include("audit.urls")),
    path("", include("imports.urls")),
    path("", include("coordination.urls")),
    path("", include("dashboard.urls")),
    path("", include("jobs.urls")),
    path("", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
