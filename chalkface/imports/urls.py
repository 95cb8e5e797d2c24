from django.urls import path

from chalkface.imports import views

app_name = "imports"
urlpatterns = [
    path("campaigns/<slug:slug>/import/", views.import_responses, name="responses"),
]
