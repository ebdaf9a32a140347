"""Who may run a COP session's assessments and erase its answers (see :mod:`copgirls.permissions`).

Registered with the core by :class:`assessments.apps.AssessmentsConfig`. The girls' answers
have no scope: no page shows one response, only counts and aggregates leave this app.
"""

from __future__ import annotations

from copgirls.permissions import (
    register_predicate,
    register_scope_through,
    register_staff_catalogue,
    register_unscoped,
)
from events.models import CopSession, Event
from events.permissions import can_edit_event, can_log_cop_session


def can_run_assessments(user, session: CopSession) -> bool:
    """Open/close collection links, type paper answers, see live counts."""
    return can_log_cop_session(user, session.event)


def can_erase_responses(user, event: Event) -> bool:
    return can_edit_event(user, event)


def register() -> None:
    register_staff_catalogue("assessments.Questionnaire")
    register_staff_catalogue("assessments.Item")
    register_scope_through(
        "assessments.CollectionLink", parent="events.CopSession", field="session"
    )
    reason = "anonymous answers: pages show counts and aggregates, never one response"
    register_unscoped("assessments.Response", reason=reason)
    register_unscoped("assessments.Answer", reason=reason)
    register_unscoped("assessments.HeldResponse", reason=reason)
    register_predicate("assessments.run_assessments", can_run_assessments)
    register_predicate("assessments.erase_responses", can_erase_responses)
