"""Account pages: sign-in and out, password reset, invitations, settings, two-factor."""

from django.contrib.auth import views as auth_views
from django.urls import path

from serumpun.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/done/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="registration/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path(
        "invitation/<str:token>/",
        views.accept_invitation,
        name="accept_invitation",
    ),
    path("invite/", views.invite, name="invite"),
    path("settings/", views.account_settings, name="settings"),
    path(
        "settings/language/",
        views.set_language_preference,
        name="set_language_preference",
    ),
    path("settings/tokens/", views.create_token, name="create_token"),
    path(
        "settings/tokens/<int:token_id>/revoke/",
        views.revoke_token,
        name="revoke_token",
    ),
    path("2fa/", views.two_factor, name="two_factor"),
]
