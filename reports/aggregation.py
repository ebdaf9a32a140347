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
import io
import struct
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db import connection
from django.db.models import Avg, Count, Exists, F, Min, OuterRef, Q, QuerySet, Sum

from assessments.models import Phase, Response
from copgirls.i18n import localized
from copgirls.models import MemberState, Region
from events.models import AgeBand, Attendance, CopModule, CopSession, Event, EventStatus, Gender

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
    """The pairs as NumPy columns, through the fast path of :func:`impact`."""
    return impact(selection)[0]


def pair_columns_orm(selection: Selection) -> PairColumns:
    """The pairs through Django's ``values_list``, one Python tuple per pair: the plain
    reference :func:`aggregate` is held to by the tests."""
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


# --- The report's aggregation in four statements ------------------------------------------
#
# :func:`aggregate` is what :func:`reports.figures.build_figures` reads. It computes exactly
# what :func:`reach` (per dimension), :func:`pair_columns_orm` and :func:`response_counts`
# compute (``tests/reports/test_aggregation.py`` holds it to that), in fewer and cheaper
# statements:
#
# * reach for every dimension from three GROUP BYs on the finest key (member state, year),
#   rolled up in Python over those aggregated rows (a few thousand at most) — instead of
#   three statements per dimension;
# * pairs and response counts from one GROUP BY (session, participant key) over the
#   selected responses; on PostgreSQL its rows arrive through ``COPY … (FORMAT binary)``
#   straight into one NumPy buffer, with no Python object per row.


@dataclass
class Aggregates:
    """Reach by dimension (``None``: overall), the pairs, and the response counts."""

    reach: dict[str | None, dict]
    pairs: PairColumns
    counts: dict[str, int]


def aggregate(selection: Selection) -> Aggregates:
    reach_by, attendance_total = reach_all(selection)
    pairs, counts = impact(selection)
    return Aggregates(reach_by, pairs, {**counts, "attendance": attendance_total})


def reach_all(selection: Selection) -> tuple[dict[str | None, dict], int]:
    """Reach for the overall row and every dimension of :data:`REACH_DIMENSIONS`, and the
    attendance total (all genders) of the selected sessions. Three statements."""
    events = events_selected(selection)
    sessions = sessions_selected(selection)
    has_cop = Exists(sessions.filter(event_id=OuterRef("pk")))
    event_rows = (
        events.values("member_state__region_id", "member_state_id", "year")
        .order_by()
        .annotate(
            celebrations=Count("pk"),
            with_cop=Count("pk", filter=Q(has_cop)),
            actual_girls=Sum("actual_girls"),
        )
    )
    attendance_rows = (
        Attendance.objects.filter(session__in=sessions.values("pk"))
        .values(state=F("session__event__member_state_id"), year=F("session__event__year"))
        .order_by()
        .annotate(
            girls=Sum(
                "count",
                filter=Q(gender=Gender.GIRL, session__event__actual_girls__isnull=True),
            ),
            total=Sum("count"),
        )
    )
    session_rows = (
        sessions.values(state=F("event__member_state_id"), year=F("event__year"))
        .order_by()
        .annotate(sessions=Count("pk"))
    )

    region_of: dict[int, int] = {}
    cells: dict[tuple[int, int], list[int]] = {}  # celebrations, with_cop, girls, sessions
    for row in event_rows:
        region_of[row["member_state_id"]] = row["member_state__region_id"]
        cells[row["member_state_id"], row["year"]] = [
            row["celebrations"],
            row["with_cop"],
            row["actual_girls"] or 0,
            0,
        ]
    attendance_total = 0
    for row in attendance_rows:
        attendance_total += row["total"] or 0
        cells[row["state"], row["year"]][2] += row["girls"] or 0
    for row in session_rows:
        cells[row["state"], row["year"]][3] += row["sessions"]

    def key_of(dimension: str | None, state: int, year: int):
        if dimension is None:
            return None
        if dimension == "region":
            return region_of[state]
        return state if dimension == "member_state" else year

    result: dict[str | None, dict] = {}
    for dimension in (None, *REACH_DIMENSIONS):
        rows: dict = {}
        states: dict = defaultdict(set)
        for (state, year), (celebrations, with_cop, girls, count) in cells.items():
            if not celebrations:
                continue
            key = key_of(dimension, state, year)
            row = rows.setdefault(key, ReachRow())
            row.celebrations += celebrations
            row.with_cop += with_cop
            row.girls += girls
            row.sessions += count
            states[key].add(state)
        for key, row in rows.items():
            row.member_states = len(states[key])
        result[dimension] = rows
    return result, attendance_total


def impact_queryset(selection: Selection) -> QuerySet:
    """:func:`pairs_queryset` over *all* the selected responses, with the counts of
    :func:`response_counts` per group: ``HAVING`` becomes a mask on the counted columns."""
    pre, post = Q(phase=Phase.PRE), Q(phase=Phase.POST)
    counted = Q(counts_for_pairing=True)
    return (
        responses_selected(selection)
        .values(
            "session_id",
            "participant_key",
            "session__module_id",
            "session__event__member_state__region_id",
            "session__event__year",
        )
        .annotate(
            all_pre=Count("pk", filter=pre),
            all_post=Count("pk", filter=post),
            pre_count=Count("pk", filter=pre & counted),
            post_count=Count("pk", filter=post & counted),
            age_band_pre=Min("age_band", filter=pre & counted),
            knowledge_pre=Avg("knowledge_score", filter=pre & counted),
            knowledge_post=Avg("knowledge_score", filter=post & counted),
            self_efficacy_pre=Avg("self_efficacy_mean", filter=pre & counted),
            self_efficacy_post=Avg("self_efficacy_mean", filter=post & counted),
            intention_pre=Avg("intention_mean", filter=pre & counted),
            intention_post=Avg("intention_mean", filter=post & counted),
        )
        .order_by("session_id", "participant_key")
    )


