from django.urls import path

from jobs import views

app_name = "jobs"

urlpatterns = [
    path("unduhan/", views.job_list, name="list"),
    path("unduhan/<int:pk>/", views.detail, name="detail"),
    path("unduhan/<int:pk>/status/", views.status, name="status"),
    path("unduhan/<int:pk>/berkas/", views.download, name="download"),
    path("unduhan/<int:pk>/ulang/", views.retry, name="retry"),
]
