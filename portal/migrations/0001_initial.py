"""The models of this app, taken over from the analytics app with their tables (analytics_*)."""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('analytics', '0005_rollout'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables exist (made by the analytics migrations); only Django's model state moves here.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='PortalSettings',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reporting_timezone', models.CharField(blank=True, help_text='Empty: REPORTING_TIMEZONE from the environment', max_length=64)),
                        ('rebuild_status', models.CharField(blank=True, max_length=20)),
                        ('rebuild_progress', models.PositiveSmallIntegerField(default=0)),
                        ('rebuild_started_at', models.DateTimeField(blank=True, null=True)),
                        ('rebuild_finished_at', models.DateTimeField(blank=True, null=True)),
                        ('rebuild_error', models.TextField(blank=True)),
                    ],
                    options={
                        'verbose_name': 'portal settings',
                        'verbose_name_plural': 'portal settings',
                        'db_table': 'analytics_portalsettings',
                    },
                ),
                migrations.CreateModel(
                    name='RetentionSettings',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('raw_events_days', models.PositiveIntegerField(default=400, help_text='Imported audit-log events, by the day they happened. Older events are also skipped on import.', validators=[django.core.validators.MinValueValidator(1)], verbose_name='raw events (days)')),
                        ('rollups_days', models.PositiveIntegerField(default=800, help_text='Daily per-member and organisation rollups behind the dashboards, by day; kept longer than events so long-term trends survive.', validators=[django.core.validators.MinValueValidator(1)], verbose_name='daily rollups (days)')),
                        ('uploads_days', models.PositiveIntegerField(default=30, help_text="Uploaded export files and their rejected-row reports, counted from when processing finished. The upload's record and counts stay.", validators=[django.core.validators.MinValueValidator(1)], verbose_name='uploaded files and reports (days)')),
                        ('exports_days', models.PositiveIntegerField(default=7, help_text='Files exported from the dashboards, counted from when they were made; a download after that answers 410 Gone.', validators=[django.core.validators.MinValueValidator(1)], verbose_name='exports (days)')),
                        ('access_log_days', models.PositiveIntegerField(default=730, help_text='Access-log records of who viewed what.', validators=[django.core.validators.MinValueValidator(1)], verbose_name='access log (days)')),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        'verbose_name': 'retention settings',
                        'verbose_name_plural': 'retention settings',
                        'db_table': 'analytics_retentionsettings',
                    },
                ),
                migrations.CreateModel(
                    name='RetentionSettingsChange',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('changed_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                        ('username', models.CharField(blank=True, max_length=150)),
                        ('changes', models.JSONField(default=dict, help_text='{field: [old, new]}')),
                        ('changed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'analytics_retentionsettingschange',
                        'ordering': ['-changed_at', '-id'],
                    },
                ),
                ],
        ),
    ]
