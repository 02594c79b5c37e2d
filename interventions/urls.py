from django.urls import path

from interventions import views

app_name = "interventions"

urlpatterns = [
    path("households/<int:pk>/interventions/new/", views.intervention_create, name="create"),
    path(
        "households/<int:pk>/interventions/delivered/",
        views.intervention_create_delivered,
        name="create_delivered",
    ),
    path("interventions/<int:pk>/edit/", views.intervention_edit, name="edit"),
    path("interventions/<int:pk>/status/", views.intervention_status, name="status"),
    path("interventions/", views.intervention_list, name="list"),
    path("interventions/export/", views.intervention_export, name="export"),
    path("interventions/bulk/", views.intervention_bulk, name="bulk"),
    path("accounts/manage/programs/", views.program_list, name="program_list"),
    path("accounts/manage/programs/new/", views.program_form, name="program_create"),
    path("accounts/manage/programs/<int:pk>/", views.program_form, name="program_edit"),
]
