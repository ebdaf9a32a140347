"""Registering, editing, publishing, listing and exporting celebrations."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from copgirls.models import AuditEntry
from events.columns import EXPORT_NAMES
from events.forms import next_girls_in_ict_day
from events.models import Event, girls_in_ict_day
from tests.events.conftest import make_event, make_session

FORM = {
    "member_state": "KE",
    "title": "Girls in ICT Day Mombasa",
    "organiser_reference": "MBA-1",
    "city": "Mombasa",
    "organiser": "Technical University of Mombasa",
    "organiser_type": "academia",
    "format": "hybrid",
    "activity_type": "hackathon",
    "start_date": "2026-04-23",
    "end_date": "",
    "target_age_bands": ["13_18"],
    "expected_girls": "60",
    "actual_girls": "",
    "languages": "en, sw",
    "description": "",
    "link": "",
}


def test_girls_in_ict_day_is_the_fourth_thursday_of_april():
    assert girls_in_ict_day(2026) == datetime.date(2026, 4, 23)
    assert girls_in_ict_day(2025) == datetime.date(2025, 4, 24)
    assert girls_in_ict_day(2024) == datetime.date(2024, 4, 25)


def test_the_form_proposes_the_next_girls_in_ict_day(coordinator_client):
    html = coordinator_client.get(reverse("events:create")).content.decode()
    assert f'value="{next_girls_in_ict_day():%Y-%m-%d}"' in html
    assert '<option value="KE" selected>Kenya</option>' in html
    assert "France" not in html


def test_a_coordinator_registers_a_draft_and_it_is_audited(coordinator_client, coordinator):
    response = coordinator_client.post(reverse("events:create"), FORM)

    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("events:detail", args=[event.pk])
    assert (event.member_state.iso2, event.status, event.year) == ("KE", "draft", 2026)
    assert event.end_date == event.start_date
    assert event.languages == ["en", "sw"]
    assert event.created_by == coordinator
    entry = AuditEntry.objects.get(action="event.create")
    assert entry.actor == coordinator
    assert entry.changes["title"] == [None, "Girls in ICT Day Mombasa"]


def test_a_coordinator_cannot_register_for_another_state(coordinator_client):
    response = coordinator_client.post(reverse("events:create"), {**FORM, "member_state": "FR"})

    assert response.status_code == 404
    assert Event.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end_date": "2026-04-20"}, "end_date", "The end date is before the start date."),
        ({"start_date": "2010-04-22"}, "start_date", "Choose a date from 2011 to"),
        ({"expected_girls": "-3"}, "expected_girls", "Ensure this value is greater than"),
        ({"languages": "english!"}, "languages", "is not a language code"),
        ({"title": ""}, "title", "This field is required."),
    ],
)
def test_bad_input_is_shown_on_its_field(coordinator_client, changes, field, message):
    response = coordinator_client.post(reverse("events:create"), {**FORM, **changes})

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert f'id="id_{field}-errors"' in html
    assert "aria-invalid" in html
    assert Event.objects.count() == 0


def test_a_repeated_reference_for_the_same_state_and_year_is_refused(coordinator_client, kenya):
    make_event(kenya, organiser_reference="MBA-1")

    response = coordinator_client.post(reverse("events:create"), FORM)

    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert Event.objects.count() == 1


def test_editing_records_the_changed_fields(coordinator_client, coordinator, kenya):
    event = make_event(kenya, title="Old name", organiser_reference="MBA-1")
    data = {**FORM, "title": "New name", "actual_girls": "57"}

    response = coordinator_client.post(reverse("events:edit", args=[event.pk]), data)

    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.title, event.actual_girls, event.member_state.iso2) == ("New name", 57, "KE")
    entry = AuditEntry.objects.get(action="event.update")
    assert entry.changes["title"] == ["Old name", "New name"]
    assert entry.changes["actual_girls"] == [None, 57]


def test_another_states_celebration_is_not_found(coordinator_client, france):
    event = make_event(france, title="Paris")

    assert coordinator_client.get(reverse("events:edit", args=[event.pk])).status_code == 404
    assert coordinator_client.post(reverse("events:edit", args=[event.pk]), FORM).status_code == 404
    assert coordinator_client.post(reverse("events:publish", args=[event.pk])).status_code == 404
    event.refresh_from_db()
    assert event.title == "Paris"


def test_draft_is_published_then_completed(coordinator_client, kenya):
    event = make_event(kenya, status="draft")

    coordinator_client.post(reverse("events:publish", args=[event.pk]))
    event.refresh_from_db()
    assert event.status == "published"
    coordinator_client.post(reverse("events:complete", args=[event.pk]))
    event.refresh_from_db()
    assert event.status == "completed"
    assert list(
        AuditEntry.objects.filter(object_id=str(event.pk)).values_list("action", flat=True)
    ) == ["event.completed", "event.published"]


def test_a_draft_cannot_be_completed(coordinator_client, kenya):
    event = make_event(kenya, status="draft")

    response = coordinator_client.post(reverse("events:complete", args=[event.pk]), follow=True)

    assert "A draft celebration cannot become completed." in response.content.decode()
    event.refresh_from_db()
    assert event.status == "draft"


def test_the_list_filters_searches_and_paginates(coordinator_client, kenya, france):
    for number in range(30):
        make_event(kenya, title=f"Nairobi workshop {number}", start_date=datetime.date(2025, 4, 24))
    with_cop = make_event(kenya, title="Kisumu hackathon", activity_type="hackathon")
    make_session(with_cop)
    make_event(kenya, title="Eldoret draft", status="draft")
    make_event(france, title="Paris workshop")
    url = reverse("events:list")

    first_page = coordinator_client.get(url).content.decode()
    assert "32 celebrations" in first_page
    assert "Page 1 of 2" in first_page
    assert "Paris" not in first_page
    assert "Kisumu hackathon" in coordinator_client.get(url, {"cop": "yes"}).content.decode()
    only_cop = coordinator_client.get(url, {"cop": "yes"}).content.decode()
    assert "1 celebration" in only_cop
    assert "31 celebrations" in coordinator_client.get(url, {"cop": "no"}).content.decode()
    assert "30 celebrations" in coordinator_client.get(url, {"year": 2025}).content.decode()
    assert "1 celebration" in coordinator_client.get(url, {"status": "draft"}).content.decode()
    searched = coordinator_client.get(url, {"q": "kisumu"}).content.decode()
    assert "Kisumu hackathon" in searched and "Nairobi workshop" not in searched
    by_type = coordinator_client.get(url, {"activity_type": "hackathon"}).content.decode()
    assert "1 celebration" in by_type
    second = coordinator_client.get(url, {"page": 2}).content.decode()
    assert "Page 2 of 2" in second


def test_the_csv_export_applies_the_filters_and_neutralises_formulas(coordinator_client, kenya):
    make_event(kenya, title='=HYPERLINK("http://evil")', organiser="+cmd", city="-2+3")
    make_event(kenya, title="@SUM(A1)", start_date=datetime.date(2024, 4, 25))
    make_event(kenya, title="Draft", status="draft")

    response = coordinator_client.get(
        reverse("events:export", args=["csv"]), {"status": "published"}
    )

    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert list(rows[0].keys()) == list(EXPORT_NAMES)
    assert {row["title"] for row in rows} == {'\'=HYPERLINK("http://evil")', "'@SUM(A1)"}
    first = next(row for row in rows if row["title"].startswith("'="))
    assert (first["organiser"], first["city"], first["member_state"]) == ("'+cmd", "'-2+3", "KE")
    assert first["integrates_cop"] == "no"


def test_the_xlsx_export_stores_formulas_as_text(coordinator_client, kenya):
    event = make_event(kenya, title="=1+1", description="@danger")
    make_session(event)

    response = coordinator_client.get(reverse("events:export", args=["xlsx"]))

    sheet = load_workbook(io.BytesIO(response.content)).active
    values = dict(zip([cell.value for cell in sheet[1]], list(sheet[2]), strict=True))
    assert values["title"].value == "'=1+1"
    assert values["title"].data_type == "s"
    assert values["description"].value == "'@danger"
    assert values["cop_sessions"].value == 1
    assert values["integrates_cop"].value == "yes"


def test_an_exported_file_imports_again_unchanged(coordinator_client, kenya):
    make_event(kenya, title="Round trip", languages=["en", "sw"], target_age_bands=["13_18"])
    before = list(Event.objects.values_list("pk", "title", "languages", "updated_at"))
    exported = coordinator_client.get(reverse("events:export", args=["xlsx"])).content
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = coordinator_client.post(
        reverse("events:import"), {"file": SimpleUploadedFile("export.xlsx", exported)}
    )

    assert response.status_code == 302
    assert list(Event.objects.values_list("pk", "title", "languages", "updated_at")) == before


def test_the_export_contains_only_what_the_user_may_see(client, officer, kenya, france):
    make_event(kenya, title="Nairobi")
    make_event(france, title="Paris")
    client.force_login(officer)

    content = b"".join(client.get(reverse("events:export", args=["csv"])).streaming_content)

    assert b"Nairobi" in content and b"Paris" not in content
