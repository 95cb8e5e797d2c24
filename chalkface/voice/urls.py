"""URLs of the voice app; included at the site root by ``chalkface/urls.py``.

Respondent pages are short and carry no code: ``/c/<campaign>/`` (access codes), ``/o/<token>/`` (open
links) and ``/thanks/``. Campaign pages for owners and reps live under ``/campaigns/``.
"""

from django.urls import path

from chalkface.voice.views import campaigns, incidents, respondent

app_name = "voice"
urlpatterns = [
    # Respondents: no account, no cookie.
    path("c/<slug:slug>/", respondent.start, name="start"),
    path("c/<slug:slug>/checkin/", respondent.code_checkin, name="code_checkin"),
    path("c/<slug:slug>/report/", respondent.code_report, name="code_report"),
    path("o/<str:token>/", respondent.open_checkin, name="open_checkin"),
    path("o/<str:token>/report/", respondent.open_report, name="open_report"),
    path("thanks/", respondent.thanks, name="thanks"),
    # Campaign owners and reps.
    path("campaigns/", campaigns.campaigns, name="campaigns"),
    path("campaigns/new/", campaigns.campaign_create, name="campaign_create"),
    path("campaigns/<slug:slug>/", campaigns.campaign_detail, name="campaign"),
    path("campaigns/<slug:slug>/edit/", campaigns.campaign_edit, name="campaign_edit"),
    path("campaigns/<slug:slug>/sharing/", campaigns.campaign_sharing, name="campaign_sharing"),
    path("campaigns/<slug:slug>/codes/", campaigns.codes_generate, name="codes_generate"),
    path("campaigns/<slug:slug>/codes/<int:batch_id>/revoke/", campaigns.batch_revoke, name="batch_revoke"),
    path("campaigns/<slug:slug>/links/", campaigns.link_create, name="link_create"),
    path("campaigns/<slug:slug>/links/<int:link_id>/close/", campaigns.link_close, name="link_close"),
    path("campaigns/<slug:slug>/incidents/", incidents.incidents, name="incidents"),
    path("campaigns/<slug:slug>/incidents.json", incidents.incidents_export, name="incidents_export"),
    path("campaigns/<slug:slug>/incidents/new/", incidents.rep_report, name="rep_report"),
    path("incidents/<uuid:pk>/", incidents.incident_detail, name="incident"),
]
