"""A web submission stores nothing once its link is closed — checked under its locks.

The view reads the link (open) before it calls ``assessments_response_store``; an erasure
can close the celebration's links and erase its responses in between (it holds the
session rows FOR UPDATE, so the submission waits for it, then went on to store her
answers into the erased session). The function now looks at the session's link for the
phase once it holds its locks, and returns -1 without storing when none is open; the
caller then answers as for a closed link (a resend of stored answers is still
recognised). The rest is migration 0009's function unchanged.

The function's text: ``assessments/sql/response_store.0010.sql`` (``diff`` it with 0009's).
"""

from django.db import migrations

from assessments import sql


def checks_its_link(apps, schema_editor):
    sql.install(schema_editor, "response_store.0010")


def per_girl_only(apps, schema_editor):
    sql.install(schema_editor, "response_store.0009")


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0009_submission_lock_per_girl"),
    ]

    operations = [migrations.RunPython(checks_its_link, per_girl_only, elidable=False)]
