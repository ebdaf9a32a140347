"""Ship the COP areas, the WTDC-22 regional initiatives and the partner organisations
(policies/data/*.json, with their translations)."""

from django.db import migrations


def load(apps, schema_editor):
    from policies import catalogue

    catalogue.load(apps)


class Migration(migrations.Migration):
    dependencies = [("policies", "0001_catalogue")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
