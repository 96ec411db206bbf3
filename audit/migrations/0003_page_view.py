"""Each access record gets its request's page-view id and the page view it says it belongs to
(audit/middleware.py, audit.selectors.page_views_fold).

Nullable columns without a default: ALTER TABLE ADD COLUMN on both databases, so no row is
rewritten, no UPDATE trigger fires, and the table is not rebuilt (a rebuild on SQLite would drop
its append-only triggers). The PostgreSQL grants are per table and cover the new columns."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_access_log_guards"),
    ]

    operations = [
        migrations.AddField(
            model_name="accessrecord",
            name="page_view",
            field=models.UUIDField(blank=True, db_index=True, null=True, verbose_name="page view"),
        ),
        migrations.AddField(
            model_name="accessrecord",
            name="part_of",
            field=models.UUIDField(blank=True, db_index=True, null=True, verbose_name="part of page view"),
        ),
    ]
