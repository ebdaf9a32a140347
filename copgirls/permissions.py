"""The one place that answers "may this user do this to this object?".

Two kinds of answer:

* *scope* — querysets of what a user may see at all (``events_visible_to(user)``).
  Views fetch objects through them, so an object outside the scope is a **404**;
* *predicates* — ``can_<verb>_<thing>(user, obj)`` for an object inside the scope;
  ``False`` is a **403**.

Roles are read from :class:`~copgirls.models.RoleAssignment` once per request (cached on
the user object), so a revoked role stops working on the user's very next request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet

from copgirls.models import MemberState, Region, Role, RoleAssignment


@dataclass(frozen=True)
class Roles:
    """What a user may act on, by role. Empty for anonymous users and participants."""

    secretariat: bool = False
    regions: frozenset[int] = field(default_factory=frozenset)
    member_states: frozenset[int] = field(default_factory=frozenset)
    events: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_staff_member(self) -> bool:
        return bool(self.secretariat or self.regions or self.member_states or self.events)

    @property
    def needs_mfa(self) -> bool:
        """Secretariat, regional officers and coordinators must use two-factor sign-in."""
        return bool(self.secretariat or self.regions or self.member_states)


_CACHE_ATTRIBUTE = "_copgirls_roles"


def roles_of(user) -> Roles:
    if user is None or not user.is_authenticated or not user.is_active:
        return Roles()
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    regions, states, events, secretariat = set(), set(), set(), False
    for role, region_id, state_id, event_id in (
        RoleAssignment.objects.active()
        .filter(user=user)
        .values_list("role", "region_id", "member_state_id", "event_id")
    ):
        if role == Role.SECRETARIAT:
            secretariat = True
        elif role == Role.REGIONAL_OFFICER:
            regions.add(region_id)
        elif role == Role.COORDINATOR:
            states.add(state_id)
        elif role == Role.FACILITATOR:
            events.add(event_id)
    roles = Roles(secretariat, frozenset(regions), frozenset(states), frozenset(events))
    setattr(user, _CACHE_ATTRIBUTE, roles)
    return roles


def forget_roles(user) -> None:
    """Drop the per-request cache (after a role is granted or revoked in this request)."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


# --- Scope: what a user may see ------------------------------------------------------


def member_states_visible_to(user) -> QuerySet[MemberState]:
    roles = roles_of(user)
    states = MemberState.objects.select_related("region")
    if roles.secretariat:
        return states
    return states.filter(
        Q(region_id__in=roles.regions)
        | Q(pk__in=roles.member_states)
        | Q(events__pk__in=roles.events)
    ).distinct()


def regions_visible_to(user) -> QuerySet[Region]:
    roles = roles_of(user)
    if roles.secretariat:
        return Region.objects.all()
    return Region.objects.filter(pk__in=roles.regions)


def events_visible_to(user) -> QuerySet:
    """Celebrations the user may see in the staff portal (all statuses)."""
    from events.models import Event

    roles = roles_of(user)
    events = Event.objects.select_related("member_state__region")
    if roles.secretariat:
        return events
    return events.filter(
        Q(member_state__region_id__in=roles.regions)
        | Q(member_state_id__in=roles.member_states)
        | Q(pk__in=roles.events)
    )


def cop_sessions_visible_to(user) -> QuerySet:
    from events.models import CopSession

    return CopSession.objects.filter(event__in=events_visible_to(user).values("pk")).select_related(
        "event__member_state", "module"
    )


def reports_visible_to(user) -> QuerySet:
    """Reports whose scope lies within the user's: the secretariat sees every report."""
    from reports.models import Report, ReportScope

    roles = roles_of(user)
    reports = Report.objects.select_related("region", "member_state", "requested_by")
    if roles.secretariat:
        return reports
    return reports.filter(
        Q(scope=ReportScope.REGION, region_id__in=roles.regions)
        | Q(scope=ReportScope.MEMBER_STATE, member_state__region_id__in=roles.regions)
        | Q(scope=ReportScope.MEMBER_STATE, member_state_id__in=roles.member_states)
    )


# --- Predicates: what a user may do to an object in her scope ----------------------


def is_secretariat(user) -> bool:
    return roles_of(user).secretariat


def can_manage_catalogue(user) -> bool:
    """COP modules and questionnaires are kept by the secretariat."""
    return roles_of(user).secretariat


def can_view_audit_log(user) -> bool:
    return roles_of(user).secretariat


def can_register_events(user, member_state: MemberState) -> bool:
    roles = roles_of(user)
    return roles.secretariat or member_state.pk in roles.member_states


def can_edit_event(user, event) -> bool:
    """Coordinators edit, publish and complete their own state's celebrations."""
    roles = roles_of(user)
    return roles.secretariat or event.member_state_id in roles.member_states


def can_log_cop_session(user, event) -> bool:
    roles = roles_of(user)
    return (
        roles.secretariat
        or event.member_state_id in roles.member_states
        or (event.pk in roles.events)
    )


def can_run_assessments(user, session) -> bool:
    """Open/close collection links, type paper answers, see live counts."""
    return can_log_cop_session(user, session.event)


def can_invite_facilitators(user, event) -> bool:
    return can_edit_event(user, event)


def can_erase_responses(user, event) -> bool:
    return can_edit_event(user, event)


def can_request_report(
    user, *, scope: str, region: Region | None = None, member_state: MemberState | None = None
) -> bool:
    roles = roles_of(user)
    if roles.secretariat:
        return True
    if scope == "region" and region is not None:
        return region.pk in roles.regions
    if scope == "member_state" and member_state is not None:
        return member_state.pk in roles.member_states or member_state.region_id in roles.regions
    return False


# --- For views -------------------------------------------------------------------------


def require(predicate: Callable[..., bool], *args: Any) -> None:
    """Raise 403 unless ``predicate(*args)`` holds."""
    if not predicate(*args):
        raise PermissionDenied


def staff_required(view):
    """The user must be signed in and hold at least one role; else login / 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not roles_of(request.user).is_staff_member:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def secretariat_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not roles_of(request.user).secretariat:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def in_scope(queryset: QuerySet, **lookup: Any) -> Model:
    """The object matching ``lookup`` within ``queryset`` (a ``*_visible_to`` scope), else 404."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(queryset, **lookup)


# --- Added by the events app (dashboards) ----------------------------------------------------


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
