"""``Event.cop_session_count``: kept right by the services, the seed generator and the
migration, and every figure built on it equals an independent count of the sessions."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.apps import apps as global_apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, F, Sum
from django.utils import timezone

from assessments.models import Questionnaire, Response
from copgirls.closed_years import loading_history
from copgirls.models import AuditEntry, MemberState, Region
from copgirls.publication import last_closed_year
from events import selectors, services
from events.models import Attendance, CopModule, CopSession, Event
from tests.events.conftest import make_event, make_session

THIS_YEAR = timezone.localdate().year
#: Girls are counted for closed years only (copgirls.publication).
CLOSED = last_closed_year()


def stored_count(event: Event) -> int:
    return Event.objects.values_list("cop_session_count", flat=True).get(pk=event.pk)


def counted(event: Event) -> int:
    return CopSession.objects.filter(event=event).count()


def add_response(session: CopSession) -> Response:
    questionnaire = Questionnaire.objects.create(
        module=session.module,
        version=Questionnaire.objects.filter(module=session.module).count() + 1,
        title="Test questionnaire",
    )
    return Response.objects.create(
        session=session,
        questionnaire=questionnaire,
        phase="pre",
        age_band="13_18",
        gender="girl",
        assent=True,
        source="web",
        client_submission_id=uuid.uuid4(),
        payload_digest="0" * 64,
        participant_key="k" * 64,
        submitted_at=timezone.now().replace(second=0, microsecond=0),
    )


# --- The services ----------------------------------------------------------------------------


def test_logging_sessions_counts_them_on_the_celebration(kenya):
    event = make_event(kenya)
    assert stored_count(event) == 0

    make_session(event)
    second = make_session(event, CopModule.objects.get(code="M04"))

    assert stored_count(event) == counted(event) == 2
    assert second.event.cop_session_count == 2  # the instance the service returned, too


def test_editing_a_session_leaves_the_count_alone(kenya):
    event = make_event(kenya)
    session = make_session(event)

    services.cop_session_update(
        actor=None,
        session=session,
        data={"duration_minutes": 90, "module": CopModule.objects.get(code="M02")},
        attendance={("13_18", "girl"): 20},
    )

    assert stored_count(event) == counted(event) == 1


def test_a_refused_session_changes_no_count(kenya):
    event = make_event(kenya, actual_girls=5)

    with pytest.raises(ValidationError, match="more than the 5 girls"):
        services.cop_session_log(
            actor=None,
            event=event,
            data={
                "module": CopModule.objects.get(code="M01"),
                "starts_at": timezone.now(),
                "duration_minutes": 45,
                "delivery": "in_person",
                "language": "en",
                "guardian_consent_confirmed": True,
            },
            attendance={("13_18", "girl"): 12},
        )

    assert stored_count(event) == counted(event) == 0


def test_deleting_a_session_counts_down_and_is_audited(kenya, secretariat):
    event = make_event(kenya)
    keep = make_session(event)
    gone = make_session(event, girls=7)

    services.cop_session_delete(actor=secretariat, session=gone)

    assert stored_count(event) == counted(event) == 1
    assert list(CopSession.objects.values_list("pk", flat=True)) == [keep.pk]
    assert not Attendance.objects.filter(session_id=gone.pk).exists()
    entry = AuditEntry.objects.get(action="cop_session.delete")
    assert entry.actor == secretariat and entry.object_id == str(gone.pk)
    assert entry.changes["attendance"] == [{"13_18/girl": 7, "13_18/boy": 3}, None]
    assert entry.changes["event"] == [event.pk, None]

    services.cop_session_delete(actor=secretariat, session=keep)
    assert stored_count(event) == 0
    assert selectors.state_dashboard(kenya).all_years.integrating_cop == 0


def test_a_session_with_responses_cannot_be_deleted(kenya):
    event = make_event(kenya)
    session = make_session(event)
    add_response(session)

    with pytest.raises(ValidationError, match="Participants have answered") as refused:
        services.cop_session_delete(actor=None, session=session)

    assert refused.value.messages == [
        "Participants have answered in this COP session: it cannot be deleted."
    ]
    assert refused.value.code == "has_responses"
    assert stored_count(event) == counted(event) == 1
    assert Response.objects.filter(session=session).count() == 1
    assert not AuditEntry.objects.filter(action="cop_session.delete").exists()


def test_deleting_a_celebration_takes_its_sessions_out_of_every_figure(kenya, secretariat):
    kept = make_event(kenya, actual_girls=40, start_date=datetime.date(CLOSED, 4, 23))
    make_session(kept)
    gone = make_event(kenya, actual_girls=60)
    make_session(gone)
    make_session(gone)

    services.event_delete(actor=secretariat, event=gone)

    assert not Event.objects.filter(pk=gone.pk).exists()
    assert CopSession.objects.count() == 1
    figures = selectors.state_dashboard(kenya).all_years
    assert (figures.celebrations, figures.integrating_cop, figures.sessions) == (1, 1, 1)
    assert str(figures.girls_reached) == "40"
    entry = AuditEntry.objects.get(action="event.delete")
    assert entry.object_id == str(gone.pk) and entry.changes["cop_sessions"] == [2, None]


def test_a_celebration_with_responses_cannot_be_deleted(kenya):
    event = make_event(kenya)
    add_response(make_session(event))

    with pytest.raises(ValidationError, match="Participants have answered") as refused:
        services.event_delete(actor=None, event=event)

    assert refused.value.messages == [
        "Participants have answered in a COP session of this celebration: it cannot be deleted."
    ]
    assert refused.value.code == "has_responses"
    assert Event.objects.filter(pk=event.pk).exists() and stored_count(event) == 1
    assert Response.objects.filter(session__event=event).count() == 1
    assert not AuditEntry.objects.filter(action="event.delete").exists()


def test_a_celebration_whose_sessions_have_no_responses_is_deleted_beside_one_that_has(kenya):
    """The guard looks at the sessions being deleted, not at every session."""
    answered = make_event(kenya)
    add_response(make_session(answered))
    unanswered = make_event(kenya)
    make_session(unanswered)

    services.event_delete(actor=None, event=unanswered)

    assert list(Event.objects.values_list("pk", flat=True)) == [answered.pk]


def test_the_refusals_are_assessments_guards_registered_with_events():
    """events asks whoever registered a guard; assessments registers its own from ready()."""
    from assessments.guards import (
        sessions_with_links_keep_their_module,
        sessions_with_responses_refuse_deletion,
    )
    from events import guards

    assert guards.deletion_guards() == (sessions_with_responses_refuse_deletion,)
    assert guards.module_change_guards() == (sessions_with_links_keep_their_module,)
    apps_config = global_apps.get_app_config("assessments")
    apps_config.ready()  # run twice, as a test runner may: each guard is still there once
    assert guards.deletion_guards() == (sessions_with_responses_refuse_deletion,)


def test_a_registered_deletion_guard_refuses_with_its_own_message(kenya, monkeypatch):
    from events import guards

    event = make_event(kenya)
    session = make_session(event)
    seen = []

    def refuse(*, sessions, event):
        seen.append((sorted(sessions.values_list("pk", flat=True)), event))
        raise ValidationError("Kept for another app.", code="kept")

    monkeypatch.setattr(guards, "_deletion_guards", [*guards.deletion_guards(), refuse])

    with pytest.raises(ValidationError, match="Kept for another app."):
        services.cop_session_delete(actor=None, session=session)
    with pytest.raises(ValidationError, match="Kept for another app."):
        services.event_delete(actor=None, event=event)

    assert seen == [([session.pk], None), ([session.pk], event)]
    assert stored_count(event) == counted(event) == 1


# --- Figures equal an independent count --------------------------------------------------------


@pytest.fixture
def varied(db, secretariat):
    """Celebrations in three regions over two years, sessions logged and some deleted."""
    modules = list(CopModule.objects.order_by("position")[:4])
    with loading_history():  # 2024 is closed: its sessions and deletions are its history
        _varied(secretariat, modules)


def _varied(secretariat, modules) -> None:
    for index, code in enumerate(["KE", "KE", "KE", "RW", "FR", "FR", "BR", "IN", "IN"]):
        for year in (2024, THIS_YEAR):
            event = make_event(
                code,
                start_date=datetime.date(year, 4, 20),
                actual_girls=30 + index,
                status="draft" if index == 5 else "completed",
            )
            sessions = [
                make_session(event, modules[(index + n) % 4], girls=10 + n)
                for n in range((index + year) % 4)
            ]
            if len(sessions) > 1 and index % 2:
                services.cop_session_delete(actor=secretariat, session=sessions[0])
        if index == 7:
            services.event_delete(actor=secretariat, event=event)


def expected_figures(events) -> tuple[int, int, int, int]:
    # Published and completed celebrations only, as the public pages and the reports count.
    events = events.filter(status__in=["published", "completed"])
    sessions = CopSession.objects.filter(event__in=events)
    return (
        events.count(),
        events.filter(pk__in=sessions.values("event_id")).count(),
        shown_total(
            events.filter(status__in=["published", "completed"], year__lte=CLOSED)
            .values("member_state", "year")
            .annotate(n=Sum("actual_girls"))
        ),
        sessions.count(),
    )


def shown_total(cells) -> int:
    """Girls are counted on dashboards as on public pages: the sum of the cells of 10 or
    more (published celebrations' girls per member state and year; girls attending per
    member state and module)."""
    return sum(cell["n"] or 0 for cell in cells if (cell["n"] or 0) >= 10)


def as_tuple(figures) -> tuple[int, int, int, int]:
    return (
        figures.celebrations,
        figures.integrating_cop,
        figures.girls_reached.value or 0,
        figures.sessions,
    )


def expected_modules(sessions) -> dict[str, tuple[int, int, int]]:
    sessions = sessions.filter(event__status__in=["published", "completed"])
    rows = {}
    for module in CopModule.objects.filter(is_retired=False):
        mine = sessions.filter(module=module)
        girls = shown_total(
            Attendance.objects.filter(
                session__in=mine, gender="girl", session__event__year__lte=CLOSED
            )
            .values("session__event__member_state")
            .annotate(n=Sum("count"))
        )
        rows[module.code] = (
            mine.count(),
            mine.filter(event__year=THIS_YEAR).count(),
            girls or 0,
        )
    return rows


def mismatched_counts():
    return Event.objects.annotate(n=Count("cop_sessions")).exclude(cop_session_count=F("n"))


def test_every_stored_count_equals_a_count_of_the_sessions(varied):
    assert not mismatched_counts().exists()
    assert CopSession.objects.count() > 10
    assert CopSession.objects.values("event_id").annotate(n=Count("pk")).filter(n__gt=1).exists()


@pytest.mark.parametrize(
    ("scope", "events", "sessions"),
    [
        ("world", lambda: Event.objects.all(), lambda: CopSession.objects.all()),
        (
            "AFR",
            lambda: Event.objects.filter(member_state__region__code="AFR"),
            lambda: CopSession.objects.filter(event__member_state__region__code="AFR"),
        ),
        (
            "KE",
            lambda: Event.objects.filter(member_state__iso2="KE"),
            lambda: CopSession.objects.filter(event__member_state__iso2="KE"),
        ),
    ],
)
def test_the_dashboards_equal_an_independent_count(varied, scope, events, sessions):
    if scope == "world":
        dashboard = selectors.world_dashboard()
    elif scope == "AFR":
        dashboard = selectors.region_dashboard(Region.objects.get(code="AFR"))
    else:
        dashboard = selectors.state_dashboard(MemberState.objects.get(iso2="KE"))

    assert as_tuple(dashboard.all_years) == expected_figures(events())
    assert as_tuple(dashboard.this_year) == expected_figures(events().filter(year=THIS_YEAR))
    assert {
        row.code: (row.sessions, row.sessions_this_year, row.girls.value or 0)
        for row in dashboard.modules
    } == (expected_modules(sessions()))
    for row in dashboard.breakdown:
        group = (
            events().filter(member_state__region__code=row["code"])
            if scope == "world"
            else events().filter(member_state__iso2=row["code"])
        )
        assert as_tuple(row["all_years"]) == expected_figures(group), row["name"]
    # The generic form (sessions found through the events) gives the same dashboard.
    assert selectors.dashboard(events()).all_years == dashboard.all_years
    assert selectors.dashboard(events()).modules == dashboard.modules


def test_the_public_figures_equal_an_independent_count(varied):
    published = Event.objects.filter(status__in=["published", "completed"])
    celebrations, integrating, _girls, sessions = expected_figures(published)

    headline = selectors.public_headline()
    assert (headline.celebrations, headline.integrating_cop, headline.sessions) == (
        celebrations,
        integrating,
        sessions,
    )
    rows, totals = selectors.public_by_member_state()
    assert {row.iso2: row.integrating_cop for row in rows} == {
        iso2: expected_figures(published.filter(member_state__iso2=iso2))[1]
        for iso2 in published.values_list("member_state__iso2", flat=True).distinct()
    }
    assert totals.sessions == sessions
    kenya = selectors.public_state_figures(MemberState.objects.get(iso2="KE"))
    assert {row["year"]: row["figures"].sessions for row in kenya["years"]} == {
        year: CopSession.objects.filter(
            event__in=published.filter(member_state__iso2="KE", year=year)
        ).count()
        for year in (2024, THIS_YEAR)
    }
    listed = {event.pk: event.integrates_cop for event in selectors.public_events()}
    assert listed == {event.pk: event.cop_sessions.exists() for event in published}


def test_the_staff_list_filters_on_the_count(varied, secretariat):
    with_cop = selectors.event_list(user=secretariat, filters={"cop": "yes"})
    without = selectors.event_list(user=secretariat, filters={"cop": "no"})

    assert {event.pk: event.session_count for event in with_cop} == {
        event.pk: event.cop_sessions.count()
        for event in Event.objects.filter(cop_sessions__isnull=False).distinct()
    }
    assert set(without.values_list("pk", flat=True)) == set(
        Event.objects.filter(cop_sessions__isnull=True).values_list("pk", flat=True)
    )


# --- The migration and the seed generator -------------------------------------------------------


def test_the_migration_backfills_the_counts(varied):
    from importlib import import_module

    backfill = import_module("events.migrations.0003_event_cop_session_count").backfill
    Event.objects.update(cop_session_count=0)

    backfill(global_apps, type("Editor", (), {"connection": connection})())

    assert not mismatched_counts().exists()
    assert Event.objects.filter(cop_session_count__gt=1).exists()


@pytest.mark.django_db
def test_the_seed_generator_writes_the_counts():
    call_command("seed_demo", "--scale", "demo")

    assert Event.objects.filter(cop_session_count__gt=1).exists()
    assert not mismatched_counts().exists()


def test_the_nightly_repair_recounts_only_celebrations_out_of_step(kenya):
    right = make_event(kenya, title="Counted by the services")
    make_session(right)
    written_around = make_event(kenya, title="Sessions written around the services")
    make_session(written_around)
    make_session(written_around, CopModule.objects.get(code="M04"))
    # Raw writes, as a restore or a script might do: the stored counts drift.
    Event.objects.filter(pk=written_around.pk).update(cop_session_count=0)
    CopSession.objects.create(
        event=right,
        module=CopModule.objects.get(code="M04"),
        starts_at=timezone.now(),
        duration_minutes=60,
        delivery="in_person",
        language="en",
        guardian_consent_confirmed=True,
    )
    assert stored_count(right) == 1 and stored_count(written_around) == 0

    from events.tasks import repair_cop_session_counts

    assert sorted(repair_cop_session_counts()) == sorted([right.pk, written_around.pk])
    assert stored_count(right) == counted(right) == 2
    assert stored_count(written_around) == counted(written_around) == 2
    entry = AuditEntry.objects.get(
        action="event.cop_session_count.repair", object_id=str(written_around.pk)
    )
    assert entry.changes == {"cop_session_count": [0, 2]}
    assert repair_cop_session_counts() == []  # nothing left to repair


def test_the_repair_is_scheduled_daily_and_known_to_the_worker():
    from django.conf import settings

    from copgirls.worker import app

    entry = settings.CELERY_BEAT_SCHEDULE["events-repair-cop-session-counts"]
    assert entry["schedule"] == 24 * 60 * 60
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
