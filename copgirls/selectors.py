"""Reads of the portal core: role assignments, invitations and the audit log."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from copgirls.models import AuditEntry, Invitation, Role, RoleAssignment
from copgirls.permissions import roles_of


def role_assignments_of(user) -> QuerySet[RoleAssignment]:
    """The user's own active roles with their scope, for the dashboard."""
    return (
        RoleAssignment.objects.active()
        .filter(user=user)
        .select_related("region", "member_state__region", "event__member_state")
        .order_by("role", "id")
    )


def role_assignments_manageable_by(user) -> QuerySet[RoleAssignment]:
    """Active roles ``user`` may revoke: every one for the secretariat; for a coordinator,
    the facilitators of her member states' celebrations."""
    roles = roles_of(user)
    assignments = RoleAssignment.objects.active().select_related(
        "user", "region", "member_state", "event__member_state", "granted_by"
    )
    if roles.secretariat:
        return assignments
    return assignments.filter(role=Role.FACILITATOR, event__member_state_id__in=roles.member_states)


def invitations_manageable_by(user) -> QuerySet[Invitation]:
    """Invitations ``user`` may see and withdraw (same rule as the roles they lead to)."""
    roles = roles_of(user)
    invitations = Invitation.objects.select_related(
        "region", "member_state", "event__member_state", "invited_by"
    )
    if roles.secretariat:
        return invitations
    return invitations.filter(role=Role.FACILITATOR, event__member_state_id__in=roles.member_states)


def audit_entries(
    *,
    action: str = "",
    actor: str = "",
    object_type: str = "",
    text: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[AuditEntry]:
    """Audit entries, newest first, filtered. ``action`` matches a prefix (``role.``)."""
    entries = AuditEntry.objects.select_related("actor")
    if action:
        entries = entries.filter(action__startswith=action)
    if actor:
        entries = entries.filter(actor_email__icontains=actor)
    if object_type:
        entries = entries.filter(object_type=object_type)
    if text:
        entries = entries.filter(Q(object_repr__icontains=text) | Q(object_id=text))
    tz = timezone.get_current_timezone()
    if date_from:
        start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=tz)
        entries = entries.filter(at__gte=start)
    if date_to and date_to < datetime.date.max:  # the last day of the calendar has no next
        end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min)
        entries = entries.filter(at__lt=end.replace(tzinfo=tz))
    return entries.order_by("-at", "-id")


def audit_actions() -> list[str]:
    """Distinct actions recorded so far, for the filter's choices."""
    return list(AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct())


def audit_object_types() -> list[str]:
    return list(
        AuditEntry.objects.exclude(object_type="")
        .order_by("object_type")
        .values_list("object_type", flat=True)
        .distinct()
    )
