from django.apps import AppConfig


class ImportsConfig(AppConfig):
    """Data people bring from other systems: the schools register and survey responses, read by one table
    reader, checked row by row, and saved atomically."""

    name = "chalkface.imports"
    label = "imports"
