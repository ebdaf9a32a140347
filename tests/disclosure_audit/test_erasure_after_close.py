"""Named attack (issue 20): a report of a closed year, one small celebration's answers erased
on request, the same report asked for again — the difference between the two must give
nothing back.

Kenya 2025 (closed on 1 February 2026): a celebration of 20 pairs beside one of 4 pairs and
3 unpaired pre responses. Kenya's cell holds 24 pairs, so it is shown; read live, the second
report would show 20, and the two reports' difference would be the small group's 4 girls and,
from the two means, their scores. The year's figures are frozen when it closes, so both
reports are the same.
"""

from __future__ import annotations

import datetime

import pytest

from assessments.services import responses_erase_for_event
from copgirls.models import Role, RoleAssignment, User
from reports.services import report_generate, report_request
from tests.reports.factories import (
    CopModuleFactory,
    CopSessionFactory,
    EventFactory,
    add_pairs,
    add_unpaired,
    state,
)


@pytest.fixture
def secretariat(db):
    user = User.objects.create_user("secretariat@attack.example", "long-password-123")
    RoleAssignment.objects.create(user=user, role=Role.SECRETARIAT)
    return user


def kenya_report_2025(secretariat, number: str) -> dict:
    report = report_request(
        requested_by=secretariat,
        scope="member_state",
        member_state=state("KE"),
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
        language="en",
        meeting_name="Meeting of the CWG-COP",
        document_number=number,
        enqueue=False,
    )
    assert report_generate(report_id=report.pk, worker="attacker@host") == "ready"
    report.refresh_from_db()
    return report.figures


def test_erasing_a_small_celebration_of_a_closed_year_changes_no_report(secretariat, settings):
    settings.MFA_REQUIRED = False
    module = CopModuleFactory(code="MA")
    kenya = state("KE")
    large = EventFactory(member_state=kenya, start_date=datetime.date(2025, 4, 23))
    add_pairs(
        CopSessionFactory(event=large, module=module),
        [40.0 + i for i in range(20)],
        [55.0 + 2 * i for i in range(20)],
    )
    small = EventFactory(member_state=kenya, start_date=datetime.date(2025, 5, 2))
    small_session = CopSessionFactory(event=small, module=module)
    add_pairs(small_session, [10.0, 20.0, 30.0, 35.0], [90.0, 95.0, 100.0, 85.0])
    add_unpaired(small_session, "pre", 3)

    before = kenya_report_2025(secretariat, "CWG-COP/25/1")
    assert before["impact"]["overall"]["n"]["value"] == 24
    responses_erase_for_event(event=small, actor=secretariat)
    after = kenya_report_2025(secretariat, "CWG-COP/25/2")

    n_before = before["impact"]["overall"]["n"]["value"]
    n_after = after["impact"]["overall"]["n"]["value"]
    knowledge = (before["impact"]["overall"]["knowledge"], after["impact"]["overall"]["knowledge"])
    assert n_before == n_after, (
        f"n {n_before} − {n_after} = {n_before - n_after} girls of the erased celebration; "
        f"their mean knowledge gain follows from the two reports' gains "
        f"{knowledge[0]['gain'] if knowledge[0] else None} and "
        f"{knowledge[1]['gain'] if knowledge[1] else None}"
    )
    assert after["impact"] == before["impact"]
    assert after["quality"] == before["quality"]
