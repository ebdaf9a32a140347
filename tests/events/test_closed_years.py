"""A closed year refuses every change to its celebrations, COP sessions and attendance.

Its figures are published and final (copgirls.publication): a change would make two outputs
of the same year differ by it. Each refusal names the year and the day it closed, writes
nothing and records no audit entry.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from copgirls.names import long_date
from copgirls.publication import last_closed_year, year_closes_at
from events import services
from events.models import CopModule, Event
from tests.events.conftest import database_fingerprint, make_event, make_session
from tests.events.test_celebrations import FORM
from tests.events.test_import import csv_bytes, row, upload
from tests.events.test_sessions_and_modules import session_form

CLOSED = last_closed_year()


def publishes_on(year: int) -> datetime.date:
    """The day ``year`` closes and its figures are published (1 February of the next)."""
    return year_closes_at(year).date()


OPEN = timezone.now().year
CLOSED_DAY = f"{CLOSED}-04-23"
OPEN_DAY = f"{OPEN}-04-23"
REFUSAL = (
    f"{CLOSED} closed on {long_date(publishes_on(CLOSED))}: its figures are published and "
    "final, so its celebrations, COP sessions and attendance can no longer be registered, "
    "changed or deleted."
)


def in_closed_year(kenya, **fields) -> Event:
    return make_event(kenya, start_date=datetime.date(CLOSED, 4, 23), actual_girls=40, **fields)


def page_of(response) -> str:
    return " ".join(response.content.decode().split())


def test_the_closed_year_is_before_this_one():
    assert CLOSED < OPEN
    assert publishes_on(CLOSED) <= timezone.now().date()


def test_registering_a_celebration_in_a_closed_year_is_refused(coordinator_client):
    before = database_fingerprint()

    response = coordinator_client.post(reverse("events:create"), {**FORM, "start_date": CLOSED_DAY})

    assert response.status_code == 200
    page = page_of(response)
    assert REFUSAL in page
    assert 'id="id_start_date-errors"' in page
    assert database_fingerprint() == before


@pytest.mark.parametrize(
    "changes",
    [
        {"title": "Renamed"},
        {"actual_girls": "45"},  # a closed year's girls never change
        {"start_date": OPEN_DAY},  # moving out of a closed year
    ],
    ids=["edit", "actual_girls", "move-out"],
)
def test_editing_a_closed_years_celebration_is_refused(coordinator_client, kenya, changes):
    event = in_closed_year(kenya, organiser_reference="MBA-1")
    data = {**FORM, "start_date": CLOSED_DAY, "actual_girls": "40", **changes}
    before = database_fingerprint()

    response = coordinator_client.post(reverse("events:edit", args=[event.pk]), data)

    assert response.status_code == 200
    assert REFUSAL in page_of(response)
    assert database_fingerprint() == before
    event.refresh_from_db()
    assert (event.year, event.actual_girls) == (CLOSED, 40)


def test_moving_a_celebration_into_a_closed_year_is_refused(coordinator_client, kenya):
    event = make_event(kenya, organiser_reference="MBA-1")
    before = database_fingerprint()

    response = coordinator_client.post(
        reverse("events:edit", args=[event.pk]), {**FORM, "start_date": CLOSED_DAY}
    )

    assert REFUSAL in page_of(response)
    assert 'id="id_start_date-errors"' in page_of(response)
    assert database_fingerprint() == before
    event.refresh_from_db()
    assert event.year == OPEN


@pytest.mark.parametrize(
    ("status", "url"), [("draft", "events:publish"), ("published", "events:complete")]
)
def test_publishing_or_completing_a_closed_years_celebration_is_refused(
    coordinator_client, kenya, status, url
):
    event = in_closed_year(kenya, status=status)
    before = database_fingerprint()

    response = coordinator_client.post(reverse(url, args=[event.pk]), follow=True)

    assert REFUSAL in page_of(response)
    assert database_fingerprint() == before
    event.refresh_from_db()
    assert event.status == status


def test_deleting_a_closed_years_celebration_is_refused(kenya, secretariat):
    event = in_closed_year(kenya)
    before = database_fingerprint()

    with pytest.raises(ValidationError) as refused:
        services.event_delete(actor=secretariat, event=event)

    assert refused.value.messages == [REFUSAL]
    assert refused.value.code == "closed_year"
    assert database_fingerprint() == before


def test_an_open_years_celebration_is_still_edited(coordinator_client, kenya):
    event = make_event(kenya, organiser_reference="MBA-1")

    response = coordinator_client.post(
        reverse("events:edit", args=[event.pk]), {**FORM, "start_date": OPEN_DAY, "title": "New"}
    )

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "New"


def test_logging_a_cop_session_in_a_closed_year_is_refused(coordinator_client, kenya):
    event = in_closed_year(kenya)
    module = CopModule.objects.get(code="M03")
    before = database_fingerprint()

    response = coordinator_client.post(
        reverse("events:session_create", args=[event.pk]),
        {**session_form(module, **{"13_18_girl": "25"}), "starts_at": f"{CLOSED_DAY}T10:00"},
    )

    assert response.status_code == 200
    assert REFUSAL in page_of(response)
    assert database_fingerprint() == before


def test_editing_a_closed_years_attendance_is_refused(coordinator_client, kenya):
    event = in_closed_year(kenya)
    session = make_session(event, girls=12)
    before = database_fingerprint()

    response = coordinator_client.post(
        reverse("events:session_edit", args=[session.pk]),
        {
            **session_form(session.module, **{"13_18_girl": "13"}),
            "starts_at": f"{CLOSED_DAY}T10:00",
        },
    )

    assert REFUSAL in page_of(response)
    assert database_fingerprint() == before
    assert session.attendance.get(gender="girl").count == 12


def test_deleting_a_closed_years_cop_session_is_refused(kenya, secretariat):
    session = make_session(in_closed_year(kenya))
    before = database_fingerprint()

    with pytest.raises(ValidationError) as refused:
        services.cop_session_delete(actor=secretariat, session=session)

    assert refused.value.messages == [REFUSAL]
    assert database_fingerprint() == before


def test_an_import_row_in_a_closed_year_is_refused_on_its_row_and_column(coordinator_client):
    before = database_fingerprint()
    content = csv_bytes(
        [
            row(1, start_date=OPEN_DAY, end_date=OPEN_DAY),
            row(2, start_date=CLOSED_DAY, end_date=CLOSED_DAY),
        ]
    )

    response = upload(coordinator_client, content)

    page = page_of(response)
    assert response.status_code == 400
    assert f"row 3, column start_date: {REFUSAL}" in page
    assert database_fingerprint() == before  # the open year's row is not written either


def test_an_import_changing_a_closed_years_celebration_is_refused(coordinator_client, kenya):
    fields = row(1, start_date=CLOSED_DAY, end_date=CLOSED_DAY, status="published")
    make_event(
        kenya,
        **{
            name: fields[name]
            for name in ("organiser_reference", "title", "city", "organiser", "organiser_type")
        },
        format=fields["format"],
        activity_type=fields["activity_type"],
        start_date=datetime.date(CLOSED, 4, 23),
        target_age_bands=["13_18", "19_24"],
        expected_girls=120,
        languages=["en", "sw"],
        description=fields["description"],
        link=fields["link"],
    )
    unchanged = csv_bytes([fields])
    changed = csv_bytes([{**fields, "actual_girls": "7"}])

    assert upload(coordinator_client, unchanged).status_code == 302  # as it stands: fine
    before = database_fingerprint()
    response = upload(coordinator_client, changed)

    assert response.status_code == 400
    assert f"row 2, column actual_girls: {REFUSAL}" in page_of(response)
    assert database_fingerprint() == before
