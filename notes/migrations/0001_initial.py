"""The models of this app, taken over from the analytics app with their tables (analytics_*)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('analytics', '0005_rollout'),
        ('people', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables exist (made by the analytics migrations); only Django's model state moves here.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ChampionNote',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('date', models.DateField()),
                        ('text', models.CharField(max_length=300)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('team', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='notes', to='people.team')),
                    ],
                    options={
                        'db_table': 'analytics_championnote',
                        'ordering': ['-date', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='ChampionNoteRevision',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('date', models.DateField()),
                        ('text', models.CharField(max_length=300)),
                        ('team_name', models.CharField(blank=True, max_length=200)),
                        ('replaced_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('deleted', models.BooleanField(default=False)),
                        ('note', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='revisions', to='notes.championnote')),
                        ('replaced_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'analytics_championnoterevision',
                        'ordering': ['-replaced_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='Milestone',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('label', models.CharField(max_length=200)),
                        ('date', models.DateField(help_text='For the baseline, any day of the baseline week (its ISO week is used)')),
                        ('is_baseline', models.BooleanField(default=False, help_text='The week before broad enablement, which later weeks are compared with', verbose_name='baseline week')),
                    ],
                    options={
                        'db_table': 'analytics_milestone',
                        'ordering': ['date', 'id'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('is_baseline', True)), fields=('is_baseline',), name='one_baseline')],
                    },
                ),
                ],
        ),
    ]
