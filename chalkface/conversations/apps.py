from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "chalkface.conversations"
    verbose_name = "Conversations"
