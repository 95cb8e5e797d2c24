from __future__ import annotations

from django.urls import URLPattern, path

from chalkface.governance import views

app_name = "governance"
urlpatterns: list[URLPattern] = [
    path("workplaces/<slug:slug>/", views.workplace, name="workplace"),
    path("workplaces/<slug:slug>/agreement/", views.agreement, name="agreement"),
    path("workplaces/<slug:slug>/agreement/review/", views.review, name="review"),
    path("workplaces/<slug:slug>/agreement/<str:item>/<str:side>/", views.position, name="position"),
    path("tools/<slug:slug>/versions/<int:pk>/", views.version, name="version"),
    path("tools/<slug:slug>/versions/<int:pk>/safety/<str:code>/", views.safety, name="safety"),
    path("tools/<slug:slug>/versions/<int:pk>/data/", views.data_practice, name="data_practice"),
    path("deployments/<int:pk>/record/", views.deployment_record, name="deployment_record"),
    path("deployments/<int:pk>/atrs.<str:fmt>", views.atrs, name="atrs"),
]
