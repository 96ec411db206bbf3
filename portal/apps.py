"""Settings, privacy rules, roles and the page frame every app uses."""

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from portal import db, receivers

        receivers.connect()
        # The append-only tables: SQLite's triggers ask each connection (portal.db), and a
        # two-role PostgreSQL's migrate grants the app role its privileges.
        connection_created.connect(db.sqlite_functions_register, dispatch_uid="portal.sqlite_functions")
        post_migrate.connect(db.app_role_grant, sender=self, dispatch_uid="portal.app_role_grant")
