"""Who may see and request CWG-COP reports (see :mod:`copgirls.permissions`).

Registered with the core by :class:`reports.apps.ReportsConfig`.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from copgirls.models import MemberState, Region
from copgirls.permissions import register_predicate, register_scope, register_unscoped, roles_of
from reports.models import Report, ReportScope


def reports_visible_to(user) -> QuerySet[Report]:
    """Reports whose scope lies within the user's: the secretariat sees every report."""
    roles = roles_of(user)
    reports = Report.objects.select_related("region", "member_state", "requested_by")
    if roles.secretariat:
        return reports
    return reports.filter(
        Q(scope=ReportScope.REGION, region_id__in=roles.regions)
        | Q(scope=ReportScope.MEMBER_STATE, member_state__region_id__in=roles.regions)
        | Q(scope=ReportScope.MEMBER_STATE, member_state_id__in=roles.member_states)
    )


def can_request_report(
    user, *, scope: str, region: Region | None = None, member_state: MemberState | None = None
) -> bool:
    roles = roles_of(user)
    if roles.secretariat:
        return True
    if scope == ReportScope.REGION and region is not None:
        return region.pk in roles.regions
    if scope == ReportScope.MEMBER_STATE and member_state is not None:
        return member_state.pk in roles.member_states or member_state.region_id in roles.regions
    return False


def register() -> None:
    register_scope("reports.Report", reports_visible_to)
    register_predicate("reports.request_report", can_request_report)
    frozen = "a closed year's frozen inputs: read by the reports' aggregation, on no page"
    for label in ("reports.FrozenYear", "reports.FrozenPair", "reports.FrozenResponseCount"):
        register_unscoped(label, reason=frozen)
