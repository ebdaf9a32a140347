"""Paper answers: a keyboard grid and a CSV upload, validated whole, all or nothing."""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import Response
from copgirls.models import AuditEntry
from tests.assessments.conftest import answers_for


def grid_row(n, questionnaire, **values):
    row = {"memorable_code": f"paper girl {n}", "age_band": "13_18", "gender": "", "assent": "yes"}
    row.update(answers_for(questionnaire))
    row.update(values)
    return {f"r{n}-{key}": value for key, value in row.items() if value is not None}


def test_grid_has_one_labelled_input_per_cell(client, facilitator, session, questionnaire):
    client.force_login(facilitator)
    page = client.get(reverse("assessments:paper", args=[session.pk, "pre"])).content.decode()
    assert page.count('aria-label="Row 1:') == 4 + questionnaire.items.count()
    assert page.count("<tr") == 11  # header + 10 rows
    assert "<caption>" in page


def test_grid_stores_rows_and_skips_empty_ones(client, facilitator, session, questionnaire):
    client.force_login(facilitator)
    data = {"batch": "7d0f6c8e-5b1a-4c57-9a59-0d1b0b7e6f01", "rows": "10"}
    data.update(grid_row(1, questionnaire))
    data.update(grid_row(2, questionnaire, **{"M03-K1": "", "assent": "x"}))  # a blank answer
    response = client.post(
        reverse("assessments:paper", args=[session.pk, "post"]), data, follow=True
    )
    assert "2 paper responses stored" in response.content.decode()
    assert Response.objects.filter(phase="post", source="paper").count() == 2
    # Sent again (double click): nothing more.
    client.post(reverse("assessments:paper", args=[session.pk, "post"]), data)
    assert Response.objects.count() == 2
    assert AuditEntry.objects.filter(action="responses.paper_entry").count() == 2


