"""Writing the audit log. Services call :func:`audit_record`; nothing edits or deletes entries."""

from __future__ import annotations

from typing import Any

from django.db import models

from copgirls.models import AuditEntry, User


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    object_type: str = "",
    object_repr: str = "",
) -> AuditEntry:
    """Record that ``actor`` did ``action`` (e.g. ``"event.publish"``) to ``obj``.

    ``changes`` maps field names to ``[old, new]`` (or any JSON-serialisable detail).
    Call it inside the service's transaction, so the entry exists exactly when the change does.
    """
    actor = actor if actor is not None and actor.is_authenticated else None
    return AuditEntry.objects.create(
        actor=actor,
        actor_email=actor.email if actor else "",
        action=action,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:255],
        changes=changes or {},
    )


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose values differ (values as strings)."""
    return {
        name: [_plain(before.get(name)), _plain(value)]
        for name, value in after.items()
        if before.get(name) != value
    }


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    return str(value)
