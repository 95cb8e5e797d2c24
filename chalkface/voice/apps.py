from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VoiceConfig(AppConfig):
    name = "chalkface.voice"
    label = "voice"
    verbose_name = _("Worker voice")

    def ready(self) -> None:
        from chalkface.voice import caches

        caches.connect()
