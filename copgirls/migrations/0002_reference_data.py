"""The six ITU-D regions and the 194 member states plus Palestine (observer)."""

from django.db import migrations

from copgirls.reference_data import load_reference_data


def load(apps, schema_editor):
    load_reference_data(
        apps.get_model("copgirls", "Region"), apps.get_model("copgirls", "MemberState")
    )


class Migration(migrations.Migration):
    dependencies = [("copgirls", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
