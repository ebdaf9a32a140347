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
    assert 'http-equiv="refresh"' not in page  # a reload every 15 s that nobody could stop
    assert '<p id="live-announcement" class="visually-hidden" role="status"></p>' in page
    assert '<a href="?updates=off">Stop the automatic updates</a>' in page
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


def test_a_screen_reader_hears_the_live_counts_once_when_they_change_and_can_stop_them(
    client, session, questionnaire, facilitator
):
    """WCAG 4.1.3 and 2.2.2: the counts are said politely, only when they change, by a
    status line that stays in the page; the facilitator can stop the updates."""
    add(session, questionnaire, "pre", "star 1")
    client.force_login(facilitator)
    url = reverse("assessments:live", args=[session.pk])
    page = client.get(url).content.decode()
    assert f'hx-get="{url}?seen=1-0-0"' in page
    assert "aria-live" not in page.split('id="live-counts"')[1].split(">")[0]

    unchanged = client.get(url, {"seen": "1-0-0"}, HTTP_HX_REQUEST="true")
    assert unchanged.status_code == 204 and unchanged.content == b""

    add(session, questionnaire, "post", "star 1")
    changed = client.get(url, {"seen": "1-0-0"}, HTTP_HX_REQUEST="true").content.decode()
    assert '<dd data-figure="pairs">1</dd>' in changed
    assert (
        '<p id="live-announcement" hx-swap-oob="innerHTML">'
        "Responses before: 1, after: 1, pairs: 1.</p>"
    ) in changed
    assert f'hx-get="{url}?seen=1-1-1"' in changed

    stopped = client.get(url, {"updates": "off"}).content.decode()
    assert "hx-trigger" not in stopped and "htmx.min.js" not in stopped
    assert "The figures do not update by themselves." in stopped
    assert '<a href="?">Update them every few seconds</a>' in stopped


def test_other_roles_see_no_count_of_a_session_they_do_not_run(
    client, session, questionnaire, facilitator, coordinator, secretariat
):
    """The counts are the facilitator's working figures: exact for her; for every other
    role a session is no cell of the publication grid, so its counts are withheld ("x")
    even when they are 10 or more: a report's (member state, year) cell minus the sessions
    shown exactly would give back a session of a few girls (issue 20)."""
    for number in range(12):
        add(session, questionnaire, "pre", f"star {number}")
    add(session, questionnaire, "post", "star 1")
    url = reverse("assessments:live", args=[session.pk])
    client.force_login(facilitator)
    assert '<dd data-figure="pre">12</dd>' in client.get(url).content.decode()
    for user in (coordinator, secretariat):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert '<dd data-figure="pre">x</dd>' in page
        assert '<dd data-figure="pairs">x</dd>' in page
        assert '<dd data-figure="rate">—</dd>' in page
        assert ">12<" not in page and "12 girls" not in page
        assert "shown only to those who run it" in page
