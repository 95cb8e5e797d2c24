"""The home page, and the log-in pages under /accounts/.

The log-in pages keep Django's own URL names (``login``, ``logout``, ``password_reset``...) without a
namespace, because ``LOGIN_URL`` and Django's password-reset views refer to them by those names. The
rest of /accounts/ (the audit log) is in the ``accounts`` namespace (``chalkface/accounts/urls.py``).
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from chalkface.accounts.urls import auth_urlpatterns
from chalkface.home import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("accounts/", include(auth_urlpatterns)),
]
