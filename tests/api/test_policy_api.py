"""The policy records in the API: a ``policies:read`` token reads the instruments and the
self-assessments its owner may see, and nothing of another state."""

from __future__ import annotations

from policies.models import Level
from tests.api.conftest import api_for
from tests.policies.conftest import accepted_assessment, open_cycle, state, strategy_of


def test_a_coordinator_reads_her_states_instruments_and_self_assessments(coordinator_ke, api_ke):
    cycle = open_cycle()
    kenyan = strategy_of(state("KE"), reference="KE-S")
    strategy_of(state("FR"), reference="FR-S")
    accepted_assessment(state("KE"), cycle, {"A03": Level.ADOPTED}, instrument=kenyan)

    instruments = api_ke.get("/api/v1/policy/instruments/")
    assert instruments.status_code == 200, instruments.content
    assert [(i["member_state"], i["reference"]) for i in instruments.json()["results"]] == [
        ("KE", "KE-S")
    ]
    assert instruments.json()["results"][0]["areas"] == ["A03", "A09"]
    assessments = api_ke.get("/api/v1/policy/self-assessments/").json()["results"]
    assert [(a["member_state"], a["cycle"], a["status"]) for a in assessments] == [
        ("KE", "2026-2027", "accepted")
    ]
    a03 = next(s for s in assessments[0]["area_statuses"] if s["area"] == "A03")
    assert a03 == {"area": "A03", "level": 3, "instruments": [kenyan.pk], "note": ""}


def test_a_token_without_policies_read_is_refused(coordinator_ke):
    client, _ = api_for(coordinator_ke, scopes=["events:read"])
    response = client.get("/api/v1/policy/instruments/")
    assert response.status_code == 403
    assert response.json()["code"] == "missing_scope"
