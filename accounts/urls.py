from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views
from accounts.forms import LoginForm

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    # Administration (admin role)
    path("manage/", views.admin_home, name="admin_home"),
    path("manage/opds/", views.opd_list, name="opd_list"),
    path("manage/opds/new/", views.opd_form, name="opd_create"),
    path("manage/opds/<int:pk>/", views.opd_form, name="opd_edit"),
    path("manage/users/", views.user_list, name="user_list"),
    path("manage/users/new/", views.user_create_view, name="user_create"),
    path("manage/users/<int:pk>/", views.user_edit, name="user_edit"),
    path("manage/users/<int:pk>/reset-link/", views.user_reset_link, name="user_reset_link"),
    path("manage/users/<int:pk>/unlock/", views.user_unlock_view, name="user_unlock"),
]
