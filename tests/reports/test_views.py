"""Requesting a report, following its progress, the archive and the downloads."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from copgirls.models import AuditEntry, Role, RoleAssignment, User
from copgirls.publication import last_closed_year
from reports.models import Report, ReportStatus
from tests.reports.factories import state


@pytest.fixture
def coordinator(db):
    user = User.objects.create_user("coordinator@reports.example", "x" * 12)
    RoleAssignment.objects.create(user=user, role=Role.COORDINATOR, member_state=state("KE"))
    return user


#: This year is still open: no report covers it.
OPEN_YEAR = timezone.now().year


def test_the_form_offers_the_last_closed_year_and_says_why(client, coordinator):
    client.force_login(coordinator)
    html = " ".join(client.get("/reports/new/").content.decode().split())
    closed = last_closed_year()
    assert f'name="year" value="{closed}"' in html
    assert f"Reports cover whole calendar years that are closed: up to {closed} today" in html
    assert f"({closed + 1} closes on 1 February {closed + 2})" in html


def request_data(**overrides):
    data = {
        "scope": "member_state",
        "member_state": state("KE").pk,
        "year": "2025",
        "language": "en",
        "meeting_name": "Twenty-fourth meeting of CWG-COP",
        "document_number": "CWG-COP/24/5",
    }
    data.update(overrides)
    return data


def test_a_coordinator_requests_her_states_report_and_lands_on_its_status_page(
    client, coordinator, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr("reports.services.report_enqueue", lambda pk: sent.append(pk))
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/new/", request_data())
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/"
    assert sent == [report.pk]  # queued once the request was committed
    assert (report.period_start, report.period_end) == (
        datetime.date(2025, 1, 1),
        datetime.date(2025, 12, 31),
    )
    assert report.data_cutoff is not None and report.requested_by == coordinator
    assert AuditEntry.objects.filter(action="report.request", object_id=str(report.pk)).exists()

    page = client.get(response["Location"]).content.decode()
    assert "Queued" in page and "0 %" in page
    assert f'hx-get="/reports/{report.pk}/progress/?seen=queued-queued"' in page
    assert 'http-equiv="refresh"' not in page  # a reload every 5 s that nobody could stop
    assert "/static/js/htmx.min.js" in page


def test_the_form_offers_a_coordinator_no_global_scope_and_only_her_state(client, coordinator):
    client.force_login(coordinator)
    html = client.get("/reports/new/").content.decode()
    assert 'value="global"' not in html
    assert "Kenya" in html and "France" not in html
    response = client.post("/reports/new/", request_data(scope="global"))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Report.objects.exists()


def test_a_state_she_may_not_see_answers_404(client, coordinator):
    client.force_login(coordinator)
    response = client.post("/reports/new/", request_data(member_state=state("FR").pk))
    assert response.status_code == 404
    assert not Report.objects.exists()


@pytest.mark.parametrize("odd", ["²", "١٢", "1e3", " 12", "9" * 40])
def test_odd_digits_in_the_scope_are_a_form_error_not_a_500(client, coordinator, odd):
    client.force_login(coordinator)
    response = client.post("/reports/new/", request_data(member_state=odd))
    assert response.status_code in {200, 400}
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"year": "2026", "last_year": "2025"}, "last_year", "must be the first year or a later"),
        ({"language": "de"}, "language", "Select a valid choice"),
        ({"document_number": "report five"}, "document_number", "like CWG-COP/24/5"),
        ({"year": ""}, "year", "This field is required"),
        ({"year": "2026-04-01"}, "year", "Enter a whole number"),
        (
            {"year": str(OPEN_YEAR)},
            "year",
            f"{OPEN_YEAR} closes on 1 February {OPEN_YEAR + 1}: reports cover closed years "
            "only, so that two reports of the same year always agree.",
        ),
        (
            {"year": str(OPEN_YEAR - 2), "last_year": str(OPEN_YEAR)},
            "year",
            f"{OPEN_YEAR} closes on 1 February {OPEN_YEAR + 1}",
        ),
    ],
)
def test_bad_input_is_shown_next_to_its_field_and_nothing_is_queued(
    client, coordinator, overrides, field, message
):
    client.force_login(coordinator)
    response = client.post("/reports/new/", request_data(**overrides))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in html and message in html
    assert f'aria-describedby="id_{field}' in html
    assert not Report.objects.exists()


def ready_report(user, member_state="KE", **fields):
    values = {
        "scope": "member_state",
        "member_state": state(member_state),
        "period_start": datetime.date(2025, 1, 1),
        "period_end": datetime.date(2025, 12, 31),
        "language": "en",
        "meeting_name": "CWG-COP 24",
        "document_number": "CWG-COP/24/5",
        "requested_by": user,
        "status": ReportStatus.READY,
        "stage": "ready",
        "progress": 100,
        "data_cutoff": timezone.now(),
        "sha256": "a" * 64,
        "figures": {},
    }
    report = Report.objects.create(**{**values, **fields})
    report.pdf.save("r.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    return report


def test_the_pdf_is_served_as_an_attachment_to_those_entitled(client, coordinator):
    report = ready_report(coordinator)
    client.force_login(coordinator)
    response = client.get(f"/reports/{report.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="cwg-cop-24-5-en.pdf"'
    assert b"".join(response.streaming_content) == b"%PDF-1.7 test"


def test_a_report_not_ready_has_no_download_and_a_failed_one_says_why(client, coordinator):
    report = ready_report(coordinator)
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.FAILED,
        stage="failed",
        error="The report could not be produced in 3 attempts.",
    )
    client.force_login(coordinator)
    assert client.get(f"/reports/{report.pk}/pdf/").status_code == 404
    html = client.get(f"/reports/{report.pk}/progress/").content.decode()
    assert "The report could not be produced." in html and "Request it again" in html
    assert "hx-trigger" not in html  # polling stops


LEAKY_ERROR = (
    'OperationalError: connection to server at "db-primary.itu.internal" (10.20.0.5), port '
    '5432 failed: FATAL:  password authentication failed for user "copgirls_app"'
)


@pytest.mark.parametrize("url", ["/reports/{pk}/", "/reports/{pk}/progress/"])
def test_a_failed_reports_technical_error_is_shown_to_the_secretariat_only(
    client, coordinator, url
):
    report = ready_report(coordinator)
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.FAILED,
        stage="failed",
        error="The report could not be produced in 3 attempts.",
        error_detail=LEAKY_ERROR,
    )
    client.force_login(coordinator)
    html = client.get(url.format(pk=report.pk)).content.decode()
    assert "The report could not be produced in 3 attempts." in html
    assert "db-primary.itu.internal" not in html and "copgirls_app" not in html

    secretariat = User.objects.create_user("secretariat@reports.example", "x" * 12)
    RoleAssignment.objects.create(user=secretariat, role=Role.SECRETARIAT)
    client.force_login(secretariat)
    html = client.get(url.format(pk=report.pk)).content.decode()
    assert "db-primary.itu.internal" in html


def test_a_coordinator_reads_why_her_report_failed_when_she_can_act_on_it(
    client, coordinator, monkeypatch, settings
):
    """A report stopped at the time limit says so, and what helps, to whoever asked for it;
    the exception behind it stays with the secretariat."""
    from celery.exceptions import SoftTimeLimitExceeded

    from reports import services

    settings.CELERY_TASK_SOFT_TIME_LIMIT = 900
    report = ready_report(coordinator)
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.QUEUED, stage="queued")

    def too_long(*args, **kwargs):
        raise SoftTimeLimitExceeded("hard at work in /srv/copgirls/reports/pdf.py")

    monkeypatch.setattr("reports.pdf.render_pdf", too_long)
    with pytest.raises(services.ReportAttemptError):
        services.report_generate(report_id=report.pk, worker="a@host")
    client.force_login(coordinator)
    html = client.get(f"/reports/{report.pk}/").content.decode()
    assert "A smaller scope or a shorter period takes less time" in html
    assert "/srv/copgirls" not in html


def test_the_archive_lists_reports_in_scope_with_a_constant_number_of_queries(
    client, coordinator, django_assert_max_num_queries
):
    client.force_login(coordinator)
    ready_report(coordinator)
    ready_report(coordinator, member_state="FR", document_number="CWG-COP/24/6")
    with django_assert_max_num_queries(8):
        html = client.get("/reports/").content.decode()
    assert "CWG-COP/24/5" in html and "CWG-COP/24/6" not in html
    for number in range(20):
        ready_report(coordinator, document_number=f"CWG-COP/24/{number + 10}")
    with django_assert_max_num_queries(8):
        html = client.get("/reports/").content.decode()
    assert html.count("Download PDF") == 21
    assert "aaaaaaaaaaaaaaaa" in html  # the checksum


def test_the_navigation_offers_reports_to_report_users_only(client, coordinator, db):
    client.force_login(coordinator)
    assert 'href="/reports/"' in client.get("/").content.decode()
    facilitator = User.objects.create_user("facilitator@reports.example", "x" * 12)
    client.force_login(facilitator)
    assert 'href="/reports/"' not in client.get("/").content.decode()


def test_asking_twice_for_the_same_report_returns_the_first(
    client, coordinator, django_capture_on_commit_callbacks, monkeypatch
):
    """A double click or a reload of the form queues one report, not two."""
    sent = []
    monkeypatch.setattr("reports.services.report_enqueue", lambda pk: sent.append(pk))
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post("/reports/new/", request_data())
        again = client.post("/reports/new/", request_data(), follow=True)
    report = Report.objects.get()
    assert first["Location"] == again.redirect_chain[-1][0] == f"/reports/{report.pk}/"
    assert "You asked for this report already" in again.content.decode()
    assert sent == [report.pk]
    assert AuditEntry.objects.filter(action="report.request").count() == 1
    # Once it is ready, asking again produces a new one (with a new data cut-off).
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.READY)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/reports/new/", request_data())
    assert Report.objects.count() == 2 and len(sent) == 2


def test_one_request_too_many_is_refused_with_the_reason(
    client, coordinator, settings, monkeypatch
):
    monkeypatch.setattr("reports.services.report_enqueue", lambda pk: None)
    settings.REPORTS_OPEN_PER_USER = 2
    client.force_login(coordinator)
    for number in (5, 6):
        client.post("/reports/new/", request_data(document_number=f"CWG-COP/24/{number}"))
    assert Report.objects.count() == 2
    refused = client.post("/reports/new/", request_data(document_number="CWG-COP/24/7"))
    assert refused.status_code == 429
    assert "You already have 2 reports in production" in refused.content.decode()
    assert Report.objects.count() == 2
    # A failed one no longer counts.
    Report.objects.filter(document_number="CWG-COP/24/5").update(status=ReportStatus.FAILED)
    accepted = client.post("/reports/new/", request_data(document_number="CWG-COP/24/7"))
    assert accepted.status_code == 302 and Report.objects.count() == 3


def test_report_requests_are_throttled_per_person_per_hour(
    client, coordinator, settings, monkeypatch
):
    monkeypatch.setattr("reports.services.report_enqueue", lambda pk: None)
    settings.REPORTS_PER_USER_PER_HOUR = 3
    client.force_login(coordinator)
    for number in (5, 6, 7):
        client.post("/reports/new/", request_data(document_number=f"CWG-COP/24/{number}"))
        Report.objects.filter(document_number=f"CWG-COP/24/{number}").update(
            status=ReportStatus.READY
        )
    refused = client.post("/reports/new/", request_data(document_number="CWG-COP/24/8"))
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "You have asked for 3 reports in the last hour" in html
    assert 'value="CWG-COP/24/8"' in html  # the form keeps what she typed
    assert Report.objects.count() == 3
    # An hour later she may ask again.
    Report.objects.update(created_at=timezone.now() - datetime.timedelta(hours=1, minutes=1))
    accepted = client.post("/reports/new/", request_data(document_number="CWG-COP/24/8"))
    assert accepted.status_code == 302 and Report.objects.count() == 4


def test_request_it_again_opens_the_form_filled_with_the_failed_reports_parameters(
    client, coordinator, django_capture_on_commit_callbacks, monkeypatch
):
    """After a failure nobody retypes scope, period, language, meeting and document."""
    sent = []
    monkeypatch.setattr("reports.services.report_enqueue", lambda pk: sent.append(pk))
    failed = ready_report(
        coordinator,
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2025, 12, 31),
        language="fr",
        meeting_name="Vingt-quatrième réunion du GTC-COP",
        document_number="CWG-COP/24/12",
    )
    Report.objects.filter(pk=failed.pk).update(status=ReportStatus.FAILED, stage="failed")
    client.force_login(coordinator)
    html = client.get(f"/reports/{failed.pk}/").content.decode()
    assert f'href="/reports/{failed.pk}/again/"' in html

    form = client.get(f"/reports/{failed.pk}/again/")
    html = form.content.decode()
    assert form.status_code == 200
    assert 'action="/reports/new/"' in html
    assert f'<option value="{state("KE").pk}" selected>' in html
    assert re.search(r'<input type="radio" name="scope" value="member_state"[^>]* checked>', html)
    assert 'name="year" value="2024"' in html
    assert 'name="last_year" value="2025"' in html
    assert '<option value="fr" selected>' in html
    assert 'value="Vingt-quatrième réunion du GTC-COP"' in html
    assert 'value="CWG-COP/24/12"' in html

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/reports/new/",
            {
                "scope": "member_state",
                "member_state": state("KE").pk,
                "year": "2024",
                "last_year": "2025",
                "language": "fr",
                "meeting_name": "Vingt-quatrième réunion du GTC-COP",
                "document_number": "CWG-COP/24/12",
            },
        )
    again = Report.objects.exclude(pk=failed.pk).get()
    assert (again.period_start, again.period_end) == (failed.period_start, failed.period_end)
    assert response["Location"] == f"/reports/{again.pk}/" and sent == [again.pk]
    assert again.data_cutoff > failed.data_cutoff


def test_a_whole_year_report_is_asked_again_as_that_year(client, coordinator):
    failed = ready_report(coordinator)
    Report.objects.filter(pk=failed.pk).update(status=ReportStatus.FAILED, stage="failed")
    client.force_login(coordinator)
    html = client.get(f"/reports/{failed.pk}/again/").content.decode()
    assert 'name="year" value="2025"' in html
    assert 'name="last_year" value=' not in html


def test_an_older_report_cut_inside_a_year_is_asked_again_as_its_whole_years(client, coordinator):
    failed = ready_report(
        coordinator,
        period_start=datetime.date(2025, 3, 1),
        period_end=datetime.date(2025, 6, 30),
    )
    Report.objects.filter(pk=failed.pk).update(status=ReportStatus.FAILED, stage="failed")
    client.force_login(coordinator)
    html = client.get(f"/reports/{failed.pk}/again/").content.decode()
    assert 'name="year" value="2025"' in html
    assert 'name="last_year" value=' not in html


@pytest.mark.parametrize(
    ("start", "end"),
    [((2026, 4, 1), (2026, 4, 30)), ((2026, 1, 1), (2026, 6, 30)), ((2025, 7, 1), (2026, 12, 31))],
)
def test_the_service_refuses_a_period_cut_inside_a_year(db, coordinator, start, end):
    """Whoever calls it (a form, the command line, a script): only whole years, so no two
    reports differ by a few weeks' small group of girls."""
    from django.core.exceptions import ValidationError

    from reports.services import report_request

    with pytest.raises(ValidationError) as refused:
        report_request(
            requested_by=coordinator,
            scope="member_state",
            member_state=state("KE"),
            period_start=datetime.date(*start),
            period_end=datetime.date(*end),
            language="en",
            meeting_name="CWG-COP 24",
            document_number="CWG-COP/24/5",
        )
    assert "whole calendar years only" in refused.value.message_dict["year"][0]
    assert not Report.objects.exists()


