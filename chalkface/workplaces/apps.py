from django.apps import AppConfig


class WorkplacesConfig(AppConfig):
    name = "chalkface.workplaces"
    label = "workplaces"
