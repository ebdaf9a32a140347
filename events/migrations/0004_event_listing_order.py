"""An index in the celebration lists' order (newest first, then title and id)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("events", "0003_event_cop_session_count")]

    operations = [
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["-start_date", "title", "id"], name="event_listing_order"),
        ),
    ]
