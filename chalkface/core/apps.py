from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "chalkface.core"
    label = "core"
