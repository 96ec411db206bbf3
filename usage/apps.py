"""Daily rollups and every usage figure."""

from django.apps import AppConfig


class UsageConfig(AppConfig):
    name = "usage"
    verbose_name = "Usage"

    def ready(self):
        from usage import receivers

        receivers.connect()
