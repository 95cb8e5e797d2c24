"""URLs of the voice app; included at the site root by ``chalkface/urls.py``.

Respondent pages are short and carry no code: ``/c/<campaign>/`` (access codes), ``/o/<token>/`` (open
links) and ``/thanks/``. Campaign pages for owners and reps live under ``/campaigns/``.
"""

from django.urls import path

from chalkface.voice import views

app_name = "voice"
urlpatterns = [
    # Respondents: no account, no cookie.
    path("c/<slug:slug>/", views.start, name="start"),
    path("c/<slug:slug>/checkin/", views.code_checkin, name="code_checkin"),
    path("c/<slug:slug>/report/", views.code_report, name="code_report"),
    path("o/<str:token>/", views.open_checkin, name="open_checkin"),
    path("o/<str:token>/report/", views.open_report, name="open_report"),
    path("thanks/", views.thanks, name="thanks"),
    # Campaign owners and reps.
    path("campaigns/", views.campaigns, name="campaigns"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<slug:slug>/", views.campaign_detail, name="campaign"),
    path("campaigns/<slug:slug>/edit/", views.campaign_edit, name="campaign_edit"),
    path("campaigns/<slug:slug>/sharing/", views.campaign_sharing, name="campaign_sharing"),
    path("campaigns/<slug:slug>/codes/", views.codes_generate, name="codes_generate"),
    path("campaigns/<slug:slug>/codes/<int:batch_id>/revoke/", views.batch_revoke, name="batch_revoke"),
    path("campaigns/<slug:slug>/links/", views.link_create, name="link_create"),
    path("campaigns/<slug:slug>/links/<int:link_id>/close/", views.link_close, name="link_close"),
    path("campaigns/<slug:slug>/incidents/", views.incidents, name="incidents"),
    path("campaigns/<slug:slug>/incidents.json", views.incidents_export, name="incidents_export"),
    path("campaigns/<slug:slug>/incidents/new/", views.rep_report, name="rep_report"),
    path("campaigns/<slug:slug>/import/", views.import_responses, name="import"),
    path("incidents/<uuid:pk>/", views.incident_detail, name="incident"),
]
