"""A celebration's title, organiser and city cannot hide reordering controls, by form or import."""

from __future__ import annotations

from django.urls import reverse

from events.models import Event
from tests.events.conftest import database_fingerprint
from tests.events.test_celebrations import FORM
from tests.events.test_import import csv_bytes, row, upload

OVERRIDE = "\u202e"


def test_the_form_names_the_override_in_the_title_and_stores_nothing(coordinator_client):
    response = coordinator_client.post(
        reverse("events:create"), {**FORM, "title": f"Girls in ICT {OVERRIDE}yaD"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "This text contains an invisible control character, U+202E RIGHT-TO-LEFT OVERRIDE, "
        "at character 14"
    ) in html
    assert 'id="id_title-errors"' in html
    assert Event.objects.count() == 0


def test_an_import_names_the_row_and_column_of_each_control_and_writes_nothing(
    coordinator_client,
):
    rows = [row(n) for n in range(1, 4)]
    rows[1] = row(2, organiser=f"Ministry{OVERRIDE} of ICT")
    rows[2] = row(3, city="Nai\u200brobi")
    before = database_fingerprint()

    response = upload(coordinator_client, csv_bytes(rows))

    html = response.content.decode()
    assert response.status_code == 400
    assert (
        "row 3, column organiser: This text contains an invisible control character, U+202E "
        "RIGHT-TO-LEFT OVERRIDE, at character 9"
    ) in html
    assert (
        "row 4, column city: This text contains an invisible control character, U+200B ZERO "
        "WIDTH SPACE, at character 4"
    ) in html
    assert database_fingerprint() == before


def test_arabic_and_persian_names_import_as_typed(coordinator_client):
    title = "يوم الفتيات في مجال تكنولوجيا المعلومات والاتصالات \u200f2026"
    organiser = "سازمان تنظیم مقررات و ارتباطات رادیویی، می\u200cخواهیم"
    content = csv_bytes([row(1, title=title, organiser=organiser, city="القاهرة")])

    response = upload(coordinator_client, content)

    assert response.status_code == 302
    event = Event.objects.get()
    assert (event.title, event.organiser, event.city) == (title, organiser, "القاهرة")
