"""PostgreSQL functions for a girl's web submission, the portal's hottest write (issue 7).

``assessments_submission_link(code)`` reads what storing needs of a collection link;
``assessments_response_store(...)`` takes the session row's lock, inserts the response
(nothing when its client id is stored: a resend), its answers, and applies the repeat rule
to her key — one call, one transaction, its plans kept by the connection. The rule is the
one of ``assessments.pairing`` (first pre and last post of a key count); a test checks
both give the same flags. Other databases (SQLite) store through Python statements.

The functions' text: ``assessments/sql/submission_link.0007.sql`` and
``assessments/sql/response_store.0007.sql``.
"""

from django.db import migrations

from assessments import sql

DROP = """
DROP FUNCTION IF EXISTS assessments_response_store(
    bigint, bigint, varchar, varchar, varchar, varchar, uuid, varchar, varchar, timestamptz,
    double precision, double precision, double precision,
    bigint[], varchar[], smallint[], text[], boolean[]);
DROP FUNCTION IF EXISTS assessments_submission_link(varchar);
"""


def create(apps, schema_editor):
    sql.install(schema_editor, "submission_link.0007")
    sql.install(schema_editor, "response_store.0007")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0006_fewer_indexes"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
