"""`python manage.py migrate_as_owner [migrate's arguments]`: migrate as the owner role of a two-role
PostgreSQL deployment (docs/deploy-postgresql-roles.md).

The default connection logs in with MIGRATION_DATABASE_URL's credentials for this command only, so
every migration, data migrations included, runs as the owner; at the end migrate grants the app
role of DATABASE_URL its privileges (portal.db.app_role_grant)."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

OWNER_ALIAS = "migrations"


class Command(BaseCommand):
    help = "Run migrate as the owner role (MIGRATION_DATABASE_URL); the app role then gets its grants."

    def add_arguments(self, parser):
        parser.add_argument("migrate_args", nargs="*", help="passed on to migrate (app label, migration name)")

    def handle(self, *args, migrate_args=(), **options):
        if OWNER_ALIAS not in settings.DATABASES:
            raise CommandError("Set MIGRATION_DATABASE_URL to the owner role (docs/deploy-postgresql-roles.md).")
        owner, default = settings.DATABASES[OWNER_ALIAS], connections["default"]
        if owner["NAME"] != default.settings_dict["NAME"]:
            raise CommandError("MIGRATION_DATABASE_URL and DATABASE_URL must name the same database.")
        login = ("USER", "PASSWORD", "HOST", "PORT", "OPTIONS")
        app = {key: default.settings_dict[key] for key in login}
        default.close()
        default.settings_dict.update({key: owner[key] for key in login})
        try:
            call_command("migrate", *migrate_args, interactive=False, verbosity=options["verbosity"])
        finally:
            # Logged in as the app again: whatever runs after this command in the process is not the owner.
            default.close()
            default.settings_dict.update(app)
