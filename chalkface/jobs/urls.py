from django.urls import path

from chalkface.jobs import views

app_name = "jobs"
urlpatterns = [path("<uuid:pk>/", views.job, name="job")]
