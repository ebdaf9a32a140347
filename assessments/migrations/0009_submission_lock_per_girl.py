"""A girl's web submission no longer waits for her classmates' (issue 7).

``assessments_response_store`` took the session row ``FOR UPDATE``: every submission of a
class queued behind the one before, though the repeat rule only ever compares one girl's
responses (a session, a phase, a participant key). It now takes the session row
``FOR KEY SHARE`` — which girls' submissions share, and which the writers that must see
the whole session still exclude: paper entry, erasure, a link opened, a session edited,
all ``FOR UPDATE`` — and a transaction-scoped advisory lock on her (session, phase, key),
under which her look-up sees every response of hers committed before. Two different keys
that hash alike only wait for each other.

The function's text: ``assessments/sql/response_store.0009.sql`` (``diff`` it with 0007's).
"""

from django.db import migrations

from assessments import sql


def per_girl(apps, schema_editor):
    sql.install(schema_editor, "response_store.0009")


def per_session(apps, schema_editor):
    sql.install(schema_editor, "response_store.0007")


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0008_response_pair_groups"),
    ]

    operations = [migrations.RunPython(per_girl, per_session, elidable=False)]
