from django.urls import path

from chalkface.insights import views

app_name = "insights"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("tools/<slug:slug>/", views.tool, name="tool"),
    path("tools/<slug:slug>/themes/", views.find_themes, name="themes"),
    path("tools/<slug:slug>/compare/", views.compare, name="compare"),
    path("tools/<slug:slug>/brief/", views.brief, name="brief"),
    path("workplaces/<slug:slug>/", views.workplace, name="workplace"),
    path("campaigns/<slug:slug>/incident-themes/", views.incident_themes, name="incident_themes"),
    path("open-data/", views.open_data, name="open_data"),
    path("workforce-margins/", views.margins, name="margins"),
    path("files/<uuid:pk>/", views.job_file, name="job_file"),
    path("alerts/", views.alert_list, name="alerts"),
    path("alerts/subscribe/", views.subscribe, name="subscribe"),
    path("alerts/<int:pk>/read/", views.alert_read, name="alert_read"),
]
