"""A girl's web submission no longer waits for her classmates' (issue 7).

``assessments_response_store`` took the session row ``FOR UPDATE``: every submission of a
class queued behind the one before, though the repeat rule only ever compares one girl's
responses (a session, a phase, a participant key). It now takes the session row
``FOR KEY SHARE`` — which girls' submissions share, and which the writers that must see
the whole session still exclude: paper entry, erasure, a link opened, a session edited,
all ``FOR UPDATE`` — and a transaction-scoped advisory lock on her (session, phase, key),
under which her look-up sees every response of hers committed before. Two different keys
that hash alike only wait for each other.
"""

import importlib

from django.db import migrations

before = importlib.import_module("assessments.migrations.0007_submission_functions")

PER_GIRL = before.RESPONSE_STORE.replace(
    "    -- Every statement below reads a fresh snapshot (READ COMMITTED, a volatile function):\n"
    "    -- once the lock is held, the look-up sees every response of the key committed before.\n"
    "    PERFORM 1 FROM events_copsession WHERE id = p_session FOR UPDATE;\n",
    "    -- The session's writers (paper entry, erasure, links, edits) hold its row FOR UPDATE;\n"
    "    -- girls' submissions share it. Every statement below reads a fresh snapshot (READ\n"
    "    -- COMMITTED, a volatile function): once her own lock is held, the look-up sees every\n"
    "    -- response of her key committed before.\n"
    "    PERFORM 1 FROM events_copsession WHERE id = p_session FOR KEY SHARE;\n"
    "    PERFORM pg_advisory_xact_lock(\n"
    "        hashtextextended(p_session::text || ':' || p_phase || ':' || p_key, 0));\n",
)
assert PER_GIRL != before.RESPONSE_STORE, "the function of 0007 changed: update this one"


def per_girl(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PER_GIRL)


def per_session(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(before.RESPONSE_STORE)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0008_response_pair_groups"),
    ]

    operations = [migrations.RunPython(per_girl, per_session, elidable=False)]
