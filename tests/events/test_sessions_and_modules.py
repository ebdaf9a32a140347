"""Logging COP sessions with attendance counts, and keeping the COP module catalogue."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from copgirls.models import AuditEntry, Role
from events.models import Attendance, CopModule, CopSession
from tests.events.conftest import database_fingerprint, make_event, make_session, make_user


def session_form(module: CopModule, **counts) -> dict:
    data = {
        "module": module.pk,
        "starts_at": "2026-04-23T10:00",
        "duration_minutes": "45",
        "delivery": "in_person",
        "language": "sw",
        "guardian_consent_confirmed": "on",
    }
    data.update({f"n_{key}": value for key, value in counts.items()})
    return data


@pytest.fixture
def module(db):
    return CopModule.objects.get(code="M03")


# --- The catalogue ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_catalogue_is_seeded_with_ten_modules_each_with_three_objectives():
    modules = list(CopModule.objects.filter(code__startswith="M").order_by("position"))
    assert [module.code for module in modules] == [f"M{n:02d}" for n in range(1, 11)]
    assert modules[0].title == "My rights online and the 4Cs"
    assert all(len(module.learning_objectives) == 3 for module in modules)
    assert all(module.summary and module.age_bands for module in modules)
    nudes = CopModule.objects.get(code="M05")
    assert "under_9" not in nudes.age_bands and "9_12" not in nudes.age_bands


def test_the_secretariat_adds_a_module(secretariat_client, secretariat):
    response = secretariat_client.post(
        reverse("events:module_create"),
        {
            "code": "M11",
            "slug": "ai-chatbots",
            "title": "AI chatbots and companions",
            "summary": "What chatbots do with what you tell them.",
            "risk_areas": ["contact", "contract"],
            "age_bands": ["13_18", "19_24"],
            "learning_objectives": "Explain\n\nRecognise\nUse  ",
            "position": "110",
        },
    )

    assert response.status_code == 302
    module = CopModule.objects.get(code="M11")
    assert module.learning_objectives == ["Explain", "Recognise", "Use"]
    assert AuditEntry.objects.get(action="cop_module.create").actor == secretariat


def test_a_coordinator_cannot_change_the_catalogue(coordinator_client, module):
    before = database_fingerprint()
    response = coordinator_client.post(
        reverse("events:module_edit", args=[module.pk]), {"title": "Hacked"}
    )
    assert response.status_code == 403
    assert database_fingerprint() == before


def test_an_unused_module_can_be_deleted(secretariat_client):
    spare = CopModule.objects.create(
        code="X1", slug="spare", title="Spare", summary="s", age_bands=["13_18"]
    )

    response = secretariat_client.post(reverse("events:module_delete", args=[spare.pk]))

    assert response.status_code == 302
    assert not CopModule.objects.filter(code="X1").exists()
    assert AuditEntry.objects.filter(action="cop_module.delete", object_repr__contains="X1")


def test_a_module_in_use_cannot_be_deleted_only_retired(secretariat_client, kenya, module):
    make_session(make_event(kenya), module)

    page = secretariat_client.get(reverse("events:module_delete", args=[module.pk]))
    assert "cannot be deleted" in page.content.decode()
    response = secretariat_client.post(
        reverse("events:module_delete", args=[module.pk]), follow=True
    )
    assert "is in use by COP sessions or questionnaires: retire it instead." in (
        response.content.decode()
    )
    assert CopModule.objects.filter(pk=module.pk).exists()

    secretariat_client.post(reverse("events:module_retire", args=[module.pk]), {"retire": "1"})
    module.refresh_from_db()
    assert module.is_retired
    assert AuditEntry.objects.filter(action="cop_module.retire").count() == 1


def test_a_module_with_a_questionnaire_but_no_session_cannot_be_deleted(secretariat_client):
    """events finds the questionnaire through the relation that protects the module, without
    naming assessments."""
    from assessments.models import Questionnaire

    spare = CopModule.objects.create(
        code="X2", slug="spare-2", title="Spare", summary="s", age_bands=["13_18"]
    )
    Questionnaire.objects.create(module=spare, version=1, title="Draft questionnaire")

    page = secretariat_client.get(reverse("events:module_delete", args=[spare.pk]))
    assert "cannot be deleted" in page.content.decode()
    response = secretariat_client.post(
        reverse("events:module_delete", args=[spare.pk]), follow=True
    )
    assert "is in use by COP sessions or questionnaires: retire it instead." in (
        response.content.decode()
    )
    assert CopModule.objects.filter(pk=spare.pk).exists()
    assert not AuditEntry.objects.filter(action="cop_module.delete").exists()


# --- COP sessions --------------------------------------------------------------------------


def test_a_facilitator_logs_a_session_and_the_event_integrates_cop(client, kenya, module):
    event = make_event(kenya, actual_girls=40)
    facilitator = make_user(Role.FACILITATOR, event=event)
    client.force_login(facilitator)
    form = client.get(reverse("events:session_create", args=[event.pk])).content.decode()
    assert 'inputmode="numeric"' in form
    assert 'type="datetime-local"' in form

    response = client.post(
        reverse("events:session_create", args=[event.pk]),
        session_form(module, **{"13_18_girl": "25", "9_12_girl": "8", "13_18_boy": "4"}),
    )

    assert response.status_code == 302
    session = CopSession.objects.get()
    assert response["Location"] == reverse("events:detail", args=[event.pk]) + (
        f"?logged={session.pk}"
    )
    assert (session.event, session.module, session.facilitator) == (event, module, facilitator)
    assert session.guardian_consent_confirmed
    assert session.language == "sw"
    cells = {(a.age_band, a.gender): a.count for a in Attendance.objects.all()}
    assert cells == {("13_18", "girl"): 25, ("9_12", "girl"): 8, ("13_18", "boy"): 4}
    detail = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert "integrates COP" in detail
    entry = AuditEntry.objects.get(action="cop_session.log")
    assert entry.changes["attendance"][1] == {"9_12/girl": 8, "13_18/girl": 25, "13_18/boy": 4}


def test_after_logging_the_main_action_opens_the_pre_questionnaire(client, kenya, module):
    """On her phone, two taps: save the session, then open its pre questionnaire."""
    event = make_event(kenya, actual_girls=40)
    client.force_login(make_user(Role.FACILITATOR, event=event))
    response = client.post(
        reverse("events:session_create", args=[event.pk]),
        session_form(module, **{"13_18_girl": "25"}),
        follow=True,
    )
    session = CopSession.objects.get()
    page = response.content.decode()
    opens = reverse("assessments:open", args=[session.pk, "pre"])
    assert f'<form method="post" action="{opens}">' in page
    assert "Open the pre questionnaire now" in page
    again = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert "Open the pre questionnaire now" not in again  # only right after logging
    other = client.get(reverse("events:detail", args=[event.pk]), {"logged": "999999"})
    assert "Open the pre questionnaire now" not in other.content.decode()


def test_negative_counts_are_refused(coordinator_client, kenya, module):
    event = make_event(kenya)

    response = coordinator_client.post(
        reverse("events:session_create", args=[event.pk]),
        session_form(module, **{"13_18_girl": "-2"}),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Counts cannot be negative." in html
    assert 'id="id_n_13_18_girl-errors"' in html
    assert CopSession.objects.count() == 0


def test_guardian_consent_must_be_confirmed(coordinator_client, kenya, module):
    event = make_event(kenya)
    data = session_form(module, **{"13_18_girl": "5"})
    del data["guardian_consent_confirmed"]

    response = coordinator_client.post(reverse("events:session_create", args=[event.pk]), data)

    assert "Confirm that guardian consent was arranged." in response.content.decode()
    assert CopSession.objects.count() == 0


def test_attendance_above_the_girls_reached_asks_for_confirmation(
    coordinator_client, kenya, module
):
    event = make_event(kenya, actual_girls=30)
    url = reverse("events:session_create", args=[event.pk])
    data = session_form(module, **{"13_18_girl": "28", "19_24_girl": "7"})

    first = coordinator_client.post(url, data)

    html = first.content.decode()
    assert first.status_code == 200
    assert "35 girls attended this session, more than the 30 girls" in html
    assert 'name="confirm_over_attendance"' in html
    assert CopSession.objects.count() == 0

    confirmed = coordinator_client.post(url, {**data, "confirm_over_attendance": "on"})

    assert confirmed.status_code == 302
    assert CopSession.objects.count() == 1


def test_a_retired_module_cannot_be_chosen(coordinator_client, kenya, module):
    module.is_retired = True
    module.save()
    event = make_event(kenya)
    url = reverse("events:session_create", args=[event.pk])

    assert f'value="{module.pk}"' not in coordinator_client.get(url).content.decode()
    response = coordinator_client.post(url, session_form(module, **{"13_18_girl": "5"}))
    assert response.status_code == 200
    assert CopSession.objects.count() == 0


def test_editing_a_session_replaces_its_counts(coordinator_client, kenya, module):
    session = make_session(make_event(kenya), module, girls=12)

    response = coordinator_client.post(
        reverse("events:session_edit", args=[session.pk]),
        session_form(module, **{"13_18_girl": "15"}),
    )

    assert response.status_code == 302
    assert list(session.attendance.values_list("age_band", "gender", "count")) == [
        ("13_18", "girl", 15)
    ]
    entry = AuditEntry.objects.get(action="cop_session.update")
    assert entry.changes["attendance"] == [
        {"13_18/girl": 12, "13_18/boy": 3},
        {"13_18/girl": 15},
    ]


def test_a_facilitator_of_another_event_cannot_log(client, kenya, module):
    mine, other = make_event(kenya), make_event(kenya)
    client.force_login(make_user(Role.FACILITATOR, event=mine))

    response = client.post(
        reverse("events:session_create", args=[other.pk]),
        session_form(module, **{"13_18_girl": "5"}),
    )

    assert response.status_code == 404
    assert CopSession.objects.count() == 0


def test_the_session_starts_at_the_time_typed_on_the_clock_where_it_is_held(
    coordinator_client, kenya, module
):
    """14:00 typed for a session in Nairobi is 11:00 UTC, and is shown as 14:00 EAT."""
    event = make_event(kenya)
    coordinator_client.post(
        reverse("events:session_create", args=[event.pk]),
        {**session_form(module, **{"13_18_girl": "5"}), "starts_at": "2026-04-23T14:00"},
    )
    session = CopSession.objects.get()
    assert session.time_zone == "Africa/Nairobi"
    assert session.starts_at == datetime.datetime(2026, 4, 23, 11, 0, tzinfo=datetime.UTC)
    detail = coordinator_client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert "23 April 2026, 14:00 EAT (Africa/Nairobi)" in detail
    for url in (reverse("assessments:sessions"), reverse("assessments:session", args=[session.pk])):
        assert "23 April 2026, 14:00 EAT (Africa/Nairobi)" in (
            coordinator_client.get(url).content.decode()
        ), url
    edit = coordinator_client.get(reverse("events:session_edit", args=[session.pk]))
    assert 'value="2026-04-23T14:00"' in edit.content.decode()
    # Saved again unchanged, it stays at 11:00 UTC (no drift by three hours per save).
    coordinator_client.post(
        reverse("events:session_edit", args=[session.pk]),
        {**session_form(module, **{"13_18_girl": "5"}), "starts_at": "2026-04-23T14:00"},
    )
    session.refresh_from_db()
    assert session.starts_at == datetime.datetime(2026, 4, 23, 11, 0, tzinfo=datetime.UTC)


def test_a_start_in_a_state_of_several_time_zones_waits_for_her_choice_of_zone(
    secretariat_client, module
):
    event = make_event("BR")
    url = reverse("events:session_create", args=[event.pk])
    data = {**session_form(module, **{"13_18_girl": "5"}), "starts_at": "2026-04-23T14:00"}

    refused = secretariat_client.post(url, data)

    assert refused.status_code == 200
    assert "Brazil has several time zones: choose the one the start time is in." in (
        refused.content.decode()
    )
    assert not CopSession.objects.exists()
    secretariat_client.post(url, {**data, "time_zone": "America/Manaus"})
    assert CopSession.objects.get().starts_at == datetime.datetime(
        2026, 4, 23, 18, 0, tzinfo=datetime.UTC
    )


def test_the_module_of_a_session_whose_assessment_has_started_cannot_change(
    coordinator_client, kenya, module
):
    from assessments.services import link_open

    session = make_session(make_event(kenya), module, girls=12)
    other = CopModule.objects.exclude(pk=module.pk).filter(is_retired=False).first()
    before_link = coordinator_client.post(
        reverse("events:session_edit", args=[session.pk]), session_form(other)
    )
    assert before_link.status_code == 302
    session.refresh_from_db()
    assert session.module == other

    link_open(session=session, phase="pre", actor=None)
    refused = coordinator_client.post(
        reverse("events:session_edit", args=[session.pk]), session_form(module)
    )
    assert refused.status_code == 200
    assert "its module can no longer change" in refused.content.decode()
    session.refresh_from_db()
    assert session.module == other


def test_a_session_form_sent_twice_logs_one_session(coordinator_client, kenya, module):
    """A double tap on a slow phone connection sends the same form twice."""
    event = make_event(kenya)
    url = reverse("events:session_create", args=[event.pk])
    data = session_form(module, **{"13_18_girl": "25", "13_18_boy": "4"})

    first = coordinator_client.post(url, data)
    second = coordinator_client.post(url, data)

    assert (first.status_code, second.status_code) == (302, 302)
    assert CopSession.objects.count() == 1
    event.refresh_from_db()
    assert event.cop_session_count == 1
    assert AuditEntry.objects.filter(action="cop_session.log").count() == 1
    # Another group at another time is another session.
    coordinator_client.post(url, {**data, "starts_at": "2026-04-23T14:00"})
    assert CopSession.objects.count() == 2


@pytest.mark.parametrize("starts_at", ["0001-01-01T00:00", "9999-12-31T23:59", "2206-04-23T10:00"])
def test_a_session_start_in_an_impossible_year_is_refused(
    coordinator_client, kenya, module, starts_at
):
    event = make_event(kenya)
    data = session_form(module, **{"13_18_girl": "5"})

    response = coordinator_client.post(
        reverse("events:session_create", args=[event.pk]), {**data, "starts_at": starts_at}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose a date from 2011 to" in html
    assert f'value="{starts_at}"' in html  # what she typed stays
    assert CopSession.objects.count() == 0


def test_one_girl_above_a_celebration_that_reached_one_is_said_in_the_singular(
    coordinator_client, kenya, module
):
    event = make_event(kenya, actual_girls=1)
    url = reverse("events:session_create", args=[event.pk])

    html = coordinator_client.post(url, session_form(module, **{"13_18_girl": "2"})).content
    assert "2 girls attended this session, more than the 1 girl the celebration reached." in (
        html.decode()
    )
    event.actual_girls = 0
    event.save()
    html = coordinator_client.post(url, session_form(module, **{"13_18_girl": "1"})).content
    assert "1 girl attended this session, more than the 0 girls the celebration reached." in (
        html.decode()
    )
