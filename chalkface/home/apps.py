from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The home page: for each role the user holds, what to do next."""

    name = "chalkface.home"
    label = "home"
