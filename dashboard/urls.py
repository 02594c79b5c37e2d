from django.urls import path

from dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("dashboard/", views.dashboard, name="index"),
    path("dashboard/cohort/", views.cohort, name="cohort"),
    path("dashboard/check/", views.check, name="check"),
    path("dashboard/recount/", views.recount, name="recount"),
    path("dashboard/official-at/", views.official_at, name="official_at"),
    path("dashboard/quarterly/", views.quarterly_list, name="quarterly"),
    path("dashboard/quarterly/<int:year>/<int:number>/make/", views.quarterly_make, name="quarterly_make"),
    path("dashboard/quarterly/<int:year>/<int:number>/", views.quarterly_print, name="quarterly_print"),
]
