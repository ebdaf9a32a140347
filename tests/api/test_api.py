"""The REST API as a member state's system uses it: tokens, celebrations, sessions, reports,
open data — and every way a request can be wrong."""

from __future__ import annotations

import datetime
import io
import logging

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.models import AccessToken, TokenUse
from api.tokens import digest_of, token_revoke
from copgirls.models import AuditEntry, MemberState, Role, RoleAssignment
from copgirls.services import role_revoke
from events.models import Event
from events.services import events_import
from reports.models import Report, ReportStatus
from tests.api.conftest import ApiClient, api_for
from tests.events.conftest import database_fingerprint, make_event, make_session, make_user

pytestmark = pytest.mark.django_db

CELEBRATIONS = "/api/v1/celebrations/"


def celebration(**fields) -> dict:
    return {
        "member_state": "KE",
        "organiser_reference": "NBO-2026-01",
        "title": "Girls in ICT Day Nairobi",
        "city": "Nairobi",
        "organiser": "Communications Authority of Kenya",
        "organiser_type": "regulator",
        "format": "in_person",
        "activity_type": "coding_class",
        "start_date": "2026-04-23",
        "end_date": "2026-04-23",
        "target_age_bands": ["13_18", "19_24"],
        "expected_girls": 120,
        "languages": ["en", "sw"],
        **fields,
    }


def error_fields(response) -> dict[str, str]:
    return {error["field"]: error["code"] for error in response.json()["errors"]}


# --- Tokens -----------------------------------------------------------------------------


def test_a_token_is_shown_once_stored_hashed_and_its_uses_recorded(client, coordinator_ke):
    client.force_login(coordinator_ke)
    response = client.post(
        "/account/api-tokens/",
        {"name": "National registry", "scopes": ["events:read"], "days": "90"},
    )
    assert response.status_code == 201
    token = AccessToken.objects.get(user=coordinator_ke)
    text = response.context["created"]
    assert text.startswith("cgpat_") and text in response.content.decode()
    assert token.digest == digest_of(text) and text not in str(token.__dict__)
    assert response["Cache-Control"].startswith("max-age=0")
    again = client.get("/account/api-tokens/")
    assert text not in again.content.decode() and token.prefix in again.content.decode()

    api = ApiClient(text)
    assert api.get(CELEBRATIONS).status_code == 200
    use = TokenUse.objects.get(token=token)
    assert (use.method, use.path, use.status) == ("GET", CELEBRATIONS, 200)
    assert "GET /api/v1/celebrations/ 200" in " ".join(
        client.get("/account/api-tokens/").content.decode().split()
    )


@pytest.mark.parametrize(
    ("header", "code"),
    [
        (None, "not_authenticated"),
        ("Bearer cgpat_" + "x" * 43, "unknown_token"),
        ("Token abc", "bad_header"),
    ],
)
def test_a_request_without_a_usable_token_is_401_with_a_code(header, code):
    client = ApiClient(None)
    response = client.get(CELEBRATIONS, **({"Authorization": header} if header else {}))
    assert response.status_code == 401
    assert response.json()["code"] == code
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_expired_revoked_and_role_revoked_tokens_stop_working(coordinator_ke):
    api, text = api_for(coordinator_ke)
    token = AccessToken.objects.get(digest=digest_of(text))
    AccessToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    assert api.get(CELEBRATIONS).json()["code"] == "token_expired"

    api, text = api_for(coordinator_ke)
    token_revoke(token=AccessToken.objects.get(digest=digest_of(text)), actor=coordinator_ke)
    assert api.get(CELEBRATIONS).json()["code"] == "token_revoked"

    api, text = api_for(coordinator_ke)
    assert api.get(CELEBRATIONS).status_code == 200
    role_revoke(assignment=RoleAssignment.objects.get(user=coordinator_ke), revoked_by=None)
    response = api.get(CELEBRATIONS)
    assert (response.status_code, response.json()["code"]) == (401, "token_revoked")
    assert AccessToken.objects.get(digest=digest_of(text)).revoked_because == "role revoked"


def test_a_token_does_only_what_its_scopes_say(coordinator_ke):
    api, _ = api_for(coordinator_ke, scopes=["events:read"])
    assert api.get(CELEBRATIONS).status_code == 200
    before = database_fingerprint()
    response = api.post(CELEBRATIONS, celebration())
    assert (response.status_code, response.json()["code"]) == (403, "missing_scope")
    assert database_fingerprint() == before


def test_refused_tokens_from_one_address_are_throttled(settings):
    from django.core.cache import cache

    cache.clear()  # earlier runs within the same minute counted on this address too
    settings.API_FAILED_TOKENS_PER_ADDRESS = 5
    client = ApiClient("cgpat_" + "y" * 43)
    codes = [client.get(CELEBRATIONS).status_code for _ in range(7)]
    assert codes[:5] == [401] * 5 and codes[5:] == [429, 429]


