"""Bulk writers: PostgreSQL ``COPY`` where available, batched ``bulk_create`` elsewhere.

Rows carry explicit primary keys (allocated from the table's current maximum), so a child
table can point at rows written a moment before without reading them back; the sequence
is moved past them at the end.
"""

from __future__ import annotations

import datetime
import io
import json
import uuid
from collections.abc import Iterable, Sequence
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

    def write(self, rows: Iterable[Sequence]) -> int:
        rows = list(rows)
        if rows:
            if connection.vendor == "postgresql":
                self._copy(rows)
            else:
                self._bulk_create(rows)
            self.written += len(rows)
        return len(rows)

    def _copy(self, rows: list[Sequence]) -> None:
        tail = "".join("\t" + copy_text(value) for value in self.constant.values())
        buffer = io.StringIO()
        buffer.writelines("\t".join(map(copy_text, row)) + tail + "\n" for row in rows)
        buffer.seek(0)
        fields = [*self.listed, *self.constant]
        columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        table = connection.ops.quote_name(self.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)

    def _bulk_create(self, rows: list[Sequence]) -> None:
        names = [field.attname for field in self.listed]
        constant = {field.attname: value for field, value in self.constant.items()}
        objects = [self.model(**constant, **dict(zip(names, row, strict=True))) for row in rows]
        self.model.objects.bulk_create(objects, batch_size=2000)


def new_uuid(bits: int) -> uuid.UUID:
    """A version-4 UUID from 128 random bits of the seeded generator."""
    return uuid.UUID(int=bits, version=4)
