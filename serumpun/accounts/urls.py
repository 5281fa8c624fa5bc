from django.contrib.auth import views as auth_views
from django.urls import path

from serumpun.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("settings/", views.account_settings, name="settings"),
    path("2fa/", views.two_factor, name="two_factor"),
]
