from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("households/", views.registry, name="registry"),
    path("households/export/", views.registry_export, name="registry_export"),
    path("households/<int:pk>/", views.detail, name="detail"),
    path("my-work/", views.my_work, name="my_work"),
    path("offline/", views.offline, name="offline"),
    path("offline/session/", views.offline_session, name="offline_session"),
]
