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
    path("members/<int:pk>/nik/", views.person_reveal_nik, name="reveal_nik"),
    path("households/<int:pk>/kk/", views.household_reveal_kk, name="reveal_kk"),
    path("households/<int:pk>/archive/", views.household_archive_view, name="archive"),
    path("accounts/manage/poverty-lines/", views.poverty_lines, name="poverty_lines"),
    path("accounts/manage/poverty-lines/new/", views.poverty_line_form, name="poverty_line_create"),
    path("accounts/manage/poverty-lines/<int:pk>/", views.poverty_line_form, name="poverty_line_edit"),
    path("accounts/manage/kelurahan/", views.kelurahan_list, name="kelurahan_list"),
]
