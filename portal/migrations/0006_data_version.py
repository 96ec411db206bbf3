from django.db import migrations, models


def data_version_row(apps, schema_editor):
    apps.get_model("portal", "DataVersion").objects.using(schema_editor.connection.alias).get_or_create(pk=1)


class Migration(migrations.Migration):

    dependencies = [
        ("portal", "0005_ticket_tag"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.CharField(blank=True, max_length=32)),
                ("reason", models.CharField(blank=True, max_length=50)),
                ("changed_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={"verbose_name": "data version"},
        ),
        migrations.RunPython(data_version_row, migrations.RunPython.noop),
    ]
