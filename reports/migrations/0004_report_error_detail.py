"""A failed report's reason for its readers (``error``) apart from the exception text of
its last attempt (``error_detail``, the secretariat's only). Reports that failed before
keep their text as the detail: it may hold the worker's exception."""

from django.db import migrations, models
from django.db.models import F


def move_errors_to_detail(apps, schema_editor):
    Report = apps.get_model("reports", "Report")
    Report.objects.exclude(error="").update(error_detail=F("error"), error="")


def move_details_back(apps, schema_editor):
    Report = apps.get_model("reports", "Report")
    Report.objects.filter(error="").exclude(error_detail="").update(error=F("error_detail"))


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_report_claimed_task"),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="error_detail",
            field=models.TextField(blank=True, verbose_name="technical detail of the error"),
        ),
        migrations.RunPython(move_errors_to_detail, move_details_back, elidable=False),
    ]
