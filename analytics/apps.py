from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = "Usage analytics"

    def ready(self):
        from analytics import signals

        signals.connect()
