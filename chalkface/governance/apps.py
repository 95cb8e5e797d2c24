from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "chalkface.governance"
    label = "governance"
