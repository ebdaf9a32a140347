"""Reads of the reports app: the archive a user may see, one report in her scope."""

from __future__ import annotations

from django.db.models import QuerySet

from copgirls.permissions import in_scope
from reports.models import Report, ReportStatus
from reports.permissions import reports_visible_to


def reports_for(user) -> QuerySet[Report]:
    """The archive: reports within the user's scope, newest first."""
    return reports_visible_to(user).order_by("-created_at", "-pk")


def report_for(user, pk: int) -> Report:
    """One report within the user's scope, else 404."""
    return in_scope(reports_visible_to(user), pk=pk)


def comparable_reports(reports: QuerySet[Report]) -> QuerySet[Report]:
    """Among ``reports``, those another may be compared with: issued (ready, with figures)."""
    return (
        reports.filter(status=ReportStatus.READY)
        .exclude(figures={})
        .select_related("region", "member_state")
        .order_by("-data_cutoff", "-pk")
    )
