"""Erasure of an event's responses (typed confirmation, audit) and the retention job."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from assessments.answers import Submission
from assessments.models import Answer, Response
from assessments.services import response_store, responses_erase_expired
from assessments.tasks import erase_expired_responses
from copgirls.models import AuditEntry
from reports.models import Report
from tests.assessments.conftest import answers_for, make_event, make_session


def fill(session, questionnaire, n, *, days_ago=0):
    for i in range(n):
        for phase in ("pre", "post"):
            response_store(
                session=session,
                questionnaire=questionnaire,
                phase=phase,
                source="web",
                submission=Submission(True, "13_18", "", f"code {i}", answers_for(questionnaire)),
                client_submission_id=uuid.uuid4(),
                submitted_at=timezone.now() - datetime.timedelta(days=days_ago),
            )


def test_coordinator_erases_an_event_after_typing_its_name(
    client, coordinator, event, session, questionnaire
):
    second_session = make_session(event, "M05")
    other_event = make_event("KE", "E-2")
    other_session = make_session(other_event)
    fill(session, questionnaire, 3)
    second_questionnaire = second_session.module.questionnaires.get(status="published")
    fill(second_session, second_questionnaire, 2)
    fill(other_session, questionnaire, 4)
    client.force_login(coordinator)
    url = reverse("assessments:erase", args=[event.pk])
    page = client.get(url).content.decode()
    assert "This celebration has 10 stored responses in 2 COP sessions" in page

    wrong = client.post(url, {"confirm_title": "Girls in ICT Day"})
    assert wrong.status_code == 400
    assert "This is not the name of the celebration" in wrong.content.decode()
    assert Response.objects.filter(session__event=event).count() == 10

    done = client.post(url, {"confirm_title": f"  {event.title.lower()} "}, follow=True)
    assert "10 responses of 2 COP sessions were erased" in done.content.decode()
    assert not Response.objects.filter(session__event=event).exists()
    assert not Answer.objects.filter(response__session__event=event).exists()
    assert Response.objects.filter(session__event=other_event).count() == 8
    assert Answer.objects.filter(response__session__event=other_event).count() == 8 * 10

    entry = AuditEntry.objects.get(action="responses.erase_event")
    assert entry.actor == coordinator
    assert entry.object_id == str(event.pk)
    assert entry.changes["responses"] == 10
    assert entry.changes["pre"] == 5 and entry.changes["post"] == 5
    assert entry.changes["sessions"] == 2
    assert entry.changes["answers"] == (
        3 * 2 * questionnaire.items.count() + 2 * 2 * second_questionnaire.items.count()
    )


def test_retention_job_erases_only_old_responses_and_keeps_reports(session, questionnaire):
    keep_days = settings.RESPONSE_RETENTION_DAYS
    fill(session, questionnaire, 2, days_ago=keep_days + 2)
    fill(session, questionnaire, 3, days_ago=keep_days - 2)
    report = Report.objects.create(
        scope="global",
        period_start=datetime.date(2020, 1, 1),
        period_end=datetime.date(2026, 12, 31),
        language="en",
        meeting_name="CWG-COP 24",
        document_number="CWG-COP/24/5",
        status="ready",
        figures={"paired": 123},
    )
    counts = erase_expired_responses()
    assert counts["responses"] == 4
    assert Response.objects.count() == 6
    assert Report.objects.get(pk=report.pk).figures == {"paired": 123}
    entry = AuditEntry.objects.get(action="responses.erase_expired")
    assert entry.actor is None and entry.changes["responses"] == 4
    assert responses_erase_expired()["responses"] == 0  # idempotent, no empty audit entry
    assert AuditEntry.objects.filter(action="responses.erase_expired").count() == 1


def test_retention_job_is_scheduled_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["assessments-erase-expired-responses"]
    assert entry["task"] == "assessments.tasks.erase_expired_responses"
    assert entry["schedule"] == 24 * 60 * 60
    assert "worker-heartbeat" in settings.CELERY_BEAT_SCHEDULE


def test_erasure_closes_the_celebrations_collection_links_and_no_other(
    coordinator, event, session, questionnaire
):
    from assessments.models import CollectionLink
    from assessments.services import link_open, responses_erase_for_event

    other_session = make_session(make_event("KE", "E-3"))
    pre = link_open(session=session, phase="pre", actor=coordinator)
    other = link_open(session=other_session, phase="pre", actor=coordinator)
    fill(session, questionnaire, 2)

    counts = responses_erase_for_event(event=event, actor=coordinator)

    assert counts["links_closed"] == 1
    assert not CollectionLink.objects.get(pk=pre.pk).is_open_at(timezone.now())
    assert CollectionLink.objects.get(pk=other.pk).is_open_at(timezone.now())


def test_one_response_of_one_session_is_counted_in_the_singular(
    client, coordinator, event, session, questionnaire
):
    response_store(
        session=session,
        questionnaire=questionnaire,
        phase="pre",
        source="web",
        submission=Submission(True, "13_18", "", "code 1", answers_for(questionnaire)),
        client_submission_id=uuid.uuid4(),
        submitted_at=timezone.now(),
    )
    client.force_login(coordinator)
    url = reverse("assessments:erase", args=[event.pk])

    page = client.get(url).content.decode()
    done = client.post(url, {"confirm_title": event.title}, follow=True).content.decode()

    assert "This celebration has 1 stored response in 1 COP session." in page
    assert "1 response of 1 COP session was erased." in done