#: The columns of :func:`impact_queryset` as its SQL selects them (fields, then annotations
#: in the order they are defined): the binary COPY reads them by position.
IMPACT_FIELDS = (
    "session_id",
    "participant_key",
    *PAIR_FIELDS[:3],
    "all_pre",
    "all_post",
    "pre_count",
    "post_count",
    *PAIR_FIELDS[3:],
)
_COUNT_COLUMNS = 4
_BINARY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"


def impact(selection: Selection) -> tuple[PairColumns, dict[str, int]]:
    """The pairs and the response counts by phase, from one statement."""
    queryset = impact_queryset(selection).values_list(*IMPACT_FIELDS)
    columns = None
    if connection.vendor == "postgresql":
        columns = _impact_columns_copy(queryset)
    if columns is None:
        columns = _impact_columns_rows(list(queryset))
    ints, age_band, floats = columns
    all_pre, all_post, pre_count, post_count = ints[3:]
    counts = {
        "pre": int(all_pre.sum()),
        "post": int(all_post.sum()),
        "counted_pre": int(pre_count.sum()),
        "counted_post": int(post_count.sum()),
    }
    paired = (pre_count >= 1) & (post_count >= 1)
    if not paired.any():
        return PairColumns(), counts
    return (
        PairColumns(
            *(column[paired] for column in ints[:3]),
            age_band[paired],
            *(column[paired] for column in floats),
        ),
        counts,
    )


def _impact_columns_rows(rows: list[tuple]):
    """The portable path: rows from the database driver, then NumPy columns."""
    if not rows:
        empty = np.empty(0, dtype=np.int64)
        return [empty] * 7, np.empty(0, dtype=object), [np.empty(0)] * 6
    columns = list(zip(*rows, strict=True))[2:]
    ints = [np.array(column, dtype=np.int64) for column in columns[:7]]
    age_band = np.array(columns[7], dtype=object)
    floats = [np.array(column, dtype=float) for column in columns[8:]]
    return ints, age_band, floats


def _impact_columns_copy(queryset: QuerySet):
    """PostgreSQL: the statement's rows as one ``COPY (FORMAT binary)`` buffer read by
    NumPy as fixed-width records. Every column is made 8 bytes and never NULL (NaN for a
    missing mean, the age band as its position among :class:`AgeBand`'s values, 0 for
    none); if a row still does not fit (an age band outside the choices), ``None``: the
    caller takes the portable path."""
    compiler = queryset.query.get_compiler(using=queryset.db)
    inner, params = compiler.as_sql()
    names = [f"c{index}" for index in range(len(IMPACT_FIELDS))]
    ints = [f"q.{name}::int8" for name in names[2:9]]
    bands = "COALESCE(array_position(%s::text[], q.c9::text), 0)::int8"
    floats = [f"COALESCE(q.{name}::float8, 'NaN'::float8)" for name in names[10:]]
    # Only identifiers built here and Django's compiled SQL; every value is a parameter.
    sql = (
        f"COPY (SELECT {', '.join([*ints, bands, *floats])} "  # noqa: S608
        f"FROM ({inner}) AS q({', '.join(names)}) ORDER BY q.c0, q.c1) TO STDOUT (FORMAT binary)"
    )
    values = list(AgeBand.values)
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if not hasattr(raw, "copy_expert"):  # not psycopg2
            return None
        raw.copy_expert(raw.mogrify(sql, (values, *params)).decode(), buffer)
    data = buffer.getbuffer()
    fields = 7 + 1 + 6
    if bytes(data[:11]) != _BINARY_SIGNATURE:
        return None
    (extension,) = struct.unpack_from(">i", data, 15)
    start = 19 + extension
    record = np.dtype(
        [("fields", ">i2")]
        + [
            item
            for index in range(fields)
            for item in ((f"n{index}", ">i4"), (f"v{index}", ">i8" if index < 8 else ">f8"))
        ]
    )
    body = len(data) - start - 2  # the trailer is one int16, -1
    if body % record.itemsize:
        return None
    rows = np.frombuffer(data, dtype=record, count=body // record.itemsize, offset=start)
    if (rows["fields"] != fields).any() or any(
        (rows[f"n{index}"] != 8).any() for index in range(fields)
    ):
        return None
    ints = [rows[f"v{index}"].astype(np.int64) for index in range(7)]
    codes = rows["v7"].astype(np.int64)
    if (codes[ints[5] >= 1] == 0).any():  # a counted pre whose age band is not a choice
        return None
    age_band = np.array([None, *values], dtype=object)[codes]
    floats = [rows[f"v{index}"].astype(np.float64) for index in range(8, fields)]
    return ints, age_band, floats
