from django.urls import path

from households import views

app_name = "households"

urlpatterns = [
    path("households/new/", views.household_create, name="create"),
    path("households/<int:pk>/edit/", views.household_edit, name="edit"),
    path("households/<int:pk>/status/", views.household_status, name="status"),
    path("households/<int:pk>/members/new/", views.member_add, name="member_add"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("members/<int:pk>/move/", views.member_move, name="member_move"),
    path("households/<int:pk>/visits/new/", views.visit_add, name="visit_add"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="visit_edit"),
]
