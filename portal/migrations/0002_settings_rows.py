"""The settings rows (pk 1) that portal.selectors reads and portal.services writes."""

from django.db import migrations


def settings_rows_create(apps, schema_editor):
    apps.get_model("portal", "PortalSettings").objects.get_or_create(pk=1)
    apps.get_model("portal", "RetentionSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):

    dependencies = [("portal", "0001_initial"), ("analytics", "0006_models_move_to_apps")]

    operations = [migrations.RunPython(settings_rows_create, migrations.RunPython.noop)]
