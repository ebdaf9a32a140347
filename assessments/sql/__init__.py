"""The text of the assessments' PostgreSQL functions: one ``.sql`` file per version.

``<function>.<migration>.sql`` is the function as migration ``<migration>`` of this app
creates it (``CREATE OR REPLACE FUNCTION``); a function's highest-numbered file is the one
the database runs once migrated. A migration installs the version it brings — and, to go
back, the one before it — by name, so a database migrates forwards and backwards from any
past state. Migrations load these files for ever: a file, once released, never changes.
To change a function, copy its latest file to one named by the new migration, edit it
(``diff`` shows the change) and install it from that migration.
"""

from __future__ import annotations

from importlib import resources


def load(name: str) -> str:
    """The SQL text of ``<name>.sql`` in this package (``load("response_store.0010")``)."""
    return resources.files(__package__).joinpath(f"{name}.sql").read_text(encoding="utf-8")


def versions(function: str) -> list[str]:
    """The names of a function's files, oldest first (``["response_store.0007", …]``)."""
    return sorted(
        entry.name.removesuffix(".sql")
        for entry in resources.files(__package__).iterdir()
        if entry.name.startswith(f"{function}.") and entry.name.endswith(".sql")
    )


def install(schema_editor, name: str) -> None:
    """Run ``<name>.sql`` in a migration; only PostgreSQL has these functions (other
    databases store through Python statements, see ``assessments.services.responses``).
    The text is sent as it is (no parameters: a ``%`` in it is a ``%``)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(load(name), params=None)
