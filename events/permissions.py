"""Who may see and do what with celebrations and COP sessions (see :mod:`copgirls.permissions`).

Registered with the core by :class:`events.apps.EventsConfig`.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from copgirls.models import MemberState, Region
from copgirls.permissions import (
    register_predicate,
    register_scope,
    register_scope_through,
    register_staff_catalogue,
    roles_of,
)
from events.models import CopSession, Event

# --- Scope ---------------------------------------------------------------------------------


def events_visible_to(user) -> QuerySet[Event]:
    """Celebrations the user may see in the staff portal (all statuses)."""
    roles = roles_of(user)
    events = Event.objects.select_related("member_state__region")
    if roles.secretariat:
        return events
    return events.filter(
        Q(member_state__region_id__in=roles.regions)
        | Q(member_state_id__in=roles.member_states)
        | Q(pk__in=roles.events)
    )


def cop_sessions_visible_to(user) -> QuerySet[CopSession]:
    return CopSession.objects.filter(event__in=events_visible_to(user).values("pk")).select_related(
        "event__member_state", "module"
    )


# --- Predicates ----------------------------------------------------------------------------


def can_register_events(user, member_state: MemberState) -> bool:
    roles = roles_of(user)
    return roles.secretariat or member_state.pk in roles.member_states


def can_edit_event(user, event: Event) -> bool:
    """Coordinators edit, publish and complete their own state's celebrations."""
    roles = roles_of(user)
    return roles.secretariat or event.member_state_id in roles.member_states


def can_log_cop_session(user, event: Event) -> bool:
    roles = roles_of(user)
    return (
        roles.secretariat
        or event.member_state_id in roles.member_states
        or (event.pk in roles.events)
    )


def can_invite_facilitators(user, event: Event) -> bool:
    return can_edit_event(user, event)


def can_view_dashboard(
    user, *, region: Region | None = None, member_state: MemberState | None = None
) -> bool:
    """A state's dashboard: its coordinators, its region's officers and the secretariat;
    a region's dashboard: its officers and the secretariat."""
    roles = roles_of(user)
    if roles.secretariat:
        return True
    if member_state is not None:
        return member_state.pk in roles.member_states or member_state.region_id in roles.regions
    if region is not None:
        return region.pk in roles.regions
    return False


def register() -> None:
    register_scope("events.Event", events_visible_to)
    register_scope("events.CopSession", cop_sessions_visible_to)
    register_scope_through("events.Attendance", parent="events.CopSession", field="session")
    register_staff_catalogue("events.CopModule")
    register_predicate("events.register_events", can_register_events)
    register_predicate("events.edit_event", can_edit_event)
    register_predicate("events.log_cop_session", can_log_cop_session)
    register_predicate("events.invite_facilitators", can_invite_facilitators)
    register_predicate("events.view_dashboard", can_view_dashboard)
