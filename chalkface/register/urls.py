from __future__ import annotations

from django.urls import URLPattern, path
from django.views.generic import RedirectView

from chalkface.register import views

app_name = "register"
urlpatterns: list[URLPattern] = [
    path("", RedirectView.as_view(pattern_name="register:tools"), name="index"),
    path("suppliers/", views.supplier_list, name="suppliers"),
    path("suppliers/new/", views.supplier_create, name="supplier_create"),
    path("suppliers/<slug:slug>/", views.supplier_detail, name="supplier"),
    path("suppliers/<slug:slug>/edit/", views.supplier_edit, name="supplier_edit"),
    path("tools/", views.tool_list, name="tools"),
    path("tools/new/", views.tool_create, name="tool_create"),
    path("tools/<slug:slug>/", views.tool_detail, name="tool"),
    path("tools/<slug:slug>/edit/", views.tool_edit, name="tool_edit"),
    path("tools/<slug:slug>/versions/new/", views.version_create, name="version_create"),
    path("tools/<slug:slug>/versions/<int:pk>/edit/", views.version_edit, name="version_edit"),
    path("deployments/", views.deployment_list, name="deployments"),
    path("deployments/new/<slug:workplace>/", views.deployment_create, name="deployment_create"),
    path("deployments/<int:pk>/edit/", views.deployment_edit, name="deployment_edit"),
    path("deployments/<int:pk>/end/", views.deployment_end, name="deployment_end"),
]