def test_no_token_is_ever_written_to_a_log(coordinator_ke, caplog):
    caplog.set_level(logging.DEBUG)
    api, text = api_for(coordinator_ke)
    api.get(CELEBRATIONS)
    api.post(CELEBRATIONS, "{broken")
    api.get("/api/v1/celebrations/999999/")
    logging.getLogger("django.request").warning("client sent %s in a URL", text)
    assert text not in caplog.text and text[6:] not in caplog.text
    assert "[redacted]" in caplog.text


# --- Celebrations -------------------------------------------------------------------------


def test_a_coordinator_creates_updates_and_publishes_her_celebration(api_ke, coordinator_ke):
    response = api_ke.post(CELEBRATIONS, celebration())
    assert response.status_code == 201, response.json()
    body = response.json()
    event = Event.objects.get(pk=body["id"])
    assert (event.member_state.iso2, event.status, event.year) == ("KE", "draft", 2026)
    assert body["target_age_bands"] == ["13_18", "19_24"] and body["integrates_cop"] is False
    assert AuditEntry.objects.filter(action="event.create", object_id=str(event.pk)).exists()

    response = api_ke.patch(f"{CELEBRATIONS}{event.pk}/", {"city": "Mombasa"})
    assert response.status_code == 200 and response.json()["city"] == "Mombasa"
    response = api_ke.post(f"{CELEBRATIONS}{event.pk}/publish/")
    assert response.json()["status"] == "published"
    response = api_ke.post(f"{CELEBRATIONS}{event.pk}/publish/")
    assert (response.status_code, response.json()["code"]) == (409, "conflict")


def test_bad_input_is_a_clear_error_per_field_and_nothing_is_written(api_ke):
    before = database_fingerprint()
    cases = [
        (celebration(start_date="23/04/2026", expected_girls="many"), 400),
        (celebration(colour="blue"), 400),
        (celebration(member_state="FR"), 400),
        (celebration(end_date="2026-04-01"), 400),
        (celebration(target_age_bands=["adults"]), 400),
        ([1, 2, 3], 400),
    ]
    fields = []
    for body, status in cases:
        response = api_ke.post(CELEBRATIONS, body)
        assert response.status_code == status, response.json()
        assert response.json()["code"] == "invalid"
        fields.append(error_fields(response))
    assert fields[0] == {"start_date": "invalid", "expected_girls": "invalid"}
    assert fields[1] == {"colour": "unknown_field"}
    assert "member_state" in fields[2]
    assert "end_date" in fields[3]
    assert "target_age_bands.0" in fields[4]
    response = api_ke.post(CELEBRATIONS, b"{not json")
    assert (response.status_code, response.json()["code"]) == (400, "malformed_json")
    response = api_ke.post(CELEBRATIONS, "x" * (6 * 1024 * 1024))
    assert (response.status_code, response.json()["code"]) == (413, "too_large")
    response = api_ke.client.post(
        CELEBRATIONS, "a=b", content_type="text/plain", headers=api_ke.headers
    )
    assert (response.status_code, response.json()["code"]) == (415, "unsupported_media_type")
    assert database_fingerprint() == before


def test_another_states_celebration_is_404(api_ke):
    french = make_event("FR")
    assert api_ke.get(f"{CELEBRATIONS}{french.pk}/").status_code == 404
    response = api_ke.patch(f"{CELEBRATIONS}{french.pk}/", {"city": "Lyon"})
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    french.refresh_from_db()
    assert french.city == "Capital"


def test_bulk_upsert_is_all_or_nothing_with_errors_per_item_and_field(api_ke):
    items = [celebration(organiser_reference=f"B-{n}", title=f"Bulk {n}") for n in range(3)]
    items[1]["start_date"] = "2026-02-30"
    items[2]["member_state"] = "FR"
    before = database_fingerprint()
    response = api_ke.post(f"{CELEBRATIONS}bulk/", {"celebrations": items})
    assert response.status_code == 400
    errors = {(error["item"], error["field"]) for error in response.json()["errors"]}
    assert errors == {(1, "start_date")}
    items[1]["start_date"] = items[1]["end_date"] = "2026-04-24"
    response = api_ke.post(f"{CELEBRATIONS}bulk/", {"celebrations": items})
    assert {(e["item"], e["field"]) for e in response.json()["errors"]} == {(2, "member_state")}
    assert database_fingerprint() == before

    items[2]["member_state"] = "KE"
    response = api_ke.post(f"{CELEBRATIONS}bulk/", {"celebrations": items})
    assert response.json() == {"items": 3, "created": 3, "updated": 0, "unchanged": 0}
    items[0]["city"] = "Kisumu"
    response = api_ke.post(f"{CELEBRATIONS}bulk/", {"celebrations": items})
    assert response.json() == {"items": 3, "created": 0, "updated": 1, "unchanged": 2}
    assert Event.objects.get(organiser_reference="B-0").city == "Kisumu"


