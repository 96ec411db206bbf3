"""Who viewed what: the append-only access log and name reveals."""

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Access log"

    def ready(self):
        from django.db.models.signals import post_migrate

        from audit import db, receivers

        receivers.connect()
        # A changed RETENTION_FLOOR_ACCESS_LOG_DAYS reaches the database's guards at the next migrate.
        post_migrate.connect(db.access_log_guards_refresh, sender=self, dispatch_uid="audit.access_log_guards_refresh")
