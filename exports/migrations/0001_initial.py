"""The models of this app, taken over from the analytics app with their tables (analytics_*)."""

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
                    name='Export',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                        ('username', models.CharField(blank=True, max_length=150)),
                        ('view', models.CharField(help_text='The dashboard view exported', max_length=50)),
                        ('format', models.CharField(choices=[('csv', 'CSV'), ('xlsx', 'Excel (XLSX)')], max_length=10)),
                        ('parameters', models.JSONField(blank=True, default=dict, help_text='As-of day, sort and the like')),
                        ('scope', models.CharField(choices=[('none', 'No usage data'), ('aggregate', 'Aggregate'), ('pseudonymous', 'Pseudonymous'), ('named', 'Named')], default='aggregate', max_length=20)),
                        ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], default='queued', max_length=10)),
                        ('progress', models.PositiveSmallIntegerField(default=0)),
                        ('file', models.FileField(blank=True, upload_to='exports/%Y/%m/')),
                        ('rows', models.PositiveIntegerField(default=0)),
                        ('error', models.TextField(blank=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('expires_at', models.DateTimeField(help_text='After this the file is deleted and downloads answer 410 Gone')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'analytics_export',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                ],
        ),
    ]
