"""The models of this app, taken over from the analytics app with their tables (analytics_*)."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('analytics', '0005_rollout'),
    ]

    operations = [
        # The tables exist (made by the analytics migrations); only Django's model state moves here.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='PurgeReceipt',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('started_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('trigger', models.CharField(choices=[('schedule', 'Schedule'), ('user', 'User')], max_length=10)),
                        ('triggered_by', models.CharField(blank=True, help_text='Who ran it by hand', max_length=150)),
                        ('dry_run', models.BooleanField(default=False)),
                        ('status', models.CharField(choices=[('running', 'Running'), ('succeeded', 'Succeeded'), ('failed', 'Failed')], default='running', max_length=10)),
                        ('settings_in_force', models.JSONField(default=dict, help_text='The retention periods used, in days')),
                        ('cutoffs', models.JSONField(default=dict, help_text='Per category, the instant before which data was purged')),
                        ('deleted', models.JSONField(default=dict, help_text='Per category, rows and files deleted (or that would be, in a dry run)')),
                        ('errors', models.JSONField(blank=True, default=list)),
                    ],
                    options={
                        'db_table': 'analytics_purgereceipt',
                        'ordering': ['-started_at', '-id'],
                    },
                ),
                ],
        ),
    ]
