from django.apps import AppConfig


class WebConfig(AppConfig):
    """What every page shares: forms, the form-page shape, pagination, labels, errors, template helpers.

    It imports no domain app, so every domain app may use it."""

    name = "chalkface.web"
    label = "web"
