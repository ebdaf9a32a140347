"""A closed year's response-derived figures are frozen when it closes (issue 20): the report's
figures and annex are the same live before the freeze, after it, after a celebration's answers
are erased on request and after the retention job erased part of the year.

Data: the disclosure audit's "small_states" dataset (eleven member states in 2025 and 2026,
most with fewer than 10 pairs), and in Kenya 2025 a large celebration beside a small one of 4
pairs and 3 unpaired pre responses (a shown cell: erasing the small one would move its n).
"""

from __future__ import annotations

import datetime
import io
import json
import threading
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils import timezone

from assessments.models import Response
from assessments.services import responses_erase_expired, responses_erase_for_event
from copgirls.models import AuditEntry
from reports.aggregation import Selection
from reports.annex import annex_csv
from reports.figures import build_figures
from reports.freezing import year_freeze, years_freeze_closed
from reports.models import FrozenPair, FrozenResponseCount, FrozenYear, Report
from reports.services import report_generate
from tests.disclosure_audit.test_impact_audit import generate
from tests.reports.factories import (
    CopModuleFactory,
    CopSessionFactory,
    EventFactory,
    add_pairs,
    add_unpaired,
    state,
)


def published(figures: dict, report: Report) -> tuple[dict, bytes]:
    """The figures as a report stores them (the database's JSON) and its annex CSV."""
    Report.objects.filter(pk=report.pk).update(
        figures=json.loads(json.dumps(figures, cls=DjangoJSONEncoder))
    )
    report.refresh_from_db()
    return report.figures, annex_csv(report)


def report_2025() -> dict:
    selection = Selection(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31), timezone.now())
    return build_figures(selection, language="en")


def kenya_2025(module) -> tuple:
    kenya = state("KE")
    large = EventFactory(member_state=kenya, start_date=datetime.date(2025, 4, 23))
    session = CopSessionFactory(event=large, module=module)
    add_pairs(session, [40.0 + i for i in range(20)], [55.0 + 2 * i for i in range(20)])
    add_unpaired(session, "pre", 12)
    add_unpaired(session, "post", 11)
    small = EventFactory(member_state=kenya, start_date=datetime.date(2025, 5, 2))
    small_session = CopSessionFactory(event=small, module=module)
    add_pairs(small_session, [10.0, 20.0, 30.0, 35.0], [90.0, 95.0, 100.0, 85.0])
    add_unpaired(small_session, "pre", 3)
    return large, small


@pytest.fixture
def closed_year(db):
    generate("small_states", seed=7)
    large, small = kenya_2025(CopModuleFactory(code="MK"))
    # The large celebration's answers were sent in March 2025, the others' in October: the
    # retention job run on 1 June 2028 erases the former only.
    Response.objects.filter(session__event=large).update(
        submitted_at=datetime.datetime(2025, 3, 1, 10, 0, tzinfo=datetime.UTC)
    )
    Response.objects.filter(session__event__year=2025).exclude(session__event=large).update(
        submitted_at=datetime.datetime(2025, 10, 1, 10, 0, tzinfo=datetime.UTC)
    )
    return SimpleNamespace(large=large, small=small)


def africa_row(figures: dict) -> dict:
    return next(row for row in figures["impact"]["by_region"] if row["label"] == "Africa")


def check(**options) -> str:
    out = io.StringIO()
    call_command("years_freeze", "--check", stdout=out, **options)
    return out.getvalue()


