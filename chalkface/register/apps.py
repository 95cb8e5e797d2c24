from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "chalkface.register"
    label = "register"
