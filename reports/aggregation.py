"""The report's figures as the database computes them: reach and per-pair scores.

Everything here is a GROUP BY in SQL (``values().annotate()`` with ``Count``, ``Sum``,
``Avg`` and ``FILTER``); Python only receives aggregated rows — a handful per region,
member state or year — and, for the statistics that SQL cannot do, one row per *pair*
(never per response or per answer), returned as NumPy columns.

What is counted (the methodology annex says the same):

* a *celebration* is a published or completed event whose start date lies in the
  period and that was registered before the data cut-off;
* it *integrates COP* when at least one COP session logged before the cut-off exists;
* *girls reached* is, per celebration, its actual number of girls, or where that is
  not recorded, the girls counted in its COP sessions' attendance;
* a *pair* is one participant key in one COP session with a counted pre and a counted
  post response (``counts_for_pairing``) submitted before the cut-off.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Avg, Count, Exists, Min, OuterRef, Q, QuerySet, Sum

from assessments.models import Phase, Response
from copgirls.i18n import localized
from copgirls.models import MemberState, Region
from events.models import Attendance, CopModule, CopSession, Event, EventStatus, Gender

#: The dimensions reach is broken down by, as lookups from an event.
REACH_DIMENSIONS = {
    "region": "member_state__region_id",
    "member_state": "member_state_id",
    "year": "year",
}


@dataclass(frozen=True)
class Selection:
    """Which data a report covers: scope, period and the cut-off."""

    period_start: datetime.date
    period_end: datetime.date
    cutoff: datetime.datetime
    region_id: int | None = None
    member_state_id: int | None = None


def events_selected(selection: Selection) -> QuerySet[Event]:
    events = Event.objects.filter(
        status__in=[EventStatus.PUBLISHED, EventStatus.COMPLETED],
        start_date__gte=selection.period_start,
        start_date__lte=selection.period_end,
        created_at__lte=selection.cutoff,
    )
    if selection.member_state_id is not None:
        events = events.filter(member_state_id=selection.member_state_id)
    elif selection.region_id is not None:
        events = events.filter(member_state__region_id=selection.region_id)
    return events


def sessions_selected(selection: Selection) -> QuerySet[CopSession]:
    return CopSession.objects.filter(
        event__in=events_selected(selection).values("pk"), created_at__lte=selection.cutoff
    )


def responses_selected(selection: Selection) -> QuerySet[Response]:
    return Response.objects.filter(
        session__in=sessions_selected(selection).values("pk"),
        submitted_at__lte=selection.cutoff,
    )


@dataclass
class ReachRow:
    celebrations: int = 0
    member_states: int = 0
    with_cop: int = 0
    sessions: int = 0
    girls: int = 0

    @property
    def share_cop(self) -> float | None:
        return 100.0 * self.with_cop / self.celebrations if self.celebrations else None


def reach(selection: Selection, dimension: str | None) -> dict:
    """Reach per value of ``dimension`` (``None``: one overall row under the key ``None``).

    Three queries whatever the data size: celebrations, attendance of girls where the
    celebration has no actual count, and COP sessions.
    """
    event_key = REACH_DIMENSIONS[dimension] if dimension else None
    events = events_selected(selection)
    sessions = sessions_selected(selection)
    has_cop = Exists(sessions.filter(event_id=OuterRef("pk")))

    def grouped(queryset, key: str | None, **aggregates):
        if key is None:
            return {None: queryset.aggregate(**aggregates)}
        rows = queryset.values(key).order_by(key).annotate(**aggregates)
        return {row[key]: row for row in rows}

    event_rows = grouped(
        events,
        event_key,
        celebrations=Count("pk"),
        member_states=Count("member_state", distinct=True),
        with_cop=Count("pk", filter=Q(has_cop)),
        actual_girls=Sum("actual_girls"),
    )
    attendance = Attendance.objects.filter(
        session__in=sessions.values("pk"),
        gender=Gender.GIRL,
        session__event__actual_girls__isnull=True,
    )
    attendance_rows = grouped(
        attendance, f"session__event__{event_key}" if event_key else None, girls=Sum("count")
    )
    session_rows = grouped(
        sessions, f"event__{event_key}" if event_key else None, sessions=Count("pk")
    )
    result: dict = {}
    for key, row in event_rows.items():
        if not row["celebrations"]:
            continue
        attended = attendance_rows.get(key) or {}
        result[key] = ReachRow(
            celebrations=row["celebrations"],
            member_states=row["member_states"],
            with_cop=row["with_cop"],
            sessions=(session_rows.get(key) or {}).get("sessions") or 0,
            girls=(row["actual_girls"] or 0) + (attended.get("girls") or 0),
        )
    return result


@dataclass
class PairColumns:
    """One element per paired participant (session, participant key)."""

    module_id: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    region_id: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    year: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    age_band: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object))
    knowledge_pre: np.ndarray = field(default_factory=lambda: np.empty(0))
    knowledge_post: np.ndarray = field(default_factory=lambda: np.empty(0))
    self_efficacy_pre: np.ndarray = field(default_factory=lambda: np.empty(0))
    self_efficacy_post: np.ndarray = field(default_factory=lambda: np.empty(0))
    intention_pre: np.ndarray = field(default_factory=lambda: np.empty(0))
    intention_post: np.ndarray = field(default_factory=lambda: np.empty(0))

    @property
    def n(self) -> int:
        return int(self.module_id.size)


def pairs_queryset(selection: Selection) -> QuerySet:
    """One row per (session, participant key) having a counted pre and a counted post.

    ``GROUP BY session, participant_key`` with ``AVG(...) FILTER (WHERE phase = …)``:
    the database pairs and averages; ``HAVING`` keeps complete pairs only.
    """
    pre, post = Q(phase=Phase.PRE), Q(phase=Phase.POST)
    return (
        responses_selected(selection)
        .filter(counts_for_pairing=True)
        .values(
            "session_id",
            "participant_key",
            "session__module_id",
            "session__event__member_state__region_id",
            "session__event__year",
        )
        .annotate(
            pre_count=Count("pk", filter=pre),
            post_count=Count("pk", filter=post),
            age_band_pre=Min("age_band", filter=pre),
            knowledge_pre=Avg("knowledge_score", filter=pre),
            knowledge_post=Avg("knowledge_score", filter=post),
            self_efficacy_pre=Avg("self_efficacy_mean", filter=pre),
            self_efficacy_post=Avg("self_efficacy_mean", filter=post),
            intention_pre=Avg("intention_mean", filter=pre),
            intention_post=Avg("intention_mean", filter=post),
        )
        .filter(pre_count__gte=1, post_count__gte=1)
        .order_by("session_id", "participant_key")
    )


PAIR_FIELDS = (
    "session__module_id",
    "session__event__member_state__region_id",
    "session__event__year",
    "age_band_pre",
    "knowledge_pre",
    "knowledge_post",
    "self_efficacy_pre",
    "self_efficacy_post",
    "intention_pre",
    "intention_post",
)


def pair_columns(selection: Selection) -> PairColumns:
    rows = list(pairs_queryset(selection).values_list(*PAIR_FIELDS))
    if not rows:
        return PairColumns()
    columns = list(zip(*rows, strict=True))
    as_float = [np.array(column, dtype=float) for column in columns[4:]]
    return PairColumns(
        np.array(columns[0], dtype=np.int64),
        np.array(columns[1], dtype=np.int64),
        np.array(columns[2], dtype=np.int64),
        np.array(columns[3], dtype=object),
        *as_float,
    )


def response_counts(selection: Selection) -> dict[str, int]:
    """Responses by phase (all, and those counted for pairing) and the attendance total."""
    responses = responses_selected(selection).aggregate(
        pre=Count("pk", filter=Q(phase=Phase.PRE)),
        post=Count("pk", filter=Q(phase=Phase.POST)),
        counted_pre=Count("pk", filter=Q(phase=Phase.PRE, counts_for_pairing=True)),
        counted_post=Count("pk", filter=Q(phase=Phase.POST, counts_for_pairing=True)),
    )
    attendance = Attendance.objects.filter(
        session__in=sessions_selected(selection).values("pk")
    ).aggregate(total=Sum("count"))
    return {**responses, "attendance": attendance["total"] or 0}


def labels(language: str | None = None) -> dict[str, dict]:
    """Names for the keys of the tables: regions, member states (with region) and modules.

    Module titles are in ``language`` (default: the active one) where translated, else in
    English (copgirls.i18n); each starts with the module's code, so they sort alike.
    """
    return {
        "region": dict(Region.objects.values_list("pk", "name")),
        "region_code": dict(Region.objects.values_list("pk", "code")),
        "member_state": {
            pk: (name, region_id)
            for pk, name, region_id in MemberState.objects.values_list("pk", "name", "region_id")
        },
        "module": {
            row["pk"]: f"{row['code']} {localized(row, 'title', language)}"
            for row in CopModule.objects.values("pk", "code", "title", "translations")
        },
    }
