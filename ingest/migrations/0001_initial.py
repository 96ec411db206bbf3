"""The models of this app, taken over from the analytics app with their tables (analytics_*)."""

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
                    name='Event',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('occurred_at', models.DateTimeField(help_text='UTC instant')),
                        ('event', models.CharField(help_text='Event name as exported', max_length=100)),
                        ('entity_type', models.CharField(blank=True, max_length=50)),
                        ('entity_id', models.CharField(blank=True, max_length=100)),
                        ('client_platform', models.CharField(blank=True, help_text='web, desktop, mobile or other', max_length=20)),
                        ('dedupe_key', models.CharField(max_length=32, unique=True)),
                    ],
                    options={
                        'db_table': 'analytics_event',
                    },
                ),
                migrations.CreateModel(
                    name='Upload',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('file', models.FileField(upload_to='uploads/%Y/%m/')),
                        ('original_name', models.CharField(blank=True, max_length=255)),
                        ('size_bytes', models.BigIntegerField(default=0)),
                        ('detected_format', models.CharField(blank=True, max_length=20)),
                        ('status', models.CharField(choices=[('queued', 'Queued'), ('processing', 'Processing'), ('done', 'Done'), ('failed', 'Failed')], db_index=True, default='queued', max_length=20)),
                        ('progress', models.PositiveSmallIntegerField(default=0, help_text='Percent of the file read')),
                        ('rows_read', models.PositiveIntegerField(default=0)),
                        ('rows_imported', models.PositiveIntegerField(default=0, help_text='Events stored from this file')),
                        ('rows_duplicate', models.PositiveIntegerField(default=0, help_text='Events already stored before')),
                        ('rows_rejected', models.PositiveIntegerField(default=0)),
                        ('rows_too_old', models.PositiveIntegerField(default=0, help_text='Events older than the raw-event retention period, skipped', verbose_name='rows older than retention')),
                        ('unknown_events', models.JSONField(blank=True, default=dict, help_text='Event names not in the documented list, with counts')),
                        ('rejected_sample', models.JSONField(blank=True, default=list, help_text='The first rejected rows: line and reason')),
                        ('rejected_report', models.FileField(blank=True, upload_to='rejected/%Y/%m/')),
                        ('error', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('started_at', models.DateTimeField(blank=True, null=True)),
                        ('heartbeat_at', models.DateTimeField(blank=True, null=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('attempts', models.PositiveSmallIntegerField(default=0)),
                    ],
                    options={
                        'db_table': 'analytics_upload',
                        'ordering': ['-created_at'],
                    },
                ),
                ],
        ),
    ]
