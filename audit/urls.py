from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("audit/", views.changes, name="changes"),
    path("audit/access/", views.access, name="access"),
]