def test_a_closed_years_report_is_the_same_before_and_after_the_freeze_and_every_erasure(
    closed_year, make_report, secretariat, settings
):
    scratch = make_report(document_number="CWG-COP/24/99")
    live = published(report_2025(), scratch)
    assert africa_row(live[0])["n"]["value"] >= 24  # the small celebration's 4 pairs in it
    assert not FrozenYear.objects.exists()

    # (b) The report task freezes the closed years of its period, then aggregates.
    frozen_report = make_report(
        period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2025, 12, 31)
    )
    assert report_generate(report_id=frozen_report.pk, worker="test@host") == "ready"
    frozen_report.refresh_from_db()
    assert FrozenYear.objects.filter(year=2025).exists()
    assert not FrozenYear.objects.filter(year=2026).exists()  # still open
    assert (frozen_report.figures, annex_csv(frozen_report)) == live
    assert "2025: the frozen figures match the live answers" in check()

    # (c) A small celebration's answers erased on request: nothing moves.
    erased = responses_erase_for_event(event=closed_year.small, actor=secretariat)
    assert erased["responses"] == 11
    after_erasure = make_report(
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
        document_number="CWG-COP/24/6",
    )
    assert report_generate(report_id=after_erasure.pk, worker="test@host") == "ready"
    after_erasure.refresh_from_db()
    assert (after_erasure.figures, annex_csv(after_erasure)) == live
    # Read live, the figures would have moved: the check sees the 4 pairs and 7 responses gone.
    with pytest.raises(CommandError):
        check(year=2025)

    # (d) The retention job erases part of the year (the large celebration's answers).
    now = datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC) + datetime.timedelta(
        days=settings.RESPONSE_RETENTION_DAYS
    )
    expired = responses_erase_expired(now=now)
    assert expired["responses"] == 2 * 20 + 12 + 11
    assert Response.objects.filter(session__event__year=2025).exists()  # only part of it
    assert published(report_2025(), scratch) == live


def test_the_check_reports_an_altered_frozen_row(closed_year):
    assert years_freeze_closed() == list(range(2011, 2026))  # every closed year
    assert years_freeze_closed() == []  # once
    assert "2025: the frozen figures match the live answers" in check(year=2025)
    row = FrozenPair.objects.filter(year=2025, member_state=state("KE")).first()
    row.count += 1
    row.save()
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 frozen year"):
        call_command("years_freeze", "--check", "--year", "2025", stdout=out)
    assert f"member state {state('KE').pk}" in out.getvalue()
    assert f"frozen {row.count}, live {row.count - 1}" in out.getvalue()


def test_an_open_year_is_not_frozen(db):
    with pytest.raises(CommandError, match="2026 cannot be frozen yet: it closes on 1 February"):
        call_command("years_freeze", "--year", "2026", stdout=io.StringIO())
    assert not FrozenYear.objects.exists()


def test_freezing_twice_freezes_once(closed_year):
    first, created = year_freeze(year=2025)
    rows = (FrozenPair.objects.count(), FrozenResponseCount.objects.count())
    again, created_again = year_freeze(year=2025)
    assert created and not created_again and again.pk == first.pk
    assert (FrozenPair.objects.count(), FrozenResponseCount.objects.count()) == rows
    assert AuditEntry.objects.filter(action="year.freeze").count() == 1
    assert first.pairs == sum(FrozenPair.objects.values_list("count", flat=True))


def test_a_frozen_year_is_read_with_a_constant_number_of_queries(
    closed_year, django_assert_max_num_queries
):
    year_freeze(year=2025)
    selection = Selection(datetime.date(2025, 1, 1), datetime.date(2026, 12, 31), timezone.now())
    from reports.aggregation import aggregate

    with django_assert_max_num_queries(12):
        aggregate(selection)


@pytest.mark.django_db(transaction=True)
def test_two_freezes_at_once_freeze_once():
    generate("small_states", seed=3)
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def freeze():
        try:
            barrier.wait(timeout=10)
            outcomes.append(year_freeze(year=2025)[1])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=freeze) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sorted(outcomes) == [False, True]
    assert FrozenYear.objects.filter(year=2025).count() == 1
    assert AuditEntry.objects.filter(action="year.freeze").count() == 1
    frozen = FrozenYear.objects.get(year=2025)
    assert sum(FrozenPair.objects.values_list("count", flat=True)) == frozen.pairs > 0


def test_the_hourly_beat_task_freezes_every_closed_unfrozen_year_once(db, settings):
    from copgirls.publication import last_closed_year
    from reports import tasks

    entry = settings.CELERY_BEAT_SCHEDULE["reports-freeze-closed-years"]
    assert entry == {"task": "reports.tasks.years_freeze_closed", "schedule": 3600.0}
    assert tasks.years_freeze_closed() == list(range(2011, last_closed_year() + 1))
    assert tasks.years_freeze_closed() == []
    assert not FrozenYear.objects.filter(year=last_closed_year() + 1).exists()
