"""The models of this app, taken over from the analytics app with their tables (analytics_*)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('analytics', '0005_rollout'),
        ('ingest', '0001_initial'),
    ]

    operations = [
        # The tables exist (made by the analytics migrations); only Django's model state moves here.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Cohort',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200, unique=True)),
                    ],
                    options={
                        'db_table': 'analytics_cohort',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='Department',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200, unique=True)),
                    ],
                    options={
                        'db_table': 'analytics_department',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='Team',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200, unique=True)),
                    ],
                    options={
                        'db_table': 'analytics_team',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='Member',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('email', models.EmailField(max_length=254, unique=True)),
                        ('name', models.CharField(blank=True, max_length=200)),
                        ('pseudonym', models.CharField(blank=True, db_index=True, max_length=24)),
                        ('anthropic_uuid', models.CharField(blank=True, max_length=64, verbose_name='Anthropic uuid')),
                        ('first_seen', models.DateTimeField(blank=True, null=True)),
                        ('last_seen', models.DateTimeField(blank=True, null=True)),
                        ('on_roster', models.BooleanField(db_index=True, default=False)),
                        ('seat_start', models.DateField(blank=True, null=True)),
                        ('seat_end', models.DateField(blank=True, help_text='Last day with a seat; empty while the seat lasts', null=True)),
                        ('cohorts', models.ManyToManyField(blank=True, db_table='analytics_member_cohorts', related_name='members', to='people.cohort')),
                        ('department', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='members', to='people.department')),
                        ('first_upload', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='ingest.upload')),
                        ('team', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='members', to='people.team')),
                    ],
                    options={
                        'db_table': 'analytics_member',
                        'ordering': ['email'],
                    },
                ),
                migrations.CreateModel(
                    name='RosterEntry',
                    fields=[
                    ],
                    options={
                        'verbose_name': 'roster entry',
                        'verbose_name_plural': 'roster',
                        'proxy': True,
                        'indexes': [],
                        'constraints': [],
                    },
                    bases=('people.member',),
                ),
                ],
        ),
    ]
