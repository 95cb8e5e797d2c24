"""Accounts: the audit log (namespace ``accounts``) and the log-in pages.

``auth_urlpatterns`` keep Django's own names without a namespace (``login``, ``logout``,
``password_reset``...), which ``LOGIN_URL`` and Django's password views use; ``chalkface/home/urls.py``
mounts them under /accounts/ as well.
"""

from __future__ import annotations

from django.urls import URLPattern, path

from chalkface.accounts import views

auth_urlpatterns: list[URLPattern] = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("second-factor/", views.second_factor, name="second_factor"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password/reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]

app_name = "accounts"
urlpatterns: list[URLPattern] = [
    path("audit/", views.audit_log, name="audit"),
]
