from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("imports/", views.batch_list, name="list"),
    path("imports/new/", views.upload, name="upload"),
    path("imports/template.xlsx", views.template, name="template"),
    path("imports/<int:pk>/", views.detail, name="detail"),
    path("imports/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("imports/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("imports/<int:pk>/errors.xlsx", views.error_report, name="errors"),
]
