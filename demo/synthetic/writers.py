"""Bulk writers: PostgreSQL ``COPY`` where available, batched ``bulk_create`` elsewhere.

Rows carry explicit primary keys (allocated from the table's current maximum), so a child
table can point at rows written a moment before without reading them back; the sequence
is moved past them at the end.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import json
import threading
import uuid
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import connection, models


def next_id(model: type[models.Model]) -> int:
    """The first free primary key of ``model``'s table."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 -- model's table
        return cursor.fetchone()[0] + 1


def reset_sequence(model: type[models.Model]) -> None:
    """Move PostgreSQL's id sequence past the explicit ids (SQLite needs nothing)."""
    if connection.vendor != "postgresql":
        return
    table = model._meta.db_table
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT COALESCE(MAX(id), 1) FROM {quoted}))",  # noqa: S608,E501
            [table],
        )


@contextlib.contextmanager
def constraints_after(*models_: type[models.Model]) -> Iterator[None]:
    """Load ``models_``' tables without their foreign keys, unique constraints and indexes,
    and build those once at the end (PostgreSQL; elsewhere nothing changes).

    A foreign key checks each copied row (queued until the commit: at 10× scale ~95 million
    checks) and every index grows row by row; built after, each is one pass — the way a
    restore loads a dump. Inside the caller's transaction: a failure leaves every constraint
    as it was. The tables are locked for the load (ACCESS EXCLUSIVE), as a restore would.
    """
    if connection.vendor != "postgresql":
        yield
        return
    tables = [model._meta.db_table for model in models_]
    with connection.cursor() as cursor:
        # Checks already queued in this transaction would forbid altering their tables.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
            FROM pg_constraint c
            WHERE c.conrelid = ANY(%s::regclass[]) AND c.contype IN ('f', 'u')
            ORDER BY c.contype DESC, c.conname
            """,
            [tables],
        )
        constraints = cursor.fetchall()  # unique ones first: a foreign key may need one
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid
                              AND c.conrelid = i.indrelid)
            ORDER BY 1
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _ in reversed(constraints):
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        for _, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in constraints:
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
            )
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def copy_text(value: Any) -> str:
    """``value`` in PostgreSQL's COPY text format."""
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value)
    text = str(value)
    if any(char in text for char in "\\\t\n\r"):
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
        text = text.replace("\r", "\\r")
    return text


class _CopyInFlight:
    """One ``COPY`` at a time runs on a thread of its own, on the caller's connection (and
    so in its transaction), while the caller generates the next batch: generating rows in
    Python and PostgreSQL storing them then take turns on two cores instead of one.

    The caller's thread does not use the connection meanwhile: every writer waits for the
    copy in flight before it starts one, and :func:`copies_finished` waits for the last.
    """

    def __init__(self):
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def submit(self, sql: str, buffer: io.StringIO) -> None:
        self.wait()
        connection.ensure_connection()
        raw = connection.connection

        def run() -> None:
            try:
                with raw.cursor() as cursor:
                    cursor.copy_expert(sql, buffer)
            except BaseException as error:  # noqa: BLE001 -- re-raised in the caller's thread
                self.error = error

        self.thread = threading.Thread(target=run, name="seed-copy", daemon=True)
        self.thread.start()

    def wait(self) -> None:
        if self.thread is not None:
            self.thread.join()
            self.thread = None
        if self.error is not None:
            error, self.error = self.error, None
            raise error


_copies = _CopyInFlight()


def copies_finished() -> None:
    """Wait for the ``COPY`` in flight; raises what it raised."""
    _copies.wait()


def _null_or(form):
    return lambda value: r"\N" if value is None else form(value)


def _copy_format(field: models.Field):
    """A function writing ``field``'s values in COPY text format."""
    kind = field.get_internal_type()
    if kind in {
        "AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField",
        "SmallIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
        "PositiveBigIntegerField", "ForeignKey",
    }:  # fmt: skip
        return _null_or(str)
    if kind == "BooleanField":
        return _null_or(lambda value: "t" if value else "f")
    return copy_text


class TableWriter:
    """Writes rows of one model given as tuples in ``fields`` order.

    Fields not listed take ``fixed[name]``, else ``now`` for ``auto_now(_add)`` fields, else
    their model default (one value for every row) — so a field added later with a default
    does not break the generator.
    """

    def __init__(
        self,
        model: type[models.Model],
        fields: Sequence[str],
        *,
        now: datetime.datetime,
        fixed: dict[str, Any] | None = None,
    ):
        self.model = model
        concrete = list(model._meta.concrete_fields)
        by_name = {f.name: f for f in concrete} | {f.attname: f for f in concrete}
        self.listed = [by_name[name] for name in fields]
        fixed = fixed or {}
        self.constant: dict[models.Field, Any] = {}
        for field in concrete:
            if field in self.listed or field.primary_key:
                continue  # an unlisted primary key comes from the database
            if field.name in fixed:
                self.constant[field] = fixed[field.name]
            elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                self.constant[field] = now
            elif field.has_default() or (field.empty_strings_allowed and not field.null):
                self.constant[field] = field.get_default()  # "" for text fields
            elif field.null:
                self.constant[field] = None
            else:
                raise ValueError(f"{model.__name__}.{field.name} has no default: list it")
        self.written = 0
        #: Per listed field, how its values are written for COPY: integers and booleans
        #: without copy_text's type tests (most of a bulk load's rows are answers' numbers).
        self.formats = [_copy_format(field) for field in self.listed]

    @property
    def takes_lines(self) -> bool:
        """Whether :meth:`write` takes rows already written as COPY text lines (the listed
        fields tab-separated, ``\\N`` for NULL, no newline): on PostgreSQL, where it spares
        the generator a tuple and a formatting pass per row."""
        return connection.vendor == "postgresql"

    def write(self, rows: Iterable[Sequence]) -> int:
        rows = list(rows)
        if rows:
            if connection.vendor == "postgresql":
                self._copy(rows)
            elif isinstance(rows[0], str):
                raise TypeError("rows as COPY text lines are for PostgreSQL only")
            else:
                self._bulk_create(rows)
            self.written += len(rows)
        return len(rows)

    def _copy(self, rows: list[Sequence]) -> None:
        tail = "".join("\t" + copy_text(value) for value in self.constant.values()) + "\n"
        formats = self.formats
        buffer = io.StringIO()
        if isinstance(rows[0], str):  # already in COPY text format (see takes_lines)
            buffer.writelines(line + tail for line in rows)
        else:
            buffer.writelines(
                "\t".join([form(value) for form, value in zip(formats, row, strict=True)]) + tail
                for row in rows
            )
        buffer.seek(0)
        fields = [*self.listed, *self.constant]
        columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        table = connection.ops.quote_name(self.model._meta.db_table)
        _copies.submit(f"COPY {table} ({columns}) FROM STDIN", buffer)

    def _bulk_create(self, rows: list[Sequence]) -> None:
        names = [field.attname for field in self.listed]
        constant = {field.attname: value for field, value in self.constant.items()}
        objects = [self.model(**constant, **dict(zip(names, row, strict=True))) for row in rows]
        self.model.objects.bulk_create(objects, batch_size=2000)


def new_uuid(bits: int) -> uuid.UUID:
    """A version-4 UUID from 128 random bits of the seeded generator."""
    return uuid.UUID(int=bits, version=4)
