from django.urls import path

from dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("dashboard/", views.dashboard, name="index"),
    path("dashboard/cohort/", views.cohort, name="cohort"),
    path("dashboard/check/", views.check, name="check"),
    path("dashboard/recount/", views.recount, name="recount"),
]