def test_grid_with_one_bad_row_stores_nothing_and_names_row_and_column(
    client, facilitator, session, questionnaire
):
    client.force_login(facilitator)
    data = {"batch": "7d0f6c8e-5b1a-4c57-9a59-0d1b0b7e6f02", "rows": "10"}
    data.update(grid_row(1, questionnaire))
    data.update(grid_row(2, questionnaire, **{"M03-S1": "9"}))
    data.update(grid_row(3, questionnaire, assent=None, memorable_code=""))
    response = client.post(reverse("assessments:paper", args=[session.pk, "pre"]), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Row 2 · Question 6 (M03-S1): Choose a number from 1 to 5." in html
    assert "Row 3 · assent" in html and "Row 3 · memorable_code" in html
    assert 'value="paper girl 1"' in html  # what was typed stays
    assert 'aria-describedby="r2-M03-S1-error"' in html
    assert not Response.objects.exists()


def csv_file(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("paper.csv", text.encode(), content_type="text/csv")


def test_csv_template_and_upload(client, facilitator, session, questionnaire):
    client.force_login(facilitator)
    template = client.get(reverse("assessments:paper_template", args=[session.pk, "pre"]))
    header = template.content.decode().splitlines()[0].split(",")
    assert header[:4] == ["memorable_code", "age_band", "gender", "assent"]
    keys = header[4:]
    answers = answers_for(questionnaire)
    lines = [",".join(header)]
    for n in range(3):
        lines.append(
            ",".join([f"csv girl {n}", "13-18", "girl", "yes", *(answers[k] for k in keys)])
        )
    upload = client.post(
        reverse("assessments:upload", args=[session.pk, "pre"]),
        {"file": csv_file("\n".join(lines))},
        follow=True,
    )
    assert "3 responses imported" in upload.content.decode()
    assert Response.objects.filter(source="import").count() == 3
    again = client.post(
        reverse("assessments:upload", args=[session.pk, "pre"]),
        {"file": csv_file("\n".join(lines))},
        follow=True,
    )
    assert "0 responses imported (3 were already stored)" in again.content.decode()
    assert Response.objects.count() == 3


def test_csv_with_errors_lists_them_all_and_stores_nothing(
    client, facilitator, session, questionnaire
):
    client.force_login(facilitator)
    text = "\n".join(
        [
            "memorable_code,age_band,gender,assent,M03-K1,M03-X9",
            "ok girl 1,13_18,,yes,a,",
        ]
    )
    response = client.post(
        reverse("assessments:upload", args=[session.pk, "pre"]), {"file": csv_file(text)}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Line 1 · M03-X9: This column is not a question of this questionnaire." in html
    text = "\n".join(
        [
            "memorable_code,age_band,assent,M03-K1",
            "ok girl 1,13_18,yes,a",
            "ok girl 2,42,yes,a",
            "ok girl 3,13_18,no,a",
            "ok girl 4,13_18,yes,q",
        ]
    )
    response = client.post(
        reverse("assessments:upload", args=[session.pk, "pre"]), {"file": csv_file(text)}
    )
    html = response.content.decode()
    assert "Line 3 · age_band: Choose an age band." in html
    assert "Line 4 · assent" in html
    assert "Line 5 · M03-K1: Choose one of the options" in html
    assert not Response.objects.exists()


def test_binary_file_is_refused(client, facilitator, session):
    client.force_login(facilitator)
    upload = SimpleUploadedFile("x.csv", b"\x89PNG\r\n\x1a\n\x00\x00\xff", content_type="text/csv")
    response = client.post(
        reverse("assessments:upload", args=[session.pk, "pre"]), {"file": upload}
    )
    assert response.status_code == 400
    assert "not a UTF-8 CSV file" in response.content.decode()
    assert not Response.objects.exists()


def test_a_csv_with_old_mac_line_endings_is_read_and_an_unreadable_header_refused():
    from assessments.services.paper import PaperEntryInvalid, rows_from_csv

    content = "memorable_code,age_band,assent,K1\rmoon-7,13_18,yes,a\rstar-9,13_18,yes,b\r"
    rows = rows_from_csv(content.encode(), ["K1"])
    assert [(line, row["memorable_code"]) for line, row in rows] == [(2, "moon-7"), (3, "star-9")]

    with pytest.raises(PaperEntryInvalid) as refused:
        rows_from_csv(('"' + "x" * 140_000 + '"\n').encode(), ["K1"])
    assert refused.value.errors[0].row == 1
    assert "cannot be read on line 1: a cell is longer than" in refused.value.errors[0].message


def _upload(client, session, text):
    return client.post(
        reverse("assessments:upload", args=[session.pk, "pre"]), {"file": csv_file(text)}
    )


def test_a_question_column_given_twice_is_refused_not_half_read(
    client, facilitator, session, questionnaire
):
    client.force_login(facilitator)
    text = "memorable_code,age_band,assent,M03-K1,M03-S1,M03-K1\nok girl 1,13_18,yes,a,4,\n"

    response = _upload(client, session, text)

    assert response.status_code == 400
    assert "Line 1 · M03-K1: This column is given twice." in response.content.decode()
    assert not Response.objects.exists()


def test_empty_columns_without_a_name_are_ignored_and_a_value_under_one_is_named(
    client, facilitator, session, questionnaire
):
    """A spreadsheet saved as CSV often ends every line with empty cells (",,")."""
    client.force_login(facilitator)
    text = "memorable_code,age_band,assent,M03-K1,,\nok girl 1,13_18,yes,a,,\n"

    stored = _upload(client, session, text)

    assert stored.status_code == 302
    assert Response.objects.get().answers.get(item__key="M03-K1").option == "a"

    text = "memorable_code,age_band,assent,M03-K1,,\nok girl 2,13_18,yes,a,,b\n"
    refused = _upload(client, session, text)

    assert refused.status_code == 400
    assert "Line 2: This row has a value (b) in column 6, which has no name on line 1." in (
        refused.content.decode()
    )
    assert Response.objects.count() == 1


def test_an_unreadable_csv_is_explained_in_the_portals_words(
    client, facilitator, session, questionnaire
):
    client.force_login(facilitator)
    text = "memorable_code,age_band,assent,M03-K1\nok girl 1,13_18,yes,a\n" + (
        "ok girl 2,13_18,yes," + "x" * 140_000 + "\n"
    )

    response = _upload(client, session, text)

    html = response.content.decode()
    assert response.status_code == 400
    assert "cannot be read on line 3: a cell is longer than 131,072 characters" in html
    assert "field limit" not in html
    assert not Response.objects.exists()


def test_a_csv_of_a_hundred_thousand_columns_is_refused_in_two_seconds(
    client, facilitator, session, settings
):
    client.force_login(facilitator)
    text = ",".join(f"q{number}" for number in range(100_000)) + "\n"
    assert len(text.encode()) < settings.ASSESSMENTS_IMPORT_MAX_BYTES
    started = time.monotonic()

    response = _upload(client, session, text)

    assert time.monotonic() - started < 2
    assert response.status_code == 400
    assert "The file has a value in cell BI1, beyond column BH: an import reads at most 60" in (
        response.content.decode()
    )
    assert not Response.objects.exists()
