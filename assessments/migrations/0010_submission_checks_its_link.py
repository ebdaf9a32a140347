"""A web submission stores nothing once its link is closed — checked under its locks.

The view reads the link (open) before it calls ``assessments_response_store``; an erasure
can close the celebration's links and erase its responses in between (it holds the
session rows FOR UPDATE, so the submission waits for it, then went on to store her
answers into the erased session). The function now looks at the session's link for the
phase once it holds its locks, and returns -1 without storing when none is open; the
caller then answers as for a closed link (a resend of stored answers is still
recognised). The rest is migration 0009's function unchanged.
"""

import importlib

from django.db import migrations

per_girl = importlib.import_module("assessments.migrations.0009_submission_lock_per_girl")

_LOCKS_TAKEN = (
    "    PERFORM pg_advisory_xact_lock(\n"
    "        hashtextextended(p_session::text || ':' || p_phase || ':' || p_key, 0));\n"
)
CHECKS_ITS_LINK = per_girl.PER_GIRL.replace(
    _LOCKS_TAKEN,
    _LOCKS_TAKEN
    + "    -- Its link may have closed since the view read it (an erasure closes them all).\n"
    "    -- clock_timestamp(): the time now, not when the transaction began.\n"
    "    PERFORM 1 FROM assessments_collectionlink\n"
    "    WHERE session_id = p_session AND phase = p_phase AND closed_at IS NULL\n"
    "      AND opened_at <= clock_timestamp()\n"
    "      AND (closes_at IS NULL OR closes_at > clock_timestamp());\n"
    "    IF NOT FOUND THEN\n"
    "        RETURN -1;\n"
    "    END IF;\n",
)
assert CHECKS_ITS_LINK != per_girl.PER_GIRL, "the function of 0009 changed: update this one"


def checks_its_link(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CHECKS_ITS_LINK)


def per_girl_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(per_girl.PER_GIRL)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0009_submission_lock_per_girl"),
    ]

    operations = [migrations.RunPython(checks_its_link, per_girl_only, elidable=False)]
