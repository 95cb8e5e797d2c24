from django.apps import AppConfig


class WorkplacesConfig(AppConfig):
    """Organisations (workplaces, trusts, local authorities, unions and their branches) and how they nest:
    the model every other app builds on. Their pages and changes belong to the register."""

    name = "chalkface.workplaces"
    label = "workplaces"
