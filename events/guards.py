"""Other apps' say in changes to COP sessions: guards they register with events.

A celebration knows nothing of what other apps keep about its COP sessions (the
participants' collection links and responses live in assessments, which depends on
events, never the other way). An app whose rows would be harmed by a change registers a
guard from its ``AppConfig.ready()``, the way apps register system checks::

    guards.deletion_guard_register(sessions_with_responses_refuse_deletion)

The events services run every guard of a change with the rows locked, before anything is
written or audited:

- **deletion guards**, by :func:`events.services.cop_session_delete` and
  :func:`events.services.event_delete`;
- **module-change guards**, by :func:`events.services.cop_session_update` when a
  session's module is to change.

A guard refuses by raising :class:`~django.core.exceptions.ValidationError` with its own
message (it knows why its rows matter); the views show that message as they show any
refusal. The guards are the only protection: a response's session is
``on_delete=CASCADE``, so without its guard a deletion would take the answers with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from events.models import CopModule, CopSession, Event


class DeletionGuard(Protocol):
    def __call__(self, *, sessions: QuerySet[CopSession], event: Event | None) -> None:
        """Raise ``ValidationError`` if ``sessions`` may not be deleted.

        ``event`` is the celebration when it is deleted whole (``sessions`` are then all of
        its sessions), ``None`` when only ``sessions`` are.
        """


class ModuleChangeGuard(Protocol):
    def __call__(self, *, session: CopSession, module: CopModule) -> None:
        """Raise ``ValidationError`` if ``session`` may not move to ``module``."""


_deletion_guards: list[DeletionGuard] = []
_module_change_guards: list[ModuleChangeGuard] = []


def deletion_guard_register(guard: DeletionGuard) -> DeletionGuard:
    """Add ``guard`` once, however often an app's ``ready()`` runs."""
    if guard not in _deletion_guards:
        _deletion_guards.append(guard)
    return guard


def module_change_guard_register(guard: ModuleChangeGuard) -> ModuleChangeGuard:
    """Add ``guard`` once, however often an app's ``ready()`` runs."""
    if guard not in _module_change_guards:
        _module_change_guards.append(guard)
    return guard


def deletion_guards() -> tuple[DeletionGuard, ...]:
    return tuple(_deletion_guards)


def module_change_guards() -> tuple[ModuleChangeGuard, ...]:
    return tuple(_module_change_guards)


def deletion_check(*, sessions: QuerySet[CopSession], event: Event | None = None) -> None:
    """Run every deletion guard, in the order registered; the first refusal is raised."""
    for guard in deletion_guards():
        guard(sessions=sessions, event=event)


def module_change_check(*, session: CopSession, module: CopModule) -> None:
    """Run every module-change guard, in the order registered; the first refusal is raised."""
    for guard in module_change_guards():
        guard(session=session, module=module)
