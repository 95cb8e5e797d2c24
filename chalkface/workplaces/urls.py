from django.urls import path

app_name = "workplaces"
urlpatterns: list = []
