import getpass

from django.core.management.base import BaseCommand, CommandError

from retention.models import PurgeReceipt
from retention.services import retention_purge


class Command(BaseCommand):
    help = "Delete the data past its retention period now, and print the purge receipt."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would be deleted; delete nothing.")

    def handle(self, *args, dry_run, **options):
        receipt = retention_purge(dry_run=dry_run, trigger=PurgeReceipt.Trigger.USER, triggered_by=_os_user())
        done = "would be deleted" if dry_run else "deleted"
        self.stdout.write(f"Purge receipt {receipt.pk}{' (dry run)' if dry_run else ''}: {receipt.get_status_display()}")
        self.stdout.write("Settings: " + ", ".join(f"{field} {days}" for field, days in receipt.settings_in_force.items()))
        for category, counts in receipt.deleted.items():
            cutoff = receipt.cutoffs[category]
            kept = cutoff.get("rule") or f"kept from {cutoff['oldest_day_kept']} ({cutoff['first_instant_kept']})"
            self.stdout.write(f"  {category}: {counts['rows']} rows, {counts['files']} files {done}; {kept}")
        for error in receipt.errors:
            self.stderr.write(f"  error{' in ' + error['category'] if error['category'] else ''}: {error['error']}")
        if receipt.status != PurgeReceipt.Status.SUCCEEDED:
            raise CommandError(f"The purge failed (receipt {receipt.pk}).")


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in this environment
        return "command line"
