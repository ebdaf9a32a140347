"""The database cache table, so the embedded default (and tests) never need a separate step."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("copgirls", "0002_reference_data")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
