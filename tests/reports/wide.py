"""The wide data of the brief and column tests, and its reports rendered once per test run.

Producing a report (figures, the PDF, the brief) takes seconds; test_brief and test_columns
read the same reports — one per language and scope, and two compared with an earlier one —
so each is produced once, in a transaction rolled back afterwards, and what a reader gets
(the PDF and brief bytes, their HTML, the figures) is kept for every test that reads it.
"""

from __future__ import annotations

import datetime
import tempfile
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import transaction
from django.test import override_settings

from copgirls.models import Role, RoleAssignment, User
from events.models import CopModule
from reports.pdf import brief_html, report_html
from reports.services import report_request
from tests.reports.factories import CopSessionFactory, EventFactory, add_attendance, add_pairs
from tests.reports.factories import state as state_of
from tests.reports.test_languages import EXPECTED
from tests.reports.test_pdf import produce

LANGUAGES = list(EXPECTED)


def create_wide_data() -> None:
    """All ten modules of the catalogue (their long titles, translated) discussed in Kenya,
    and one module in a member state of each other region: a brief with the most to say."""
    rng = np.random.default_rng(18)
    modules = list(CopModule.objects.filter(is_retired=False).order_by("position")[:10])
    assert len(modules) == 10

    def session(iso2: str, module: CopModule, shift: float) -> None:
        event = EventFactory(member_state=state_of(iso2), actual_girls=60)
        held = CopSessionFactory(event=event, module=module)
        add_attendance(held, girls=14)
        pre = np.round(rng.uniform(20, 70, 12), 1)
        add_pairs(held, pre, np.round(np.clip(pre + rng.normal(shift, 8, 12), 0, 100), 1))

    for index, module in enumerate(modules):
        session("KE", module, 5 + 2 * index)
    for index, iso2 in enumerate(("BR", "EG", "IN", "KZ", "FR")):
        session(iso2, modules[index], 10)
    EventFactory(member_state=state_of("FR"), actual_girls=30)  # no COP session


@dataclass(frozen=True)
class Rendered:
    """A produced report as its reader gets it."""

    language: str
    figures: dict[str, Any]
    pdf: bytes
    brief: bytes
    html: str
    brief_html: str


def _request(requested_by, **overrides):
    values = {
        "requested_by": requested_by,
        "scope": "global",
        "period_start": datetime.date(2025, 1, 1),
        "period_end": datetime.date(2025, 12, 31),
        "language": "en",
        "meeting_name": "Twenty-fourth meeting of CWG-COP",
        "document_number": "CWG-COP/24/5",
        "enqueue": False,
    }
    values.update(overrides)
    return report_request(**values)


def _rendered(report) -> Rendered:
    with report.pdf.open("rb") as handle:
        pdf = handle.read()
    with report.brief.open("rb") as handle:
        brief = handle.read()
    return Rendered(
        language=report.language,
        figures=report.figures,
        pdf=pdf,
        brief=brief,
        html=report_html(report, report.figures),
        brief_html=brief_html(report, report.figures),
    )


_produced: dict[str, dict] = {}


def _on_wide_data(build) -> dict:
    """``build(request)`` on a fresh copy of the wide data, its rows rolled back after."""
    with (
        tempfile.TemporaryDirectory() as media,
        override_settings(MEDIA_ROOT=media),
        transaction.atomic(),
    ):
        user = User.objects.create_user("secretariat@wide.example", "x" * 12)
        RoleAssignment.objects.create(user=user, role=Role.SECRETARIAT)
        create_wide_data()
        result = build(lambda **overrides: _request(user, **overrides))
        transaction.set_rollback(True)
    return result


def produced(group: str, django_db_blocker) -> dict:
    """The reports of ``group``, produced at its first use in this test run:

    - ``global``: language → the world's report;
    - ``region``: language → Africa's report (Kenya's region);
    - ``compared``: language → (the earlier report, the report compared with it), for
      Arabic and Chinese.
    """
    if group not in _produced:

        def build(request) -> dict:
            if group == "compared":
                pairs = {}
                for language in ("ar", "zh-hans"):
                    earlier = produce(request(language=language, document_number="CWG-COP/23/5"))
                    later = produce(request(language=language, compared_with=earlier))
                    pairs[language] = (_rendered(earlier), _rendered(later))
                return pairs
            extra = (
                {"scope": "region", "region": state_of("KE").region} if group == "region" else {}
            )
            return {
                language: _rendered(produce(request(language=language, **extra)))
                for language in LANGUAGES
            }

        with django_db_blocker.unblock():
            _produced[group] = _on_wide_data(build)
    return _produced[group]
