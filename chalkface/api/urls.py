"""``/api/v1/`` (the API, namespace ``api``) and ``/api/tokens/`` (managing one's API tokens)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from chalkface.api import views
from chalkface.api.api import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("v1/", api.urls),
    path("tokens/", views.tokens, name="api_tokens"),
    path("tokens/<int:pk>/revoke/", views.revoke, name="api_token_revoke"),
]
