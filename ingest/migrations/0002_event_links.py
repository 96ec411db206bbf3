"""The links of events and uploads to members and users, taken over with their tables."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('ingest', '0001_initial'),
        ('people', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables exist (made by the analytics migrations); only Django's model state moves here.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name='event',
                    name='member',
                    field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='events', to='people.member'),
                ),
                migrations.AddField(
                    model_name='upload',
                    name='uploaded_by',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL),
                ),
                migrations.AddField(
                    model_name='event',
                    name='upload',
                    field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='events', to='ingest.upload'),
                ),
                migrations.AddIndex(
                    model_name='event',
                    index=models.Index(fields=['occurred_at'], name='event_occurred_at'),
                ),
                migrations.AddIndex(
                    model_name='event',
                    index=models.Index(fields=['upload', 'occurred_at'], name='event_upload_occurred_at'),
                ),
                ],
        ),
    ]
