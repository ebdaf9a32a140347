"""The demo's resolve-1 data: Africa's COP initiative has member states and celebrations."""

import io

from django.core.management import call_command

from policies.models import RegionalInitiative


def test_the_demo_links_african_states_and_their_celebrations_to_a_cop_initiative(db):
    call_command("load_demo", stdout=io.StringIO())

    initiative = RegionalInitiative.objects.filter(region__code="AFR", touches_cop=True).first()

    states = sorted(initiative.member_states.values_list("iso2", flat=True))
    assert states == ["GH", "KE", "RW", "UG"]
    celebrations = list(initiative.celebrations.select_related("member_state"))
    assert celebrations
    for event in celebrations:
        assert event.member_state.iso2 in states
        assert initiative.period_start <= event.year <= initiative.period_end
