"""The rules of resolve 1, whoever writes: evidence, links, years, the review, frozen cycles."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from copgirls.models import AuditEntry
from policies import services
from policies.models import AreaStatus, AssessmentStatus, CopArea, Instrument, Level
from tests.policies.conftest import fill, open_cycle, state, strategy_of


def test_the_shipped_catalogue_has_twelve_areas_in_six_languages(db):
    areas = list(CopArea.objects.order_by("position"))
    assert [area.code for area in areas] == [f"A{n:02d}" for n in range(1, 13)]
    assert areas[2].title == "National strategy and action plan"
    for area in areas:
        assert set(area.translations) == {"ar", "es", "fr", "ru", "zh-hans"}
        for texts in area.translations.values():
            assert texts["title"] and texts["guidance"] and texts["evidence"]


def test_a_level_above_none_without_evidence_is_refused_and_nothing_is_written(kenya, cycle):
    assessment = services.self_assessment_start(actor=None, member_state=kenya, cycle=cycle)
    area = CopArea.objects.get(code="A01")

    with pytest.raises(ValidationError) as error:
        services.area_status_set(actor=None, assessment=assessment, area=area, level=Level.ADOPTED)

    assert "needs evidence" in str(error.value.message_dict["instruments"])
    assert not AreaStatus.objects.exists()
    # With a note it is accepted; "none" needs nothing.
    services.area_status_set(
        actor=None, assessment=assessment, area=area, level=Level.PLANNED, note="Cabinet decision."
    )
    services.area_status_set(
        actor=None, assessment=assessment, area=CopArea.objects.get(code="A02"), level=Level.NONE
    )
    assert AreaStatus.objects.count() == 2


def test_another_states_instrument_is_no_evidence_for_kenya(kenya, cycle):
    french = strategy_of(state("FR"))
    assessment = services.self_assessment_start(actor=None, member_state=kenya, cycle=cycle)

    with pytest.raises(ValidationError) as error:
        services.area_status_set(
            actor=None,
            assessment=assessment,
            area=CopArea.objects.get(code="A03"),
            level=Level.ADOPTED,
            instruments=[french],
        )

    assert "does not apply to Kenya" in str(error.value)
    # A regional strategy shared with Kenya is evidence for her too.
    services.instrument_update(actor=None, instrument=french, data={"member_states": [kenya]})
    services.area_status_set(
        actor=None,
        assessment=assessment,
        area=CopArea.objects.get(code="A03"),
        level=Level.ADOPTED,
        instruments=[french],
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"link": "javascript:alert(1)"}, "link", "Enter a valid URL"),
        ({"link": "ftp://example.org/law.pdf"}, "link", "Enter a valid URL"),
        ({"adoption_year": datetime.date.today().year + 1}, "adoption_year", "in the future"),
        ({"adoption_year": None}, "adoption_year", "needs its adoption year"),
    ],
)
def test_an_instrument_with_a_bad_link_or_year_is_refused(kenya, data, field, message):
    with pytest.raises(ValidationError) as error:
        strategy_of(kenya, **data) if "adoption_year" not in data else strategy_of(
            kenya, year=data["adoption_year"]
        )

    assert message in str(error.value.message_dict[field])
    assert not Instrument.objects.exists()


def test_a_planned_instrument_may_name_its_future_year(kenya):
    planned = strategy_of(kenya, status="planned", year=datetime.date.today().year + 2)
    assert planned.pk


def test_submitting_lists_every_area_still_missing(kenya, cycle):
    assessment = services.self_assessment_start(actor=None, member_state=kenya, cycle=cycle)
    services.area_status_set(
        actor=None, assessment=assessment, area=CopArea.objects.get(code="A01"), level=Level.NONE
    )

    with pytest.raises(ValidationError) as error:
        services.self_assessment_submit(actor=None, assessment=assessment)

    text = str(error.value)
    assert "A02 National coordination and governance" in text and "A12" in text
    assert "A01" not in text
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT


def test_the_review_journey_submitted_is_read_only_returned_needs_a_comment(
    kenya, cycle, coordinator, officer
):
    assessment = services.self_assessment_start(actor=coordinator, member_state=kenya, cycle=cycle)
    fill(assessment, {})
    services.self_assessment_submit(actor=coordinator, assessment=assessment)
    area = CopArea.objects.get(code="A05")

    with pytest.raises(ValidationError, match="read-only until the regional officer returns it"):
        services.area_status_set(
            actor=coordinator, assessment=assessment, area=area, level=Level.PLANNED, note="x"
        )
    with pytest.raises(ValidationError) as error:
        services.self_assessment_review(actor=officer, assessment=assessment, accept=False)
    assert "Say what the coordinator should change" in str(error.value)

    services.self_assessment_review(
        actor=officer, assessment=assessment, accept=False, comment="A05: the helpline runs."
    )
    services.area_status_set(
        actor=coordinator,
        assessment=assessment,
        area=area,
        level=Level.IMPLEMENTED,
        note="116 111 runs day and night.",
    )
    services.self_assessment_submit(actor=coordinator, assessment=assessment)
    services.self_assessment_review(actor=officer, assessment=assessment, accept=True)

    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.ACCEPTED
    assert assessment.reviewed_by == officer
    actions = list(
        AuditEntry.objects.filter(action__startswith="policy_assessment")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "policy_assessment.start",
        "policy_assessment.submit",
        "policy_assessment.return",
        "policy_assessment.submit",
        "policy_assessment.accept",
    ]
    assert AuditEntry.objects.filter(action="policy_area_status.set").count() == 13


def test_a_closed_cycle_is_frozen_and_one_cycle_is_open_at_a_time(kenya, cycle, secretariat):
    assessment = services.self_assessment_start(actor=None, member_state=kenya, cycle=cycle)
    with pytest.raises(ValidationError, match="A cycle is open already"):
        open_cycle(
            code="2028-2029", start=datetime.date(2028, 1, 1), end=datetime.date(2029, 12, 31)
        )

    services.cycle_close(actor=secretariat, cycle=cycle)

    with pytest.raises(ValidationError, match="is closed"):
        services.area_status_set(
            actor=None,
            assessment=assessment,
            area=CopArea.objects.get(code="A01"),
            level=Level.NONE,
        )
    assert open_cycle(
        code="2028-2029", start=datetime.date(2028, 1, 1), end=datetime.date(2029, 12, 31)
    )


def test_a_cited_instrument_cannot_be_deleted(kenya, cycle):
    instrument = strategy_of(kenya)
    assessment = services.self_assessment_start(actor=None, member_state=kenya, cycle=cycle)
    services.area_status_set(
        actor=None,
        assessment=assessment,
        area=CopArea.objects.get(code="A03"),
        level=Level.ADOPTED,
        instruments=[instrument],
    )

    with pytest.raises(ValidationError, match="evidence of an area status"):
        services.instrument_delete(actor=None, instrument=instrument)
    assert Instrument.objects.filter(pk=instrument.pk).exists()


def test_rdf_participants_must_be_in_the_region_and_a_correction_withdraws_validation(
    kenya, secretariat
):
    data = {
        "meeting": "RDF for Africa 2026",
        "held_on": datetime.date(2026, 5, 5),
        "agenda_item": "COP strategies",
        "outcomes": "Reviewed national strategies.",
        "document_link": "https://www.itu.int/rdf",
    }
    with pytest.raises(ValidationError, match="France is not in Africa"):
        services.rdf_discussion_record(
            actor=None, region=kenya.region, data={**data, "member_states": [state("FR")]}
        )
    with pytest.raises(ValidationError):
        services.rdf_discussion_record(
            actor=None, region=kenya.region, data={**data, "document_link": "file:///etc/passwd"}
        )
    discussion = services.rdf_discussion_record(
        actor=None, region=kenya.region, data={**data, "member_states": [kenya]}
    )
    services.rdf_discussion_validate(actor=secretariat, discussion=discussion)
    discussion = services.rdf_discussion_record(
        actor=None,
        region=kenya.region,
        data={**data, "commitments": "Kenya reviews its strategy in 2027."},
        discussion=discussion,
    )
    assert not discussion.is_validated


def test_a_roadmap_is_written_whole_or_not_at_all(kenya, cycle):
    a01, a03 = CopArea.objects.get(code="A01"), CopArea.objects.get(code="A03")
    with pytest.raises(ValidationError) as error:
        services.roadmap_set(
            actor=None,
            member_state=kenya,
            targets=[(a01, Level.ADOPTED, cycle), (a03, Level.IMPLEMENTED, None)],
        )
    assert f"cycle_{a03.pk}" in error.value.message_dict
    assert not kenya.cop_roadmap.exists()
    services.roadmap_set(actor=None, member_state=kenya, targets=[(a01, Level.ADOPTED, cycle)])
    assert kenya.cop_roadmap.get().level == Level.ADOPTED