def test_bulk_upsert_and_the_file_import_write_the_same_celebration(api_ke, coordinator_ke):
    """The same celebration sent by the API, then imported as a spreadsheet: unchanged."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from events.columns import IMPORT_NAMES

    item = celebration(description="Coding and robotics", link="https://example.org/gict")
    assert api_ke.post(f"{CELEBRATIONS}bulk/", {"celebrations": [item]}).json()["created"] == 1
    row = {**item, "target_age_bands": "13_18;19_24", "languages": "en;sw", "status": ""}
    text = io.StringIO()
    text.write(",".join(IMPORT_NAMES) + "\n")
    text.write(",".join(str(row.get(name, "")) for name in IMPORT_NAMES) + "\n")
    upload = SimpleUploadedFile("same.csv", text.getvalue().encode(), content_type="text/csv")
    outcome = events_import(actor=coordinator_ke, upload=upload)
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 0, 1)


def test_bulk_upsert_keeps_codes_and_iso_dates_where_a_spreadsheet_takes_labels(api_ke):
    """Machines send codes: a label or a day-first date is an error there, not a guess."""
    before = database_fingerprint()
    for bad in ({"format": "in person"}, {"member_state": "Kenya"}, {"start_date": "23/04/2026"}):
        response = api_ke.post(f"{CELEBRATIONS}bulk/", {"celebrations": [celebration(**bad)]})
        assert response.status_code == 400, (bad, response.json())
    another_state = celebration(member_state="FR")
    response = api_ke.post(f"{CELEBRATIONS}bulk/", {"celebrations": [another_state]})
    assert response.json()["message"] == "No celebration was written: 1 error."
    assert database_fingerprint() == before


def test_lists_page_by_cursor_in_constant_queries_and_answer_304(api_ke):
    kenya = MemberState.objects.get(iso2="KE")
    Event.objects.bulk_create(
        [
            Event(
                member_state=kenya,
                title=f"E{n}",
                organiser_reference=f"L-{n}",
                organiser="O",
                organiser_type="ngo",
                format="online",
                activity_type="workshop",
                start_date=datetime.date(2025, 4, 24),
                end_date=datetime.date(2025, 4, 24),
                year=2025,
            )
            for n in range(250)
        ]
    )
    api_ke.get(CELEBRATIONS)  # the token's first use also stamps its last_used_at
    seen, url, queries = [], f"{CELEBRATIONS}?page_size=100", []
    while url:
        with CaptureQueriesContext(connection) as captured:
            response = api_ke.get(url)
        body = response.json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
        queries.append(len(captured))
    assert len(seen) == len(set(seen)) == 250 and seen == sorted(seen)
    # Token, roles, the page, the use recorded: the same count on every page.
    assert len(queries) == 3 and len(set(queries)) == 1 and queries[0] <= 12, queries

    first = api_ke.get(CELEBRATIONS)
    assert first["ETag"]
    assert api_ke.get(CELEBRATIONS, **{"If-None-Match": first["ETag"]}).status_code == 304
    assert api_ke.get(f"{CELEBRATIONS}?year=2025&q=E24").json()["results"][0]["title"] == "E24"
    response = api_ke.get(f"{CELEBRATIONS}?year=last")
    assert (response.status_code, error_fields(response)) == (400, {"year": "invalid"})


# --- COP sessions ------------------------------------------------------------------------


def test_a_facilitator_logs_a_session_at_her_celebration_once(db):
    event = make_event("KE")
    facilitator = make_user(Role.FACILITATOR, event=event)
    api, _ = api_for(facilitator)
    from events.models import CopModule

    body = {
        "celebration": event.pk,
        "module": CopModule.objects.order_by("position").first().code,
        "starts_at": "2026-04-23T10:00:00Z",
        "duration_minutes": 45,
        "delivery": "in_person",
        "language": "en",
        "guardian_consent_confirmed": True,
        "attendance": [{"age_band": "13_18", "gender": "girl", "count": 12}],
    }
    first = api.post("/api/v1/cop-sessions/", body)
    assert first.status_code == 201, first.json()
    assert first.json()["attendance"] == [{"age_band": "13_18", "gender": "girl", "count": 12}]
    again = api.post("/api/v1/cop-sessions/", body)
    assert again.json()["id"] == first.json()["id"]
    event.refresh_from_db()
    assert event.cop_session_count == 1

    other = make_event("FR")
    response = api.post("/api/v1/cop-sessions/", {**body, "celebration": other.pk})
    assert (response.status_code, error_fields(response)) == (400, {"celebration": "invalid"})


# --- Reports ------------------------------------------------------------------------------


def test_reports_are_requested_followed_and_downloaded(db, django_capture_on_commit_callbacks):
    kenya = MemberState.objects.get(iso2="KE")
    officer = make_user(Role.REGIONAL_OFFICER, region=kenya.region)
    api, _ = api_for(officer)
    request = {
        "scope": "member_state",
        "member_state": "KE",
        "first_year": 2024,
        "last_year": 2025,
        "language": "fr",
        "meeting_name": "CWG-COP 24",
        "document_number": "CWG-COP/24/5",
    }
    with django_capture_on_commit_callbacks(execute=False):
        response = api.post("/api/v1/reports/", request)
    assert response.status_code == 201, response.json()
    report = Report.objects.get(pk=response.json()["id"])
    assert (report.period_start, report.period_end) == (
        datetime.date(2024, 1, 1),
        datetime.date(2025, 12, 31),
    )
    status = api.get(f"/api/v1/reports/{report.pk}/").json()
    assert (status["status"], status["files"]) == ("queued", None)
    response = api.get(f"/api/v1/reports/{report.pk}/pdf/")
    assert (response.status_code, response.json()["code"]) == (409, "not_ready")

    report.status = ReportStatus.READY
    report.pdf.save("api.pdf", ContentFile(b"%PDF-1.7 api"), save=True)
    files = api.get(f"/api/v1/reports/{report.pk}/").json()["files"]
    pdf = api.get(files["pdf"].replace("http://testserver", ""), Accept="application/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content) == b"%PDF-1.7 api"

    with django_capture_on_commit_callbacks(execute=False):
        response = api.post("/api/v1/reports/", {**request, "member_state": "FR"})
    assert response.status_code == 403
    response = api.post("/api/v1/reports/", {**request, "last_year": 2023})
    assert error_fields(response) == {"last_year": "invalid"}
    # An open year is refused, with the day it closes (closed years only, issue 20).
    this_year = timezone.now().year
    response = api.post(
        "/api/v1/reports/", {**request, "first_year": this_year, "last_year": this_year}
    )
    assert response.status_code == 400
    assert error_fields(response) == {"first_year": "invalid"}
    assert (
        f"{this_year} closes on 1 February {this_year + 1}: reports cover closed years"
        in (response.json()["errors"][0]["message"])
    )


# --- Open data ----------------------------------------------------------------------------


def test_open_data_needs_no_token_and_publishes_only_protected_figures():
    closed = datetime.date(2025, 4, 24)  # girls are published for closed years only
    kenya_big = make_event("KE", actual_girls=40, start_date=closed, year=2025)
    make_event("KE", actual_girls=25, status="draft", start_date=closed, year=2025)
    make_event("FR", actual_girls=4, start_date=closed, year=2025)
    make_session(kenya_big)
    anonymous = ApiClient(None)
    page = anonymous.get("/api/v1/open/celebrations/").json()
    assert page["licence"].startswith("CC-BY-4.0")
    assert {row["member_state"] for row in page["results"]} == {"KE", "FR"}
    assert len(page["results"]) == 2
    assert all("actual_girls" not in row and "expected_girls" not in row for row in page["results"])

    figures = anonymous.get("/api/v1/open/figures/?year=2025").json()
    by_state = {row["member_state"]: row for row in figures["member_states"]}
    assert by_state["KE"]["girls_reached"] == {
        "value": 40,
        "display": "40",
        "suppressed": False,
        "published_on": None,
    }
    assert by_state["FR"]["girls_reached"] == {
        "value": None,
        "display": "<10",
        "suppressed": True,
        "published_on": None,
    }
    assert figures["totals"]["girls_reached"]["value"] == 40
    assert figures["totals"]["celebrations"] == 2 and figures["totals"]["integrating_cop"] == 1

    csv = anonymous.get("/api/v1/open/figures/?year=2025&format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode().splitlines()
    assert lines[0].startswith("year,member_state,iso3,name,region,celebrations")
    france = next(line for line in lines if ",FR," in line)
    assert ",<10," in france and ",4," not in france

    # An open year's girls: withheld, with the day they are published.
    this_year = timezone.now().year
    make_event("KE", actual_girls=50, start_date=datetime.date(this_year, 4, 23), year=this_year)
    pending = anonymous.get(f"/api/v1/open/figures/?year={this_year}").json()
    assert pending["totals"]["girls_reached"] == {
        "value": None,
        "display": f"published on 1 February {this_year + 1}",
        "suppressed": True,
        "published_on": f"{this_year + 1}-02-01",
    }
    assert pending["totals"]["celebrations"] == 1  # celebrations are no participant figure
