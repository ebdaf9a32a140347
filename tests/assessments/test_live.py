"""The facilitator's live view: pre/post counts and pairing rate, htmx with a no-JS fallback."""

from __future__ import annotations

import datetime
import uuid

from django.urls import reverse
from django.utils import timezone

from assessments.answers import Submission
from assessments.services import response_store
from tests.assessments.conftest import answers_for, make_session


def add(session, questionnaire, phase, code):
    response_store(
        session=session,
        questionnaire=questionnaire,
        phase=phase,
        source="web",
        submission=Submission(True, "13_18", "", code, answers_for(questionnaire)),
        client_submission_id=uuid.uuid4(),
        submitted_at=timezone.now() - datetime.timedelta(minutes=5),
    )


def test_live_counts_and_pairing_rate(client, session, questionnaire, facilitator):
    for code in ("star 1", "star 2", "star 3", "star 4"):
        add(session, questionnaire, "pre", code)
    for code in ("star 1", "star 2", "star 3", "moon 9"):
        add(session, questionnaire, "post", code)
    client.force_login(facilitator)
    page = client.get(reverse("assessments:live", args=[session.pk])).content.decode()
    assert '<dd data-figure="pre">4</dd>' in page
    assert '<dd data-figure="post">4</dd>' in page
    assert '<dd data-figure="pairs">3</dd>' in page
    assert '<dd data-figure="rate">75 %</dd>' in page
    assert 'hx-trigger="every 5s"' in page
    assert '<noscript><meta http-equiv="refresh"' in page
    assert "/static/js/htmx.min.js" in page
    fragment = client.get(reverse("assessments:live", args=[session.pk]), HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert html.startswith('<div id="live-counts"') and "<html" not in html
    assert '<dd data-figure="pairs">3</dd>' in html


def test_live_and_lists_run_a_constant_number_of_queries(
    client, event, session, questionnaire, facilitator, django_assert_max_num_queries
):
    client.force_login(facilitator)
    urls = [
        reverse("assessments:live", args=[session.pk]),
        reverse("assessments:session", args=[session.pk]),
        reverse("assessments:sessions"),
    ]
    for size in (2, 12):
        for n in range(size):
            add(session, questionnaire, "pre", f"code {size} {n}")
            add(session, questionnaire, "post", f"code {size} {n}")
            make_session(event)
        for url in urls:
            with django_assert_max_num_queries(12):
                assert client.get(url).status_code == 200


def test_questionnaire_list_runs_a_constant_number_of_queries(
    client, secretariat, django_assert_max_num_queries
):
    client.force_login(secretariat)
    with django_assert_max_num_queries(6):
        page = client.get(reverse("assessments:questionnaires"))
    assert page.status_code == 200
    assert page.content.decode().count("version 1") == 10


def test_a_facilitator_without_a_session_is_shown_where_to_log_one(client, event, facilitator):
    """Invited to a celebration, she opens Assessments first: the page must lead on."""
    client.force_login(facilitator)
    html = client.get(reverse("assessments:sessions")).content.decode()
    assert "No COP session to assess yet." in html
    main = html.split("<main")[1].split("</main>")[0]
    assert f'href="{reverse("events:detail", args=[event.pk])}"' in main
    assert event.title in main
