from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "chalkface.insights"
    verbose_name = "Insight"
    default_auto_field = "django.db.models.BigAutoField"
