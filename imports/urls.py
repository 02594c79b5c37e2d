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
    path("imports/<int:pk>/reconcile/", views.batch_reconcile, name="batch_reconcile"),
    path("imports/reconciliation/", views.reconciliation_list, name="reconciliations"),
    path("imports/reconciliation/start/", views.reconciliation_start, name="reconciliation_start"),
    path("imports/reconciliation/<int:pk>/", views.reconciliation, name="reconciliation"),
    path("imports/reconciliation/<int:pk>/decide/", views.reconciliation_decide, name="reconciliation_decide"),
    path("imports/reconciliation/<int:pk>/export/", views.reconciliation_export, name="reconciliation_export"),
]
