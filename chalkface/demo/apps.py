from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Synthetic data in the database: loading ``chalkface synth`` output, and the demo's log-ins."""

    name = "chalkface.demo"
    label = "demo"
