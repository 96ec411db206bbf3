"""The models of this app, taken over from the analytics app with their tables (analytics_*)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('analytics', '0005_rollout'),
        ('people', '0001_initial'),
    ]

    operations = [
        # The tables exist (made by the analytics migrations); only Django's model state moves here.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='DailyTotal',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('timezone', models.CharField(max_length=64)),
                        ('day', models.DateField()),
                        ('active_users', models.PositiveIntegerField(default=0)),
                        ('events', models.PositiveIntegerField(default=0)),
                        ('conversations', models.PositiveIntegerField(default=0)),
                        ('projects', models.PositiveIntegerField(default=0)),
                        ('files', models.PositiveIntegerField(default=0)),
                    ],
                    options={
                        'db_table': 'analytics_dailytotal',
                        'constraints': [models.UniqueConstraint(fields=('timezone', 'day'), name='daily_total_unique_day')],
                    },
                ),
                migrations.CreateModel(
                    name='DailyActivity',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('timezone', models.CharField(max_length=64)),
                        ('day', models.DateField()),
                        ('events', models.PositiveIntegerField(default=0)),
                        ('conversations', models.PositiveIntegerField(default=0)),
                        ('projects', models.PositiveIntegerField(default=0)),
                        ('files', models.PositiveIntegerField(default=0)),
                        ('last_event_at', models.DateTimeField()),
                        ('member', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='daily_activity', to='people.member')),
                    ],
                    options={
                        'verbose_name_plural': 'daily activity',
                        'db_table': 'analytics_dailyactivity',
                        'permissions': [('view_dashboard', 'Can view the usage dashboard'), ('view_member_detail', 'Can see per-member usage (pseudonymous until names are revealed)')],
                        'indexes': [models.Index(fields=['timezone', 'day'], name='activity_tz_day'), models.Index(fields=['timezone', 'member', 'day'], name='activity_tz_member_day')],
                    },
                ),
                migrations.CreateModel(
                    name='MemberTotal',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('timezone', models.CharField(max_length=64)),
                        ('first_day', models.DateField()),
                        ('last_day', models.DateField()),
                        ('last_event_at', models.DateTimeField()),
                        ('events', models.PositiveIntegerField(default=0)),
                        ('conversations', models.PositiveIntegerField(default=0)),
                        ('member', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='totals', to='people.member')),
                    ],
                    options={
                        'db_table': 'analytics_membertotal',
                        'indexes': [models.Index(fields=['timezone', 'member'], name='member_total_tz_member')],
                    },
                ),
                ],
        ),
    ]
