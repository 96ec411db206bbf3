"""Who viewed what: the append-only access log and name reveals."""

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Access log"

    def ready(self):
        from audit import receivers

        receivers.connect()
