"""Walk a database through migrations, in a process of its own (test_submission_sql.py).

``python -m tests.assessments.migration_walk OUT TARGET…`` runs ``migrate`` on the database
of ``DATABASE_URL`` (the whole project for ``latest``, else ``migrate assessments TARGET``)
once per target, and writes to OUT, as JSON: the definitions (``pg_get_functiondef``) of the
submission functions after each target, and the definition each ``assessments/sql`` file
gives when run on its own. A process of its own because the data migrations write through
the default database, which in the test process is the test database.
"""

from __future__ import annotations

import json
import os
import sys

FUNCTIONS = {
    "response_store": "assessments_response_store",
    "submission_link": "assessments_submission_link",
}


def definitions(cursor, schema: str = "public") -> dict[str, str]:
    cursor.execute(
        "SELECT p.proname, pg_get_functiondef(p.oid) FROM pg_proc p "
        "JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = %s AND p.proname = ANY(%s)",
        [schema, list(FUNCTIONS.values())],
    )
    return dict(cursor.fetchall())


def file_definitions(connection) -> dict[str, str]:
    """Each version file's definition, as PostgreSQL prints it once the file has run (in a
    schema of its own, rolled back: the database is left as it was)."""
    from django.db import transaction

    from assessments import sql

    found = {}
    for function, proname in FUNCTIONS.items():
        for name in sql.versions(function):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("CREATE SCHEMA sql_file_check")
                cursor.execute("SET LOCAL search_path TO sql_file_check")
                cursor.execute(sql.load(name), None)
                definition = definitions(cursor, "sql_file_check")[proname]
                found[name] = definition.replace("sql_file_check.", "public.", 1)
                transaction.set_rollback(True)
    return found


def main(out: str, targets: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copgirls.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    after = []
    for target in targets:
        where = [] if target == "latest" else ["assessments", target]
        call_command("migrate", *where, verbosity=0, interactive=False)
        with connection.cursor() as cursor:
            after.append(definitions(cursor))
    with open(out, "w", encoding="utf-8") as file:
        json.dump({"after": after, "files": file_definitions(connection)}, file)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
