from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "chalkface.conversations"
    verbose_name = "Conversations"

    def ready(self) -> None:
        # The evidence brief shows each conversation's opinion map; it learns of them here, so that the
        # insight layer needs no import of this app.
        from chalkface.conversations.brief import parts_for
        from chalkface.insights.brief import BRIEF_PARTS

        if parts_for not in BRIEF_PARTS:
            BRIEF_PARTS.append(parts_for)