def test_asking_again_for_a_report_out_of_her_scope_answers_404(client, coordinator):
    other = ready_report(coordinator, member_state="FR")
    Report.objects.filter(pk=other.pk).update(status=ReportStatus.FAILED, stage="failed")
    client.force_login(coordinator)
    assert client.get(f"/reports/{other.pk}/again/").status_code == 404


def test_request_times_say_they_are_utc(client, coordinator):
    """Coordinators work from 194 member states: a bare 14:05 is read as local time."""
    report = ready_report(coordinator)
    client.force_login(coordinator)
    listing = client.get("/reports/").content.decode()
    assert "Requested (UTC)" in listing
    detail = client.get(f"/reports/{report.pk}/").content.decode()
    assert f"{report.created_at:%Y-%m-%d %H:%M} UTC" in detail


def test_a_screen_reader_hears_each_new_stage_of_a_report_once(client, coordinator):
    """WCAG 4.1.3: the poll replaces the progress block every 2 s, so the page's own status
    line, which stays, says a new stage once; an unchanged stage is not said again."""
    report = ready_report(coordinator)
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.RUNNING, stage="aggregating", progress=40
    )
    client.force_login(coordinator)
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert '<p id="report-announcement" class="visually-hidden" role="status"></p>' in page
    block = page.split('<div id="report-progress"')[1].split(">")[0]
    assert f'hx-get="/reports/{report.pk}/progress/?seen=running-aggregating"' in block
    assert "aria-live" not in block and "role=" not in block

    url = f"/reports/{report.pk}/progress/"
    same = client.get(url, {"seen": "running-aggregating"}).content.decode()
    assert "40 %" in same and "report-announcement" not in same

    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.READY, stage="ready", progress=100
    )
    done = client.get(url, {"seen": "running-aggregating"}).content.decode()
    assert (
        '<p id="report-announcement" hx-swap-oob="innerHTML">'
        "Ready. The report has been produced.</p>"
    ) in done
    assert "hx-trigger" not in done


def test_the_request_form_names_the_member_states_in_the_readers_language(client, secretariat):
    client.force_login(secretariat)
    french = client.get("/reports/new/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert ">Brésil</option>" in french and ">Brazil</option>" not in french
    chinese = client.get("/reports/new/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert ">肯尼亚</option>" in chinese
