"""Permission-matrix rules of the reports app.

"own" is state A's (Kenya, Africa) member-state report, "other" state B's (France,
Europe). The secretariat sees both; a coordinator or regional officer sees the report
of her state or region and gets 404 for the other; facilitators have no reports (403).
"""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from reports.aggregation import Selection
from reports.figures import build_figures
from reports.models import Report, ReportStatus
from tests.permissions.rules import LOGIN, NO_ACCOUNT, Rule, each

FACILITATORS = ("facilitator_a", "facilitator_b")
BASE = {**each(NO_ACCOUNT, LOGIN), **each(FACILITATORS, 403)}
OWN = {**BASE, "secretariat": 200, "coordinator_a": 200, "officer_a": 200}
OTHER = {**BASE, "secretariat": 200, "coordinator_b": 200, "officer_other": 200}
EVERY_REPORT_USER = {
    **BASE,
    **each(("secretariat", "coordinator_a", "coordinator_b", "officer_a", "officer_other"), 200),
}


def _report_kwargs(world, side):
    return {"pk": world.get("report", side).pk}


def _request_data(world, side):
    return {
        "scope": "member_state",
        "member_state": world.state_a.pk,
        "year": "2025",  # a closed year: reports cover no other
        "language": "en",
        "meeting_name": "CWG-COP matrix meeting",
        "document_number": "CWG-COP/24/9",
    }


def _report_rule() -> Rule:
    return Rule(kwargs=_report_kwargs, own=OWN, other=OTHER)


RULES = {
    "reports:list": Rule(own=EVERY_REPORT_USER),
    "reports:request": Rule(
        method="post",
        data=_request_data,
        own={**BASE, "secretariat": 302, "coordinator_a": 302, "officer_a": 302},
    ),
    "reports:detail": _report_rule(),
    "reports:again": _report_rule(),
    "reports:progress": _report_rule(),
    "reports:download": _report_rule(),
    "reports:brief": _report_rule(),
    "reports:annex_csv": _report_rule(),
    "reports:annex_xlsx": _report_rule(),
}


def build(world) -> None:
    reports = {}
    cutoff = timezone.now()
    for side, state in (("own", world.state_a), ("other", world.state_b)):
        report = Report.objects.create(
            scope="member_state",
            member_state=state,
            period_start=datetime.date(2025, 1, 1),
            period_end=datetime.date(2025, 12, 31),
            language="en",
            meeting_name="CWG-COP matrix meeting",
            document_number=f"CWG-COP/24/{side}",
            requested_by=world.users["secretariat"],
            status=ReportStatus.READY,
            stage="ready",
            progress=100,
            data_cutoff=cutoff,
            figures=build_figures(
                Selection(
                    period_start=datetime.date(2025, 1, 1),
                    period_end=datetime.date(2025, 12, 31),
                    cutoff=cutoff,
                    member_state_id=state.pk,
                ),
                language="en",
            ),
            sha256="0" * 64,
        )
        report.pdf.save(f"matrix-{side}.pdf", ContentFile(b"%PDF-1.7 matrix"), save=True)
        report.brief.save(f"matrix-{side}-brief.pdf", ContentFile(b"%PDF-1.7 brief"), save=True)
        reports[side] = report
    world.add("report", reports["own"], reports["other"])
