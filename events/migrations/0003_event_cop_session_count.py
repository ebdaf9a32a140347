"""Store each celebration's number of COP sessions (``Event.cop_session_count``).

The dashboards and public pages read it instead of counting sessions per celebration; the
COP-session services keep it from now on. The backfill is one UPDATE with a grouped count.
"""

from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce


def backfill(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    CopSession = apps.get_model("events", "CopSession")
    counts = (
        CopSession.objects.filter(event_id=OuterRef("pk"))
        .order_by()
        .values("event_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    with_sessions = CopSession.objects.values("event_id")
    Event.objects.using(schema_editor.connection.alias).filter(pk__in=with_sessions).update(
        cop_session_count=Coalesce(Subquery(counts), 0)
    )


class Migration(migrations.Migration):
    dependencies = [("events", "0002_cop_module_catalogue")]

    operations = [
        migrations.AddField(
            model_name="event",
            name="cop_session_count",
            field=models.PositiveIntegerField(
                default=0, editable=False, verbose_name="COP sessions"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
