"""Fixtures of the report tests: a small, known world of celebrations and pairs."""

from __future__ import annotations

import datetime

import numpy as np
import pytest

from copgirls.models import Role, RoleAssignment, User
from reports.services import report_request
from tests.reports.factories import (
    CopModuleFactory,
    CopSessionFactory,
    EventFactory,
    add_attendance,
    add_pairs,
    add_unpaired,
    state,
)


@pytest.fixture
def secretariat(db):
    user = User.objects.create_user("secretariat@reports.example", "x" * 12)
    RoleAssignment.objects.create(user=user, role=Role.SECRETARIAT)
    return user


@pytest.fixture
def known_data(db):
    """Kenya (Africa): 2 celebrations, 1 with a COP session of 30 pairs; France (Europe): 1
    celebration with a session of 12 pairs; Brazil (Americas): 1 celebration, 9 girls, 9 pairs.

    Returns the arrays the figures must come from.
    """
    rng = np.random.default_rng(2026)
    module_a = CopModuleFactory(code="R01", title="My rights online")
    module_b = CopModuleFactory(code="R02", title="Cyberbullying")
    kenya = EventFactory(member_state=state("KE"), actual_girls=120)
    EventFactory(member_state=state("KE"), actual_girls=80)  # no COP session
    france = EventFactory(member_state=state("FR"), actual_girls=None)
    brazil = EventFactory(member_state=state("BR"), actual_girls=9)
    s_kenya = CopSessionFactory(event=kenya, module=module_a)
    s_france = CopSessionFactory(event=france, module=module_b)
    s_brazil = CopSessionFactory(event=brazil, module=module_a)
    add_attendance(s_kenya, girls=35)
    add_attendance(s_france, girls=45, boys=5)
    add_attendance(s_brazil, girls=9)
    pre_ke = np.round(rng.uniform(20, 70, 30), 1)
    post_ke = np.round(np.clip(pre_ke + rng.normal(15, 10, 30), 0, 100), 1)
    pre_fr = np.round(rng.uniform(30, 80, 12), 1)
    post_fr = np.round(np.clip(pre_fr + rng.normal(8, 6, 12), 0, 100), 1)
    pre_br = np.full(9, 40.0)
    post_br = np.full(9, 60.0)
    add_pairs(s_kenya, pre_ke, post_ke)
    add_pairs(s_france, pre_fr, post_fr)
    add_pairs(s_brazil, pre_br, post_br)
    add_unpaired(s_kenya, "pre", 3)
    add_unpaired(s_france, "post", 2)
    return {
        "knowledge_pre": np.concatenate([pre_ke, pre_fr, pre_br]),
        "knowledge_post": np.concatenate([post_ke, post_fr, post_br]),
        "celebrations": 4,
        "member_states": 3,
        "girls": 120 + 80 + 45,  # Brazil's 9 are in no total (issue 20)
        "sessions": 3,
        "with_cop": 3,
    }


@pytest.fixture
def make_report(db, secretariat):
    def make(**overrides):
        values = {
            "requested_by": secretariat,
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

    return make


@pytest.fixture(autouse=True)
def _mfa_not_required(settings):
    """These tests are about reports; the MFA gate has its own (tests/copgirls/test_mfa.py)."""
    settings.MFA_REQUIRED = False
