"""Settings, privacy rules, roles and the page frame every app uses."""

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        from portal import receivers

        receivers.connect()
