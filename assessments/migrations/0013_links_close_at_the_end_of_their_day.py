"""Links opened "until closed by hand" get the closing time every link now has: the end of
their session's day where it is held, or, that day over, the end of the current day there."""

from django.db import migrations
from django.utils import timezone

from events.timezones import day_end, session_zones


def close_at_the_end_of_the_day(apps, schema_editor):
    CollectionLink = apps.get_model("assessments", "CollectionLink")
    now = timezone.now()
    links = CollectionLink.objects.filter(
        closed_at__isnull=True, closes_at__isnull=True
    ).select_related("session__event__member_state")
    for link in links:
        session = link.session
        zones = session_zones(session.time_zone, session.event.member_state.iso2)
        link.closes_at = day_end(starts_at=session.starts_at, zones=zones, now=now)
        link.save(update_fields=["closes_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0012_held_responses"),
        ("events", "0008_cop_session_time_zone"),
    ]

    operations = [
        migrations.RunPython(close_at_the_end_of_the_day, migrations.RunPython.noop),
    ]
