"""An import without traps: the template's example is refused, labels in the user's language
and day-first dates are read, anything that reads two ways is refused on its row and column."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from copgirls.models import MemberState
from events.labels import MemberStateReader
from events.models import Event
from tests.events.test_import import URL, csv_bytes, row, upload


def _template(client, fmt: str, language: str = "en") -> bytes:
    response = client.get(
        reverse("events:import_template", args=[fmt]), headers={"accept-language": language}
    )
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def _validations_by_column(sheet) -> dict:
    found = {}
    for validation in sheet.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            found[cell_range.coord.split(":")[0].rstrip("0123456789")] = validation
    return found


def _offered(workbook, validation) -> list:
    sheet_name, cells = validation.formula1.lstrip("=").split("!")
    first, last = cells.replace("$", "").split(":")
    return [cell.value for line in workbook[sheet_name.strip("'")][first:last] for cell in line]


#: The label of "in person" and of Kenya as the template writes them.
IN_PERSON = {"en": "in person", "fr": "en présentiel", "ar": "حضوري"}
KENYA = {"en": "Kenya", "fr": "Kenya", "ar": "كينيا"}


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_the_xlsx_template_has_drop_down_lists_of_labels_and_real_date_cells(
    coordinator_client, language
):
    workbook = load_workbook(io.BytesIO(_template(coordinator_client, "xlsx", language)))
    sheet = workbook["celebrations"]
    header = [cell.value for cell in sheet[1]]
    assert workbook["lists"].sheet_state == "hidden"
    letter = {name: get_column_letter(index + 1) for index, name in enumerate(header)}
    validations = _validations_by_column(sheet)
    for name in ("member_state", "organiser_type", "format", "activity_type", "status"):
        validation = validations[letter[name]]
        assert validation.type == "list" and validation.showErrorMessage, name
    assert IN_PERSON[language] in _offered(workbook, validations[letter["format"]])
    # A coordinator is offered her own member state, named in her language.
    assert _offered(workbook, validations[letter["member_state"]]) == [KENYA[language]]
    assert any(
        "13–18" in band for band in _offered(workbook, validations[letter["target_age_bands"]])
    )
    for name in ("start_date", "end_date"):
        assert validations[letter[name]].type == "date"
        example = sheet[f"{letter[name]}2"]
        assert example.is_date and isinstance(example.value, datetime.datetime)
        assert sheet[f"{letter[name]}50"].is_date  # the cells she types in hold dates
    assert sheet[f"{letter['format']}2"].value == IN_PERSON[language]
    assert "13–18" in sheet[f"{letter['target_age_bands']}2"].value


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_templates_example_row_left_in_the_file_is_refused_by_its_row(coordinator_client, fmt):
    content = _template(coordinator_client, fmt)
    if fmt == "csv":
        text = content.decode("utf-8-sig")
        assert "EXAMPLE — DELETE THIS ROW" in text
        assert "Nairobi" not in text  # nothing a real celebration could be

    response = upload(coordinator_client, content, f"template.{fmt}")

    assert response.status_code == 400
    assert (
        "row 2, column title: row 2 is the template&#x27;s example, not a celebration"
        in response.content.decode()
    )
    assert Event.objects.count() == 0


def test_the_french_xlsx_template_filled_in_imports_its_labels_and_date_cells(
    coordinator_client,
):
    workbook = load_workbook(io.BytesIO(_template(coordinator_client, "xlsx", "fr")))
    sheet = workbook["celebrations"]
    column = {cell.value: cell.column for cell in sheet[1]}
    sheet.cell(row=2, column=column["organiser_reference"], value="DKR-01")
    sheet.cell(row=2, column=column["title"], value="Journée des filles dans les TIC")
    sheet.cell(row=2, column=column["start_date"], value=datetime.date(2026, 4, 23))
    sheet.cell(row=2, column=column["end_date"], value=datetime.date(2026, 4, 24))
    out = io.BytesIO()
    workbook.save(out)

    response = upload(coordinator_client, out.getvalue(), "celebrations.xlsx")

    assert response.status_code == 302, response.content.decode()
    event = Event.objects.get()
    assert (event.format, event.organiser_type, event.activity_type, event.status) == (
        "in_person",
        "regulator",
        "coding_class",
        "draft",
    )
    assert event.target_age_bands == ["13_18", "19_24"]
    assert (event.start_date, event.end_date) == (
        datetime.date(2026, 4, 23),
        datetime.date(2026, 4, 24),
    )


#: The same celebration written with labels as a coordinator reads them in her language.
LABELLED = {
    "fr": {
        "member_state": "Kenya",
        "organiser_type": "Régulateur",
        "format": "en présentiel",
        "activity_type": "cours de programmation ou de robotique",
        "target_age_bands": "13-18 ; 19–24",
        "status": "Publié",
    },
    "ar": {
        "member_state": "كينيا",
        "organiser_type": "هيئة تنظيمية",
        "format": "حضوري",
        "activity_type": "حصة برمجة أو روبوتات",
        "target_age_bands": "13–18;19–24",
        "status": "منشور",
    },
}


@pytest.mark.parametrize("language", LABELLED)
def test_labels_in_the_users_language_and_day_first_dates_import_as_codes(
    coordinator_client, language
):
    labelled = row(1, start_date="23/04/2026", end_date="24.04.2026", **LABELLED[language])

    response = coordinator_client.post(
        URL,
        {"file": SimpleUploadedFile("celebrations.csv", csv_bytes([labelled]))},
        headers={"accept-language": language},
    )

    assert response.status_code == 302, response.content.decode()
    event = Event.objects.get()
    assert event.member_state.iso2 == "KE"
    assert (event.organiser_type, event.format, event.activity_type, event.status) == (
        "regulator",
        "in_person",
        "coding_class",
        "published",
    )
    assert event.target_age_bands == ["13_18", "19_24"]
    assert (event.start_date, event.end_date) == (
        datetime.date(2026, 4, 23),
        datetime.date(2026, 4, 24),
    )


def test_a_date_that_reads_two_ways_is_refused_on_its_row_and_column(coordinator_client):
    content = csv_bytes([row(1), row(2, start_date="03/04/2026", end_date="04/04/2026")])

    response = upload(coordinator_client, content)

    html = response.content.decode()
    assert response.status_code == 400
    assert (
        "row 3, column start_date: &#x27;03/04/2026&#x27; could be 3 April 2026 or 4 March "
        "2026: write it as 2026-04-03 (year-month-day) if you mean 3 April 2026"
    ) in html
    assert "column end_date" not in html  # 04/04/2026 reads one way only
    assert Event.objects.count() == 0


def test_a_name_that_could_be_two_member_states_is_refused_not_guessed(db):
    states = {state.iso2: state for state in MemberState.objects.filter(iso2__in=["CG", "CD"])}
    reader = MemberStateReader(states)
    assert reader.read("Congo - Kinshasa")[0].iso2 == "CD"  # CLDR's English name
    # Two states one language names alike: the import lists both and takes neither.
    reader.by_name["congo"] = dict(reader.by_name["congo - brazzaville"]) | dict(
        reader.by_name["congo - kinshasa"]
    )
    state, several = reader.read("Congo")
    assert state is None and sorted(s.iso2 for s in several) == ["CD", "CG"]
    assert reader.ambiguity("Congo", several).endswith("write its ISO code")


def test_the_import_message_counts_one_row_in_the_singular(coordinator_client):
    response = upload(coordinator_client, csv_bytes([row(1)]))

    page = coordinator_client.get(response.url).content.decode()
    assert "Imported 1 row: 1 new celebration, 0 updated, 0 unchanged." in page


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ar", "zh-hans", "en", "fr", "ru", "es"])
def test_every_label_and_member_state_name_the_template_offers_reads_back_as_its_code(
    language,
):
    """What the drop-down lists offer in any language is read back as what it means."""
    from django.utils import translation

    from copgirls.names import name_of
    from events.columns import IMPORT_COLUMNS
    from events.labels import ChoiceReader

    states = list(MemberState.objects.all())
    reader = MemberStateReader({state.iso2: state for state in states})
    with translation.override(language):
        for column in IMPORT_COLUMNS:
            if column.choices is None:
                continue
            choices = ChoiceReader(column.choices)
            for code, label in column.allowed:
                assert choices.read(label).code == code, (column.name, label)
        for state in states:
            assert reader.read(name_of(state))[0] == state, name_of(state)
