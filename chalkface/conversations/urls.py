"""URLs of conversations; included at the site root.

Participants: ``/c/<campaign>/talk/<id>/`` (access code), ``/o/<token>/talk/<id>/`` (open link), then
``/talk/<id>/`` (its cookie is scoped to this path). Owners: under ``/campaigns/<campaign>/conversations/``
and ``/conversations/<id>/``.
"""

from django.urls import path

from chalkface.conversations import views

app_name = "conversations"
urlpatterns = [
    path("c/<slug:slug>/talk/<int:pk>/", views.code_entry, name="code_entry"),
    path("o/<str:token>/talk/<int:pk>/", views.open_entry, name="open_entry"),
    path("talk/<int:pk>/", views.vote, name="vote"),
    path("talk/<int:pk>/add/", views.add, name="add"),
    path("campaigns/<slug:slug>/conversations/", views.campaign_conversations, name="list"),
    path("conversations/<int:pk>/", views.manage, name="manage"),
    path("conversations/<int:pk>/seed/", views.seed, name="seed"),
    path("conversations/<int:pk>/settings/", views.settings_change, name="settings"),
    path("conversations/<int:pk>/statements/<int:statement_id>/", views.moderate, name="moderate"),
    path("conversations/<int:pk>/import/", views.import_votes, name="import"),
    path("conversations/<int:pk>/votes.csv", views.export_votes, name="export"),
    path("conversations/<int:pk>/report/", views.report_page, name="report"),
]
