from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "chalkface.insights"
    verbose_name = "Insight"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from chalkface.insights import precomputed
        from chalkface.insights.tasks import compute_figures

        # pages too large to compute during a view hand their figures to the task worker
        precomputed.ENQUEUE[:] = [compute_figures.enqueue]
