from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "chalkface.accounts"
    label = "accounts"
