"""Importing celebrations from CSV/XLSX: all or nothing, with every problem listed."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from copgirls.models import AuditEntry
from events.columns import IMPORT_NAMES
from events.models import Event
from tests.events.conftest import database_fingerprint, make_event

#: This year is open: its celebrations may still be imported (a closed year refuses them).
OPEN_YEAR = timezone.now().year

URL = reverse("events:import")
NEXT_YEAR = datetime.date.today().year + 1


def row(number: int = 1, **overrides) -> dict[str, str]:
    values = {
        "member_state": "KE",
        "organiser_reference": f"NBO-{number:05d}",
        "title": f"Girls in ICT Day workshop {number}",
        "city": "Nairobi",
        "organiser": "Communications Authority of Kenya",
        "organiser_type": "regulator",
        "format": "in_person",
        "activity_type": "coding_class",
        "start_date": "2026-04-23",
        "end_date": "2026-04-24",
        "target_age_bands": "13_18;19_24",
        "expected_girls": "120",
        "actual_girls": "",
        "languages": "en;sw",
        "description": "Coding for girls",
        "link": "https://example.org/gict",
        "status": "",
    }
    values.update(overrides)
    return values


def csv_bytes(rows: list[dict[str, str]], header: list[str] | None = None, **kwargs) -> bytes:
    header = list(IMPORT_NAMES) if header is None else header
    out = io.StringIO()
    writer = csv.writer(out, **kwargs)
    writer.writerow(header)
    for values in rows:
        writer.writerow([values.get(name, "") for name in header])
    return out.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[list[object]], header: list[str] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(IMPORT_NAMES) if header is None else header)
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(client, content: bytes, name: str = "celebrations.csv"):
    return client.post(URL, {"file": SimpleUploadedFile(name, content)})


def test_a_good_file_of_2000_rows_lands_whole_and_is_audited_once(coordinator_client, coordinator):
    content = csv_bytes([row(n) for n in range(1, 2001)])

    response = upload(coordinator_client, content)

    assert response.status_code == 302
    assert Event.objects.filter(member_state__iso2="KE").count() == 2000
    event = Event.objects.get(organiser_reference="NBO-01999")
    assert event.title == "Girls in ICT Day workshop 1999"
    assert event.year == 2026
    assert event.end_date == datetime.date(2026, 4, 24)
    assert event.target_age_bands == ["13_18", "19_24"]
    assert event.languages == ["en", "sw"]
    assert event.status == "draft"
    assert event.created_by == coordinator
    entry = AuditEntry.objects.get(action="event.import")
    assert entry.actor == coordinator
    assert len(entry.changes["created"]) == 2000
    page = coordinator_client.get(response["Location"])
    assert "2000 new celebrations" in page.content.decode()


def test_reimporting_the_same_file_creates_no_duplicates(coordinator_client):
    content = csv_bytes([row(n) for n in range(1, 51)])
    upload(coordinator_client, content)
    first = list(Event.objects.order_by("pk").values_list("pk", "title", "updated_at"))

    response = upload(coordinator_client, content)

    assert response.status_code == 302
    assert list(Event.objects.order_by("pk").values_list("pk", "title", "updated_at")) == first
    messages = coordinator_client.get(response["Location"]).content.decode()
    assert "0 new celebrations, 0 updated, 50 unchanged" in messages


def test_reimport_updates_a_changed_row_in_place(coordinator_client):
    upload(coordinator_client, csv_bytes([row(1), row(2)]))
    changed = csv_bytes([row(1, title="Renamed celebration", actual_girls="95"), row(2)])

    upload(coordinator_client, changed)

    assert Event.objects.count() == 2
    event = Event.objects.get(organiser_reference="NBO-00001")
    assert (event.title, event.actual_girls) == ("Renamed celebration", 95)
    entry = AuditEntry.objects.filter(action="event.import").first()
    assert entry.changes["updated"] == {"KE/2026/NBO-00001": ["title", "actual_girls"]}


def test_an_xlsx_file_with_real_date_cells_imports(coordinator_client):
    values = row(7)
    cells = [values[name] for name in IMPORT_NAMES]
    cells[IMPORT_NAMES.index("start_date")] = datetime.datetime(OPEN_YEAR, 4, 24)
    cells[IMPORT_NAMES.index("end_date")] = datetime.date(OPEN_YEAR, 4, 24)
    cells[IMPORT_NAMES.index("expected_girls")] = 80

    response = upload(coordinator_client, xlsx_bytes([cells]), "celebrations.xlsx")

    assert response.status_code == 302
    event = Event.objects.get()
    assert (event.start_date, event.year, event.expected_girls) == (
        datetime.date(OPEN_YEAR, 4, 24),
        OPEN_YEAR,
        80,
    )


def test_semicolon_separated_csv_with_a_byte_order_mark_imports(coordinator_client):
    content = "\ufeff".encode() + csv_bytes([row(1)], delimiter=";")

    response = upload(coordinator_client, content)

    assert response.status_code == 302
    assert Event.objects.get().languages == ["en", "sw"]


# --- Every bad file leaves the database unchanged ----------------------------------------------


def _bad_rows(**overrides):
    rows = [row(n) for n in range(1, 20)]
    rows[12] = row(13, **overrides)  # spreadsheet row 14 (the header is row 1)
    return csv_bytes(rows)


def _zip_not_xlsx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return out.getvalue()


BAD_FILES = {
    "not a spreadsheet": ("notes.txt", b"hello", "Only CSV (.csv) and Excel workbook (.xlsx)"),
    "pdf named csv": (
        "celebrations.csv",
        b"%PDF-1.7\x00\x00\x01binary",
        "is named .csv but is not a text file",
    ),
    "xlsx named csv": (
        "celebrations.csv",
        xlsx_bytes([]),
        "is named .csv but is not a text file",
    ),
    "csv named xlsx": ("celebrations.xlsx", csv_bytes([row(1)]), "is not an Excel workbook"),
    "zip named xlsx": ("celebrations.xlsx", _zip_not_xlsx(), "not an Excel workbook"),
    "not utf-8": (
        "celebrations.csv",
        csv_bytes([row(1, city="Nairobi")]).replace(b"Nairobi", "Bogotá".encode("latin-1")),
        "is not UTF-8 text (byte 0xE1 on line 2)",
    ),
    "empty": ("celebrations.csv", b"", "The submitted file is empty."),
    "blank": ("celebrations.csv", b"\n\n  \n", "The file is empty."),
    "header only": ("celebrations.csv", csv_bytes([]), "has a header row but no celebrations"),
    "missing columns": (
        "celebrations.csv",
        csv_bytes([row(1)], header=[n for n in IMPORT_NAMES if n not in {"city", "format"}]),
        "missing columns: city, format",
    ),
    "extra column": (
        "celebrations.csv",
        csv_bytes([row(1)], header=[*IMPORT_NAMES, "budget"]),
        "unknown columns: &#x27;budget&#x27;",
    ),
    "unknown member state": (
        "celebrations.csv",
        _bad_rows(member_state="XX"),
        "row 14, column member_state: &#x27;XX&#x27; is neither the ISO code nor the name of "
        "an ITU member state",
    ),
    "another state": (
        "celebrations.csv",
        _bad_rows(member_state="FR"),
        "row 14, column member_state: you may not register celebrations for France",
    ),
    "not a date": (
        "celebrations.csv",
        _bad_rows(start_date="31/04/2026"),
        "row 14, column start_date: &#x27;31/04/2026&#x27; is not a date",
    ),
    "impossible date": (
        "celebrations.csv",
        _bad_rows(start_date="2026-04-31"),
        "row 14, column start_date: &#x27;2026-04-31&#x27; is not a date",
    ),
    "end before start": (
        "celebrations.csv",
        _bad_rows(start_date="2026-04-23", end_date="2026-04-20"),
        "row 14, column end_date: the end date 2026-04-20 is before the start date 2026-04-23",
    ),
    "before 2011": (
        "celebrations.csv",
        _bad_rows(start_date="2010-04-22", end_date="2010-04-22"),
        "row 14, column start_date: &#x27;2010-04-22&#x27; is outside 2011 to",
    ),
    "after next year": (
        "celebrations.csv",
        _bad_rows(start_date=f"{NEXT_YEAR + 1}-04-22", end_date=""),
        f"row 14, column start_date: &#x27;{NEXT_YEAR + 1}-04-22&#x27; is outside 2011 to "
        f"{NEXT_YEAR}",
    ),
    "negative number": (
        "celebrations.csv",
        _bad_rows(expected_girls="-5"),
        "row 14, column expected_girls: &#x27;-5&#x27; is not a whole number of 0 or more",
    ),
    "unknown choice": (
        "celebrations.csv",
        _bad_rows(format="carnival"),
        "row 14, column format: &#x27;carnival&#x27; is not one of: in person, online, hybrid",
    ),
    "missing required value": (
        "celebrations.csv",
        _bad_rows(title=""),
        "row 14, column title: a value is required",
    ),
    "bad link": (
        "celebrations.csv",
        _bad_rows(link="javascript:alert(1)"),
        "row 14, column link:",
    ),
    "repeated key": (
        "celebrations.csv",
        _bad_rows(organiser_reference="NBO-00002"),
        "row 14, column organiser_reference: &#x27;NBO-00002&#x27; for KE in 2026 is already on "
        "row 3",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_is_refused_clearly_and_nothing_is_written(coordinator_client, kenya, case):
    make_event(kenya, organiser_reference="NBO-00013", title="Already there")
    before = database_fingerprint()
    name, content, message = BAD_FILES[case]

    response = upload(coordinator_client, content, name)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert database_fingerprint() == before


def test_every_bad_cell_is_listed(coordinator_client):
    rows = [row(n) for n in range(1, 6)]
    rows[1] = row(2, start_date="31/04/2026", organiser_type="club")
    rows[3] = row(4, member_state="ZZ")

    response = upload(coordinator_client, csv_bytes(rows))

    html = response.content.decode()
    assert "3 problems were found" in html
    assert "row 3, column start_date: &#x27;31/04/2026&#x27; is not a date" in html
    assert "row 3, column organiser_type: &#x27;club&#x27; is not one of" in html
    assert "row 5, column member_state: &#x27;ZZ&#x27;" in html
    assert Event.objects.count() == 0


def test_more_rows_than_allowed_are_refused(coordinator_client, settings):
    assert settings.EVENTS_IMPORT_MAX_ROWS == 20_000
    content = csv_bytes([row(n) for n in range(1, 20_002)])
    assert len(content) < settings.EVENTS_IMPORT_MAX_BYTES
    before = database_fingerprint()

    response = upload(coordinator_client, content)

    assert response.status_code == 400
    assert "more than 20,000 rows" in response.content.decode()
    assert database_fingerprint() == before


def test_more_rows_than_allowed_in_xlsx_are_refused(coordinator_client, settings):
    settings.EVENTS_IMPORT_MAX_ROWS = 3
    values = [row(n)[name] for name in IMPORT_NAMES for n in [1]]
    content = xlsx_bytes([values] * 4)

    response = upload(coordinator_client, content, "big.xlsx")

    assert "more than 3 rows" in response.content.decode()
    assert Event.objects.count() == 0


def test_a_file_larger_than_allowed_is_refused(coordinator_client, settings):
    settings.EVENTS_IMPORT_MAX_BYTES = 2048
    content = csv_bytes([row(n) for n in range(1, 40)])
    assert len(content) > 2048

    response = upload(coordinator_client, content)

    assert response.status_code == 400
    assert "the largest accepted is 2048 bytes" in response.content.decode()
    assert Event.objects.count() == 0


def test_the_template_lists_the_columns_and_allowed_values(coordinator_client):
    response = coordinator_client.get(reverse("events:import_template", args=["xlsx"]))

    workbook = load_workbook(io.BytesIO(response.content))
    header = [cell.value for cell in workbook["celebrations"][1]]
    assert header == list(IMPORT_NAMES)
    guide = {row[0]: row for row in workbook.worksheets[1].iter_rows(values_only=True)}
    assert guide["format"][3] == "in person, online, hybrid"
    assert guide["member_state"][1] == "yes"


def test_a_regional_officer_cannot_import(client, officer):
    client.force_login(officer)
    assert upload(client, csv_bytes([row(1)])).status_code == 403
    assert Event.objects.count() == 0


def test_an_empty_status_keeps_the_status_of_an_existing_celebration(coordinator_client):
    upload(coordinator_client, csv_bytes([row(1), row(2, status="published")]))
    Event.objects.filter(organiser_reference="NBO-00001").update(status="completed")

    upload(coordinator_client, csv_bytes([row(1, title="Renamed"), row(2, status="completed")]))

    statuses = dict(Event.objects.values_list("organiser_reference", "status"))
    assert statuses == {"NBO-00001": "completed", "NBO-00002": "completed"}
    assert Event.objects.get(organiser_reference="NBO-00001").title == "Renamed"


def test_a_workbook_that_opens_but_whose_sheet_is_broken_is_refused(coordinator_client):
    import io
    import zipfile

    good = xlsx_bytes([[row(1)[name] for name in IMPORT_NAMES]])
    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(broken, "w") as target:
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # cut in the middle of the rows
            target.writestr(entry, data)
    before = database_fingerprint()

    response = upload(coordinator_client, broken.getvalue(), "celebrations.xlsx")

    assert response.status_code == 400
    assert "damaged and cannot be read" in response.content.decode()
    assert database_fingerprint() == before


# --- Row numbers are the spreadsheet's, whatever rows are left empty -------------------------


def test_errors_name_the_spreadsheet_row_after_empty_rows_in_a_csv(coordinator_client):
    lines = csv_bytes([row(1), row(2), row(3, format="carnival")]).decode().splitlines()
    # header, row 2, an empty row 3, a row 4 of empty cells, rows 5 and 6
    content = "\r\n".join([lines[0], lines[1], "", ",,,", lines[2], lines[3]]) + "\r\n"

    response = upload(coordinator_client, content.encode())

    html = response.content.decode()
    assert response.status_code == 400
    assert "row 6, column format: &#x27;carnival&#x27; is not one of" in html
    assert Event.objects.count() == 0


def test_errors_name_the_spreadsheet_row_after_empty_rows_in_a_workbook(coordinator_client):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([])  # the header is on row 2
    sheet.append(list(IMPORT_NAMES))
    sheet.append([row(1)[name] for name in IMPORT_NAMES])
    sheet.append([])
    sheet.append([row(2, start_date="04/23/2026")[name] for name in IMPORT_NAMES])
    out = io.BytesIO()
    workbook.save(out)

    response = upload(coordinator_client, out.getvalue(), "celebrations.xlsx")

    html = response.content.decode()
    assert response.status_code == 400
    assert "row 5, column start_date: &#x27;04/23/2026&#x27; is not a date" in html
    assert Event.objects.count() == 0


def test_a_nul_character_deep_in_a_csv_is_an_error_of_its_cell_not_a_server_error(
    coordinator_client,
):
    rows = [row(n) for n in range(1, 60)]
    rows[50] = row(51, description="Coding\x00for girls")  # past the first 4 KB
    before = database_fingerprint()

    response = upload(coordinator_client, csv_bytes(rows))

    assert response.status_code == 400
    assert "row 52, column description: contains a character that is not text" in (
        response.content.decode()
    )
    assert database_fingerprint() == before


@pytest.mark.parametrize(
    "tail, message",
    [
        (
            '"Nairobi,unclosed quote\r\n',
            "The CSV file cannot be read from line 3: a quotation mark opens a cell that is "
            "never closed",
        ),
        (
            'KE,"NBO"-9,title\r\n',
            "The CSV file cannot be read on line 3: a quotation mark in the middle of a cell",
        ),
        (
            "KE," + "x" * 140_000 + "\r\n",
            "The CSV file cannot be read on line 3: a cell is longer than 131,072 characters",
        ),
    ],
)
def test_an_unreadable_csv_says_why_in_words_of_the_portal(coordinator_client, tail, message):
    content = csv_bytes([row(1)]) + tail.encode()

    response = upload(coordinator_client, content)

    html = response.content.decode()
    assert response.status_code == 400
    assert message in html.replace("&quot;", '"')
    assert "expected after" not in html and "unexpected end of data" not in html
    assert "field limit" not in html
    assert Event.objects.count() == 0


def test_a_quote_left_open_mid_file_is_named_by_the_line_it_opens_on(coordinator_client):
    lines = csv_bytes([row(1), row(2), row(3), row(4, title="Girls, in ICT")]).decode()
    lines = lines.splitlines()
    lines[2] = lines[2].replace("Nairobi", '"Nairobi', 1)  # spreadsheet line 3

    response = upload(coordinator_client, ("\r\n".join(lines) + "\r\n").encode())

    assert response.status_code == 400
    assert "cannot be read on lines 3 to 5: a quotation mark is misplaced" in (
        response.content.decode()
    )


def test_a_description_longer_than_the_template_allows_is_an_error_not_stored(coordinator_client):
    response = upload(coordinator_client, csv_bytes([row(1), row(2, description="x" * 5001)]))

    assert response.status_code == 400
    assert "row 3, column description: Ensure this value has at most 5000 characters" in (
        response.content.decode()
    )
    assert Event.objects.count() == 0
