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
                    name='AccessRecord',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('occurred_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='when (UTC)')),
                        ('user_id', models.IntegerField(blank=True, null=True)),
                        ('username', models.CharField(blank=True, max_length=150)),
                        ('action', models.CharField(choices=[('view', 'View'), ('reveal', 'Reveal names'), ('hide', 'Hide names'), ('export', 'Export'), ('login_failed', 'Failed login'), ('locked_out', 'Locked out')], default='view', max_length=20)),
                        ('view_name', models.CharField(blank=True, max_length=200, verbose_name='view')),
                        ('path', models.CharField(blank=True, max_length=2000)),
                        ('query', models.JSONField(blank=True, default=dict, verbose_name='query parameters')),
                        ('scope', models.CharField(choices=[('none', 'No usage data'), ('aggregate', 'Aggregate'), ('pseudonymous', 'Pseudonymous'), ('named', 'Named')], default='none', max_length=20)),
                        ('person_rows', models.PositiveIntegerField(default=0, verbose_name='person rows shown')),
                        ('members', models.JSONField(blank=True, default=list, help_text='Ids of the members shown by name', verbose_name='members named')),
                        ('outcome', models.CharField(choices=[('allowed', 'Allowed'), ('denied', 'Denied')], default='allowed', max_length=10)),
                        ('status_code', models.PositiveSmallIntegerField(blank=True, null=True)),
                        ('justification', models.TextField(blank=True)),
                        ('client_ip', models.GenericIPAddressField(blank=True, null=True)),
                        ('user_agent', models.CharField(blank=True, max_length=500)),
                    ],
                    options={
                        'db_table': 'analytics_accessrecord',
                        'ordering': ['-occurred_at', '-id'],
                        'indexes': [models.Index(fields=['username', 'occurred_at'], name='access_username_when')],
                    },
                ),
                ],
        ),
    ]
