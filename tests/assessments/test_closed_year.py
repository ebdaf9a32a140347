"""A closed year refuses new answers (issue 20): online, on paper, imported, released from a
held batch, and no collection link of it opens. Its figures are final and frozen
(reports.freezing); the girl sees the page a closed link shows, her answers kept on it."""

from __future__ import annotations

import datetime
import re
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments.models import CollectionLink, HeldResponse, Phase, Response, ResponseSource
from assessments.services import PaperEntryInvalid, link_open, responses_record_paper
from assessments.services.held import held_batch_release
from copgirls.publication import year_closes_at
from events.models import Event
from reports.freezing import year_freeze
from tests.assessments.conftest import answers_for, form_data

MESSAGE = (
    "Answers for 2025 can no longer be collected: the year closed on 1 February 2026 and its "
    "figures are final."
)


def move_to_2025(event: Event) -> None:
    """The celebration as if registered for 2025 (a closed year: it closed on 1 Feb 2026)."""
    day = datetime.date(2025, 4, 23)
    Event.objects.filter(pk=event.pk).update(start_date=day, end_date=day, year=2025)
    event.refresh_from_db()


def paper_rows(questionnaire) -> list[tuple[int, dict[str, str]]]:
    answers = answers_for(questionnaire)
    return [
        (
            2,
            {
                "memorable_code": "panda 27",
                "age_band": "13_18",
                "gender": "girl",
                "assent": "yes",
                **answers,
            },
        )
    ]


def test_no_link_of_a_closed_year_opens(session, facilitator):
    move_to_2025(session.event)
    with pytest.raises(ValidationError) as refused:
        link_open(session=session, phase=Phase.PRE, actor=facilitator)
    assert refused.value.messages == [MESSAGE]
    assert not CollectionLink.objects.exists()


def test_a_link_closes_at_the_latest_when_its_year_closes(session, facilitator):
    later = datetime.datetime(2027, 3, 1, tzinfo=datetime.UTC)
    link = link_open(session=session, phase=Phase.PRE, actor=facilitator, closes_at=later)
    assert (
        link.closes_at == year_closes_at(2026) == datetime.datetime(2027, 2, 1, tzinfo=datetime.UTC)
    )
    assert not link.is_open_at(year_closes_at(2026))


def test_the_facilitator_is_told_why_the_link_does_not_open(client, session, facilitator):
    move_to_2025(session.event)
    client.force_login(facilitator)
    page = client.post(
        reverse("assessments:open", kwargs={"session_id": session.pk, "phase": "pre"}),
        follow=True,
    )
    assert MESSAGE in page.content.decode()
    assert not CollectionLink.objects.exists()


def test_an_open_link_of_a_year_just_closed_shows_her_the_closed_page_keeping_her_answers(
    girl, pre_link, questionnaire
):
    """A link opened before the year closed: the freeze closes it under the session's lock,
    and her answers sent after are refused as by a closed link, kept on her page."""
    move_to_2025(pre_link.session.event)
    year_freeze(year=2025)
    data = form_data(questionnaire, code="nyota 42")
    refused = girl.post(f"/a/{pre_link.code}/", data)
    html = refused.content.decode()
    assert refused.status_code == 410
    assert 'value="nyota 42"' in html
    item = next(key for key in data if key.startswith("item-"))
    assert re.search(rf'name="{item}" value="{data[item]}"[^>]* checked', html)
    assert not Response.objects.exists()


@pytest.mark.parametrize("source", [ResponseSource.PAPER, ResponseSource.IMPORT])
def test_paper_answers_and_imports_of_a_closed_year_are_refused(
    session, questionnaire, facilitator, source
):
    move_to_2025(session.event)
    with pytest.raises(PaperEntryInvalid) as refused:
        responses_record_paper(
            session=session,
            phase=Phase.PRE,
            rows=paper_rows(questionnaire),
            actor=facilitator,
            source=source,
            batch_key=str(uuid.uuid4()),
        )
    assert [error.message for error in refused.value.errors] == [MESSAGE]
    assert not Response.objects.exists()


def test_paper_answers_of_an_open_year_are_stored(session, questionnaire, facilitator):
    stored = responses_record_paper(
        session=session,
        phase=Phase.PRE,
        rows=paper_rows(questionnaire),
        actor=facilitator,
        batch_key=str(uuid.uuid4()),
    )
    assert stored["created"] == 1


def test_a_held_batch_of_a_closed_year_is_not_released(client, pre_link, facilitator):
    batch = uuid.uuid4()
    HeldResponse.objects.create(
        session=pre_link.session,
        phase=Phase.PRE,
        batch=batch,
        client_submission_id=uuid.uuid4(),
        payload_digest="0" * 64,
        submitted_at=pre_link.opened_at.replace(second=0, microsecond=0),
        response={"answers": []},
    )
    move_to_2025(pre_link.session.event)
    with pytest.raises(ValidationError) as refused:
        held_batch_release(session=pre_link.session, batch=batch, actor=facilitator)
    assert refused.value.messages == [MESSAGE]
    client.force_login(facilitator)
    page = client.post(
        reverse(
            "assessments:held_release",
            kwargs={"session_id": pre_link.session_id, "batch": batch},
        ),
        follow=True,
    )
    assert MESSAGE in page.content.decode()
    assert not Response.objects.exists()
    assert HeldResponse.objects.count() == 1
