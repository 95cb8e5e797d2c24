"""The workplace pages (namespace ``workplaces``): organisations and their context, part of the register."""

from __future__ import annotations

from django.urls import URLPattern, path

from chalkface.register import workplace_views as views

app_name = "workplaces"
urlpatterns: list[URLPattern] = [
    path("", views.workplace_list, name="list"),
    path("<slug:slug>/", views.workplace_detail, name="detail"),
    path("<slug:slug>/edit/", views.workplace_edit, name="edit"),
]
