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
  post response (``counts_for_pairing``) submitted before the cut-off;
* of a *frozen* (closed) year the pairs and response counts are those stored when it was
  frozen (:mod:`reports.freezing`), whatever the cut-off and whatever was erased since.
"""

from __future__ import annotations

import datetime
import io
import struct
from collections import defaultdict
from dataclasses import dataclass, field, fields, replace

import numpy as np
from django.db import connection
from django.db.models import Avg, Count, Exists, F, Min, OuterRef, Q, QuerySet, Sum

from assessments.models import Bytewise, Phase, Response
from copgirls.i18n import localized
from copgirls.models import MemberState, Region
from copgirls.names import member_state_name
from events.models import AgeBand, Attendance, CopModule, CopSession, Event, Gender
from events.selectors import COUNTED

#: The dimensions reach is broken down by, as lookups from an event.
REACH_DIMENSIONS = {
    "region": "member_state__region_id",
    "member_state": "member_state_id",
    "year": "year",
}


@dataclass(frozen=True)
class Selection:
    """Which data a report covers: scope, period and the cut-off.

    ``response_mark`` is the cut-off as the responses see it: the largest response id when
    the report was asked for (``None`` for a report asked for before it was recorded). The
    responses counted are those up to it *and* sent by ``cutoff``.
    """

    period_start: datetime.date
    period_end: datetime.date
    cutoff: datetime.datetime
    region_id: int | None = None
    member_state_id: int | None = None
    response_mark: int | None = None
    #: Years whose responses are not read: their figures come from the frozen rows
    #: (:func:`impact_by_cell` sets it to the frozen years the period covers, issue 20).
    frozen_years: frozenset[int] = frozenset()

    def counted(self) -> Q:
        """The responses that had arrived at the cut-off."""
        condition = Q(submitted_at__lte=self.cutoff)
        if self.response_mark is not None:
            condition &= Q(pk__lte=self.response_mark)
        return condition


def events_selected(selection: Selection) -> QuerySet[Event]:
    # Counted as every page and dashboard counts them (events.selectors.COUNTED).
    events = Event.objects.filter(
        COUNTED,
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


def response_sessions(selection: Selection) -> QuerySet[CopSession]:
    """The selected sessions whose responses are read live: those of no frozen year."""
    sessions = sessions_selected(selection)
    if selection.frozen_years:
        sessions = sessions.exclude(event__year__in=sorted(selection.frozen_years))
    return sessions


def responses_selected(selection: Selection) -> QuerySet[Response]:
    return Response.objects.filter(
        selection.counted(), session__in=response_sessions(selection).values("pk")
    )


@dataclass
class ReachRow:
    celebrations: int = 0
    member_states: int = 0
    with_cop: int = 0
    sessions: int = 0
    girls: int = 0
    #: Attendance of every gender (set on the grid's cells only, ``reach["grid"]``).
    attendance: int = 0

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
    #: Her member state: the publication grid's cell of a pair is (member state, year).
    member_state_id: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))

    @property
    def n(self) -> int:
        return int(self.module_id.size)


def participant_key_order() -> Bytewise:
    """The participant key as pairs are ordered: by its bytes, on every database."""
    return Bytewise("participant_key")


def _pair_aggregates(pre: Q, post: Q) -> dict:
    """Her age band before, and the mean of each measure before and after, per group."""
    return {
        "age_band_pre": Min("age_band", filter=pre),
        **{
            f"{measure}_{phase}": Avg(column, filter=condition)
            for measure, column in (
                ("knowledge", "knowledge_score"),
                ("self_efficacy", "self_efficacy_mean"),
                ("intention", "intention_mean"),
            )
            for phase, condition in (("pre", pre), ("post", post))
        },
    }


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
            PAIR_STATE,
        )
        .annotate(
            pre_count=Count("pk", filter=pre),
            post_count=Count("pk", filter=post),
            **_pair_aggregates(pre, post),
        )
        .filter(pre_count__gte=1, post_count__gte=1)
        .order_by("session_id", participant_key_order())
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
#: A pair's member state (read beside :data:`PAIR_FIELDS`).
PAIR_STATE = "session__event__member_state_id"


def pair_columns(selection: Selection) -> PairColumns:
    """The pairs as NumPy columns, through the fast path of :func:`impact`."""
    return impact(selection)[0]


def pair_columns_orm(selection: Selection) -> PairColumns:
    """The pairs through Django's ``values_list``, one Python tuple per pair: the plain
    reference :func:`aggregate` is held to by the tests (in the same canonical order,
    :func:`in_canonical_order`)."""
    rows = list(pairs_queryset(selection).values_list(*PAIR_FIELDS, PAIR_STATE))
    if not rows:
        return PairColumns()
    columns = list(zip(*rows, strict=True))
    as_float = [np.array(column, dtype=float) for column in columns[4:-1]]
    return in_canonical_order(
        PairColumns(
            np.array(columns[0], dtype=np.int64),
            np.array(columns[1], dtype=np.int64),
            np.array(columns[2], dtype=np.int64),
            np.array(columns[3], dtype=object),
            *as_float,
            member_state_id=np.array(columns[-1], dtype=np.int64),
        )
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

    Member states are named in ``language`` (CLDR, :mod:`copgirls.names`); module titles
    are in ``language`` (default: the active one) where translated, else in
    English (copgirls.i18n); each starts with the module's code, so they sort alike.
    """
    return {
        "region": dict(Region.objects.values_list("pk", "name")),
        "region_code": dict(Region.objects.values_list("pk", "code")),
        "member_state": {
            pk: (member_state_name(iso2, name, language), region_id)
            for pk, iso2, name, region_id in MemberState.objects.values_list(
                "pk", "iso2", "name", "region_id"
            )
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
# * one row per selected COP session (its module, member state, region and year), read
#   once: it gives the sessions of reach and the module, region and year of every pair;
# * reach for every dimension from two GROUP BYs on the finest key (member state, year) and
#   those session rows, rolled up in Python over aggregated rows (a few thousand at most)
#   — instead of three statements per dimension;
# * pairs and response counts from one pass over the selected responses: on PostgreSQL a
#   GROUP BY (session, participant key, counted or not) whose rows arrive through
#   ``COPY … (FORMAT binary)`` straight into one NumPy buffer, with no Python object per
#   row and no column a session already tells.


@dataclass
class Aggregates:
    """Reach by dimension (``None``: overall), the pairs, and the response counts."""

    reach: dict[str | None, dict]
    pairs: PairColumns
    counts: dict[str, int]
    #: The response counts of ``counts`` per publication grid cell (member state, year).
    count_cells: dict[tuple[int, int], dict[str, int]] = field(default_factory=dict)


def aggregate(selection: Selection) -> Aggregates:
    sessions = session_table(selection)
    reach_by, attendance_total = reach_all(selection, sessions)
    pairs, counts, cells = impact_by_cell(selection, sessions)
    return Aggregates(reach_by, pairs, {**counts, "attendance": attendance_total}, cells)


@dataclass
class SessionTable:
    """The selected COP sessions, one element each, ordered by ``id``."""

    id: np.ndarray
    module_id: np.ndarray
    member_state_id: np.ndarray
    region_id: np.ndarray
    year: np.ndarray


def session_table(selection: Selection) -> SessionTable:
    rows = list(
        sessions_selected(selection)
        .order_by("pk")
        .values_list(
            "pk",
            "module_id",
            "event__member_state_id",
            "event__member_state__region_id",
            "event__year",
        )
    )
    columns = np.array(rows, dtype=np.int64).reshape(len(rows), 5).T
    return SessionTable(*columns)


def reach_all(
    selection: Selection, sessions: SessionTable | None = None
) -> tuple[dict[str | None, dict], int]:
    """Reach for the overall row and every dimension of :data:`REACH_DIMENSIONS`, and the
    attendance total (all genders) of the selected sessions. Two statements and
    :func:`session_table` (read here unless given)."""
    if sessions is None:
        sessions = session_table(selection)
    events = events_selected(selection)
    selected_sessions = sessions_selected(selection)
    has_cop = Exists(selected_sessions.filter(event_id=OuterRef("pk")))
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
        Attendance.objects.filter(session__in=selected_sessions.values("pk"))
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
    attendance_of: dict[tuple[int, int], int] = defaultdict(int)
    for row in attendance_rows:
        attendance_total += row["total"] or 0
        attendance_of[row["state"], row["year"]] += row["total"] or 0
        cells[row["state"], row["year"]][2] += row["girls"] or 0
    state_years = np.stack([sessions.member_state_id, sessions.year], axis=1)
    state_years, session_counts = np.unique(state_years, axis=0, return_counts=True)
    for (state, year), count in zip(state_years.tolist(), session_counts.tolist(), strict=True):
        cells[state, year][3] += count

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
    # The publication grid's cells, (member state, year): what copgirls.disclosure.Grid
    # publishes counts of girls and of attendance from (issue 20).
    result["grid"] = {
        key: ReachRow(celebrations, 1, with_cop, count, girls, attendance_of[key])
        for key, (celebrations, with_cop, girls, count) in cells.items()
        if celebrations
    }
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
            PAIR_STATE,
        )
        .annotate(
            all_pre=Count("pk", filter=pre),
            all_post=Count("pk", filter=post),
            pre_count=Count("pk", filter=pre & counted),
            post_count=Count("pk", filter=post & counted),
            **_pair_aggregates(pre & counted, post & counted),
        )
        .order_by("session_id", participant_key_order())
    )


#: The columns :func:`impact` reads from :func:`impact_queryset` (the portable path).
IMPACT_FIELDS = (
    "session_id",
    "participant_key",
    *PAIR_FIELDS[:3],
    "all_pre",
    "all_post",
    "pre_count",
    "post_count",
    *PAIR_FIELDS[3:],
    PAIR_STATE,
)
_BINARY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"


def impact(
    selection: Selection, sessions: SessionTable | None = None
) -> tuple[PairColumns, dict[str, int]]:
    """The pairs and the response counts by phase, from one pass over the responses (and,
    on PostgreSQL, :func:`session_table`, read here unless given), as they stood at the
    cut-off (see :func:`posts_counting_at_the_cutoff`)."""
    pairs, counts, _cells = impact_by_cell(selection, sessions)
    return pairs, counts


#: The response counts kept per cell (those of :func:`response_counts` but attendance).
COUNT_KEYS = ("pre", "post", "counted_pre", "counted_post")


def _counts_by_cell(state, year, columns) -> dict[tuple[int, int], dict[str, int]]:
    """Sums of ``columns`` (name: one value per group) per (member state, year)."""
    if not state.size:
        return {}
    keys, inverse = np.unique(np.stack([state, year], axis=1), axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    sums = {
        name: np.bincount(inverse, weights=values, minlength=len(keys))
        for name, values in columns.items()
    }
    return {
        (int(s), int(y)): {name: int(sums[name][i]) for name in columns}
        for i, (s, y) in enumerate(keys.tolist())
    }


def impact_by_cell(
    selection: Selection, sessions: SessionTable | None = None
) -> tuple[PairColumns, dict[str, int], dict[tuple[int, int], dict[str, int]]]:
    """:func:`impact`, and its response counts per publication grid cell (member state,
    year): what :mod:`copgirls.disclosure` publishes them from (issue 20).

    A frozen year the period covers whole (:class:`reports.models.FrozenYear`) is read from
    its frozen rows, the others from the responses; the pairs come in one canonical order
    (:func:`in_canonical_order`), so the same data gives the same figures to the last bit
    whether read live or frozen. A constant number of queries (three more with a frozen
    year).
    """
    frozen = frozen_years_covered(selection)
    live = replace(selection, frozen_years=frozen)
    pairs, counts, cells = live_impact_by_cell(live, sessions)
    if frozen:
        frozen_pairs, frozen_cells = frozen_impact(selection, frozen)
        pairs = _concatenated(pairs, frozen_pairs)
        for cell, row in frozen_cells.items():
            cells[cell] = row
            for key in COUNT_KEYS:
                counts[key] += row[key]
    return in_canonical_order(pairs), counts, cells


def live_impact_by_cell(
    selection: Selection, sessions: SessionTable | None = None
) -> tuple[PairColumns, dict[str, int], dict[tuple[int, int], dict[str, int]]]:
    """:func:`impact_by_cell` from the responses only (but those of ``frozen_years``), in
    the order the database gives them."""
    pairs, counts, cells = None, None, None
    if connection.vendor == "postgresql":
        fast = _impact_copy(selection, sessions or session_table(selection))
        if fast is not None:
            pairs, counts, cells = fast
    if pairs is None:
        rows = list(impact_queryset(selection).values_list(*IMPACT_FIELDS))
        ints, age_band, floats, state = _impact_columns_rows(rows)
        all_pre, all_post, pre_count, post_count = ints[3:]
        counts = {
            "pre": int(all_pre.sum()),
            "post": int(all_post.sum()),
            "counted_pre": int(pre_count.sum()),
            "counted_post": int(post_count.sum()),
        }
        cells = _counts_by_cell(
            state,
            ints[2],
            dict(zip(COUNT_KEYS, (all_pre, all_post, pre_count, post_count), strict=True)),
        )
        pairs = _paired(ints[:3], pre_count, post_count, age_band, floats, state)
    late_pairs, late_cells = _posts_counting_at_the_cutoff(selection)
    if late_cells:
        pairs = _concatenated(pairs, late_pairs)
        late_posts = sum(late_cells.values())
        counts = {**counts, "counted_post": counts["counted_post"] + late_posts}
        for cell, late in late_cells.items():
            row = cells.setdefault(cell, dict.fromkeys(COUNT_KEYS, 0))
            row["counted_post"] += late
    return pairs, counts, cells


def posts_counting_at_the_cutoff(selection: Selection) -> tuple[PairColumns, int]:
    pairs, late_cells = _posts_counting_at_the_cutoff(selection)
    return pairs, sum(late_cells.values())


def _posts_counting_at_the_cutoff(
    selection: Selection,
) -> tuple[PairColumns, dict[tuple[int, int], int]]:
    """The pairs the cut-off saw but today's flags hide, and how many posts that counted at
    the cut-off count no longer.

    The repeat rule counts a girl's *last* post, so a post sent after the cut-off takes the
    flag from the one before it — which counted at the cut-off. A report regenerated with
    the same cut-off must give the same figures (DESIGN), so for those keys the last post
    up to the cut-off counts. (Her first pre never changes that way: a later pre is never
    the first.) One query finds such keys — usually none — and one reads their responses.
    """
    late = set(
        Response.objects.filter(
            ~selection.counted(),
            session__in=response_sessions(selection).values("pk"),
            phase=Phase.POST,
            counts_for_pairing=True,
        ).values_list("session_id", "participant_key")
    )
    if not late:
        return PairColumns(), {}
    scores = ("knowledge_score", "self_efficacy_mean", "intention_mean")
    rows = Response.objects.filter(
        Q(phase=Phase.POST) | Q(phase=Phase.PRE, counts_for_pairing=True),
        selection.counted(),
        session_id__in={session for session, _ in late},
        participant_key__in={key for _, key in late},
    ).values_list(
        "session_id", "participant_key", "phase", "submitted_at", "pk", "age_band", *scores
    )
    last_post: dict[tuple, tuple] = {}
    counted_pre: dict[tuple, tuple] = {}
    for session_id, key, phase, submitted_at, pk, age_band, *values in rows:
        group = (session_id, key)
        if group not in late:
            continue
        if phase == Phase.PRE:
            counted_pre[group] = (age_band, values)
        elif group not in last_post or (submitted_at, pk) > last_post[group][0]:
            last_post[group] = ((submitted_at, pk), values)
    paired = sorted(group for group in last_post if group in counted_pre)
    about = {
        pk: (module, region, year, state)
        for pk, module, region, year, state in CopSession.objects.filter(
            pk__in={session for session, _ in last_post}
        ).values_list(
            "pk",
            "module_id",
            "event__member_state__region_id",
            "event__year",
            "event__member_state_id",
        )
    }
    late_cells: dict[tuple[int, int], int] = defaultdict(int)
    for session_id, _key in last_post:
        late_cells[about[session_id][3], about[session_id][2]] += 1
    measures = ("knowledge", "self_efficacy", "intention")
    columns: dict[str, list] = {f.name: [] for f in fields(PairColumns)}
    for group in paired:
        age_band, before = counted_pre[group]
        after = last_post[group][1]
        values = dict(
            zip(("module_id", "region_id", "year", "member_state_id"), about[group[0]], strict=True)
        )
        values["age_band"] = age_band
        for measure, pre, post in zip(measures, before, after, strict=True):
            values[f"{measure}_pre"] = np.nan if pre is None else pre
            values[f"{measure}_post"] = np.nan if post is None else post
        for name, value in values.items():
            columns[name].append(value)
    empty = PairColumns()  # its columns' types
    return PairColumns(
        **{
            name: np.array(column, dtype=getattr(empty, name).dtype)
            for name, column in columns.items()
        }
    ), dict(late_cells)


def _concatenated(first: PairColumns, second: PairColumns) -> PairColumns:
    return PairColumns(
        *(
            np.concatenate([getattr(first, f.name), getattr(second, f.name)])
            for f in fields(PairColumns)
        )
    )


def _paired(keys, pre_count, post_count, age_band, floats, member_state) -> PairColumns:
    """The groups having a counted pre and a counted post, as :class:`PairColumns`."""
    paired = (pre_count >= 1) & (post_count >= 1)
    if not paired.any():
        return PairColumns()
    return PairColumns(
        *(column[paired] for column in keys),
        age_band[paired],
        *(column[paired] for column in floats),
        member_state_id=member_state[paired],
    )


def response_groups_queryset(selection: Selection) -> QuerySet:
    """The selected responses grouped by session, participant key and whether they count
    for pairing: a group that counts is a pair when it has a pre and a post, the others
    hold the repeats. Ordered as :func:`pairs_queryset`; the means are those of the
    phase (over counted responses, in a group that counts)."""
    pre, post = Q(phase=Phase.PRE), Q(phase=Phase.POST)
    return (
        responses_selected(selection)
        .values("session_id", "counts_for_pairing", key=participant_key_order())
        .annotate(
            # Every column read here is in the index response_pair_groups (hence "phase",
            # never NULL, counted rather than the primary key).
            pre_count=Count("phase", filter=pre),
            post_count=Count("phase", filter=post),
            **_pair_aggregates(pre, post),
        )
        .order_by("session_id", "key", "counts_for_pairing")
    )


_MEANS = PAIR_FIELDS[4:]

#: How :func:`_impact_copy` packs a group's counts and age band in one 64-bit integer,
#: ``(post_at, pre_at)``: the age band code + 1 in the bits below ``post_at`` (the code is
#: -1 for a group that does not count, 0 for no age band, else the band's position among
#: :class:`AgeBand`'s values), the post count from bit ``post_at``, the pre count from bit
#: ``pre_at``. Counts too large for their bits make the record -1.
_PACKED = (8, 40)


def _impact_copy(
    selection: Selection, sessions: SessionTable
) -> tuple[PairColumns, dict[str, int], dict] | None:
    """PostgreSQL: :func:`response_groups_queryset` as fixed-width records of eight 8-byte
    big-endian numbers, never NULL — the session; the pre count, the post count and the
    age band code in one integer (:data:`_PACKED`); the six means (NaN for none) —
    concatenated by the database into one ``bytea`` (``string_agg``) sent by one binary
    COPY: NumPy reads the records as they are, and no row costs a message or a Python
    object. Module, region and year come from ``sessions``. ``None`` when a row does not
    fit (an age band outside the choices, a count too large to pack, a session not in
    ``sessions``): the caller takes the portable path."""
    queryset = response_groups_queryset(selection)
    inner, params = queryset.query.get_compiler(using=queryset.db).as_sql()

    def column(name: str) -> str:
        return f"q.{connection.ops.quote_name(name)}"

    pre, post = column("pre_count"), column("post_count")
    post_at, pre_at = _PACKED
    code = (
        f"CASE WHEN {column('counts_for_pairing')} THEN "
        f"COALESCE(array_position(%s::text[], {column('age_band_pre')}::text), 0) ELSE -1 END"
    )
    packed = (
        f"CASE WHEN {pre} < {1 << (63 - pre_at)} AND {post} < {1 << (pre_at - post_at)} "
        f"THEN {pre} * {1 << pre_at} + {post} * {1 << post_at} + ({code}) + 1 ELSE -1 END"
    )
    fields = [
        f"int8send({column('session_id')}::int8)",
        f"int8send(({packed})::int8)",
        *(f"float8send(COALESCE({column(name)}::float8, 'NaN'::float8))" for name in _MEANS),
    ]
    # The records in the order of the subquery: PostgreSQL 15 cannot split string_agg
    # among parallel workers and reads the subquery's rows as they come; from 16 on the
    # aggregate's own ORDER BY, which it then can use, says the same, at no cost for the
    # rows come sorted.
    order = ", ".join(column(name) for name in ("session_id", "key", "counts_for_pairing"))
    order = f" ORDER BY {order}" if connection.pg_version >= 160000 else ""
    # Only names written here and Django's compiled SQL; every value is a parameter.
    sql = (
        f"COPY (SELECT string_agg({' || '.join(fields)}, ''::bytea{order}) "  # noqa: S608
        f"FROM ({inner}) AS q) TO STDOUT (FORMAT binary)"
    )
    values = list(AgeBand.values)
    if len(values) + 1 >= 1 << post_at:  # more age bands than their bits hold
        return None
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if not hasattr(raw, "copy_expert"):  # not psycopg2
            return None
        raw.copy_expert(raw.mogrify(sql, (values, *params)).decode(), buffer)
    record = np.dtype([("session", ">i8"), ("packed", ">i8"), ("float", ">f8", len(_MEANS))])
    rows = _single_bytea(buffer.getbuffer())
    if rows is None or len(rows) % record.itemsize:
        return None
    rows = np.frombuffer(rows, dtype=record)
    session, packed = rows["session"].astype(np.int64), rows["packed"].astype(np.int64)
    if (packed < 0).any():  # a count too large to pack
        return None
    codes = (packed & ((1 << post_at) - 1)) - 1
    post_count = (packed >> post_at) & ((1 << (pre_at - post_at)) - 1)
    pre_count = packed >> pre_at
    counted = codes >= 0
    counts = {
        "pre": int(pre_count.sum()),
        "post": int(post_count.sum()),
        "counted_pre": int(pre_count[counted].sum()),
        "counted_post": int(post_count[counted].sum()),
    }
    all_pre, all_post = pre_count, post_count
    pre_count, post_count = pre_count * counted, post_count * counted
    if (codes[pre_count >= 1] == 0).any():  # a counted pre whose age band is not a choice
        return None
    position = np.searchsorted(sessions.id, session)
    if not (position < sessions.id.size).all() or (sessions.id[position] != session).any():
        return None
    keys = (sessions.module_id[position], sessions.region_id[position], sessions.year[position])
    state = sessions.member_state_id[position]
    cells = _counts_by_cell(
        state,
        keys[2],
        dict(zip(COUNT_KEYS, (all_pre, all_post, pre_count, post_count), strict=True)),
    )
    age_band = np.array([None, *values], dtype=object)[np.maximum(codes, 0)]
    floats = list(rows["float"].astype(np.float64).T)
    return _paired(keys, pre_count, post_count, age_band, floats, state), counts, cells


def _single_bytea(data: memoryview) -> memoryview | None:
    """The value of a binary COPY of one row of one ``bytea`` column (empty if NULL);
    ``None`` if the buffer is not that."""
    if bytes(data[:11]) != _BINARY_SIGNATURE:
        return None
    (extension,) = struct.unpack_from(">i", data, 15)
    start = 19 + extension
    fields, length = struct.unpack_from(">hi", data, start)
    end = start + 6 + max(length, 0)
    if fields != 1 or len(data) != end + 2 or bytes(data[end:]) != b"\xff\xff":
        return None
    return data[start + 6 : end]


def _impact_columns_rows(rows: list[tuple]):
    """The portable path: rows from the database driver, then NumPy columns."""
    if not rows:
        empty = np.empty(0, dtype=np.int64)
        return [empty] * 7, np.empty(0, dtype=object), [np.empty(0)] * 6, empty
    columns = list(zip(*rows, strict=True))[2:]
    ints = [np.array(column, dtype=np.int64) for column in columns[:7]]
    age_band = np.array(columns[7], dtype=object)
    floats = [np.array(column, dtype=float) for column in columns[8:-1]]
    return ints, age_band, floats, np.array(columns[-1], dtype=np.int64)


# --- Frozen years (issue 20) --------------------------------------------------------------
#
# A closed year's responses are read once, when it is frozen (reports.freezing), into rows
# that keep what a pair carries but her key, session and celebration: member state, module,
# year, age band and her six scores, with the number of identical pairs. Every report of the
# year reads those rows (np.repeat by count), so erasing raw answers afterwards changes no
# figure, and the canonical order below makes the figures identical to the live ones.


def frozen_years_covered(selection: Selection) -> frozenset[int]:
    """The frozen years the period covers from 1 January to 31 December (one query).

    A period cut inside a year (reports take whole years only) reads that year live."""
    from reports.models import FrozenYear

    first = selection.period_start.year + (selection.period_start.timetuple().tm_yday > 1)
    last = selection.period_end.year - (
        (selection.period_end.month, selection.period_end.day) != (12, 31)
    )
    if first > last:
        return frozenset()
    years = FrozenYear.objects.filter(year__gte=first, year__lte=last).values_list(
        "year", flat=True
    )
    return frozenset(years)


def _age_codes(age_band: np.ndarray) -> np.ndarray:
    """Each pair's age band as its position among :class:`AgeBand`'s values + 1 (0: none),
    vectorised (one comparison per age band)."""
    codes = np.zeros(age_band.size, dtype=np.int64)
    for position, value in enumerate(AgeBand.values, start=1):
        codes[age_band == value] = position
    return codes


def _score_bits(column: np.ndarray) -> np.ndarray:
    """A score column as the bits of its doubles (one NaN for every missing score): equal
    scores, and only they, have equal bits, so sorting and grouping are exact."""
    column = np.asarray(column, dtype=np.float64)
    return np.where(np.isnan(column), np.nan, column).view(np.int64)


def _key_columns(pairs: PairColumns) -> list[np.ndarray]:
    """What a frozen pair keeps of each pair, as ``int64`` columns: member state, module,
    year, age band code, and the six scores' bits (the region follows from the member state)."""
    return [
        pairs.member_state_id.astype(np.int64),
        pairs.module_id.astype(np.int64),
        pairs.year.astype(np.int64),
        _age_codes(pairs.age_band),
        *(_score_bits(getattr(pairs, name)) for name in _score_names()),
    ]


def pair_keys(pairs: PairColumns) -> np.ndarray:
    """:func:`_key_columns` as one row per pair."""
    return np.column_stack(_key_columns(pairs)) if pairs.n else np.empty((0, 10), np.int64)


def _score_names() -> tuple[str, ...]:
    return tuple(
        f"{measure}_{phase}"
        for measure in ("knowledge", "self_efficacy", "intention")
        for phase in ("pre", "post")
    )


def in_canonical_order(pairs: PairColumns) -> PairColumns:
    """The pairs sorted by everything they carry: the same pairs, read live (in the order of
    their sessions and keys) or frozen (grouped), give the same columns, hence statistics
    equal to the last bit.

    Sorted by a 64-bit mix of each pair's keys (:func:`_key_columns`; one ``argsort``, no
    Python per pair); pairs with equal mixes must then be identical, which is checked —
    should two different pairs share one (a chance of about n² / 2⁶⁵), by a ``lexsort`` on
    every key.
    """
    if pairs.n < 2:
        return pairs
    columns = _key_columns(pairs)
    mixed = _mixed(columns)
    order = np.argsort(mixed, kind="stable")
    mixed = mixed[order]
    tie = np.flatnonzero(mixed[1:] == mixed[:-1])
    if tie.size:
        first, second = order[tie], order[tie + 1]
        if any((column[first] != column[second]).any() for column in columns):  # collision
            order = np.lexsort(columns[::-1])
    return PairColumns(*(getattr(pairs, f.name)[order] for f in fields(PairColumns)))


def _mixed(columns: list[np.ndarray]) -> np.ndarray:
    """A 64-bit mix of each row of ``columns`` (multiply–xorshift per column)."""
    mixed = np.zeros(columns[0].size, dtype=np.uint64)
    prime = np.uint64(0x9E3779B97F4A7C15)
    shift = np.uint64(29)
    with np.errstate(over="ignore"):
        for column in columns:
            mixed ^= column.view(np.uint64)
            mixed *= prime
            mixed ^= mixed >> shift
    return mixed


def frozen_impact(
    selection: Selection, years: frozenset[int]
) -> tuple[PairColumns, dict[tuple[int, int], dict[str, int]]]:
    """The frozen pairs and response counts per cell of ``years`` within the selection's
    scope (two queries)."""
    from reports.models import FrozenPair, FrozenResponseCount

    scope = Q(year__in=sorted(years))
    if selection.member_state_id is not None:
        scope &= Q(member_state_id=selection.member_state_id)
    elif selection.region_id is not None:
        scope &= Q(member_state__region_id=selection.region_id)
    cells = {
        (row["member_state_id"], row["year"]): {key: row[key] for key in COUNT_KEYS}
        for row in FrozenResponseCount.objects.filter(scope).values(
            "member_state_id", "year", *COUNT_KEYS
        )
    }
    rows = FrozenPair.objects.filter(scope).order_by()
    columns = None
    if connection.vendor == "postgresql":
        columns = _frozen_pairs_copy(rows)
    if columns is None:
        columns = _frozen_pairs_rows(rows)
    return columns, cells


_FROZEN_INTS = ("member_state_id", "member_state__region_id", "module_id", "year", "count")


def _from_frozen_columns(ints: list[np.ndarray], age_band: np.ndarray, floats) -> PairColumns:
    state, region, module, year, count = ints
    if not count.size:
        return PairColumns()

    def repeated(column):
        return np.repeat(column, count)

    return PairColumns(
        repeated(module),
        repeated(region),
        repeated(year),
        repeated(age_band),
        *(repeated(column) for column in floats),
        member_state_id=repeated(state),
    )


def _frozen_pairs_rows(rows: QuerySet) -> PairColumns:
    """The portable path: one tuple per frozen row (identical pairs are one row)."""
    values = list(rows.values_list(*_FROZEN_INTS, "age_band", *_score_names()))
    if not values:
        return PairColumns()
    columns = list(zip(*values, strict=True))
    ints = [np.array(column, dtype=np.int64) for column in columns[:5]]
    age_band = np.array(columns[5], dtype=object)
    age_band[age_band == ""] = None
    floats = [np.array(column, dtype=float) for column in columns[6:]]
    return _from_frozen_columns(ints, age_band, floats)


def _frozen_pairs_copy(rows: QuerySet) -> PairColumns | None:
    """PostgreSQL: the frozen rows as fixed-width binary records in one ``bytea`` through
    one binary COPY, as :func:`_impact_copy` reads the responses. ``None``: take the
    portable path (an age band outside the choices, another driver)."""
    rows = rows.annotate(region=F("member_state__region_id")).values(
        "member_state_id", "region", "module_id", "year", "count", "age_band", *_score_names()
    )
    inner, params = rows.query.get_compiler(using=rows.db).as_sql()

    def column(name: str) -> str:
        return f"q.{connection.ops.quote_name(name)}"

    age = column("age_band")
    code = (
        f"CASE WHEN {age} = '' THEN 0 "
        f"ELSE COALESCE(array_position(%s::text[], {age}::text), -1) END"
    )
    parts = [
        *(
            f"int8send({column(name)}::int8)"
            for name in ("member_state_id", "region", "module_id", "year", "count")
        ),
        f"int8send(({code})::int8)",
        *(
            f"float8send(COALESCE({column(name)}::float8, 'NaN'::float8))"
            for name in _score_names()
        ),
    ]
    # Only names written here and Django's compiled SQL; every value is a parameter.
    sql = (
        f"COPY (SELECT string_agg({' || '.join(parts)}, ''::bytea) "  # noqa: S608
        f"FROM ({inner}) AS q) TO STDOUT (FORMAT binary)"
    )
    values = list(AgeBand.values)
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if not hasattr(raw, "copy_expert"):  # not psycopg2
            return None
        raw.copy_expert(raw.mogrify(sql, (values, *params)).decode(), buffer)
    data = _single_bytea(buffer.getbuffer())
    record = np.dtype([("int", ">i8", 6), ("float", ">f8", 6)])
    if data is None or len(data) % record.itemsize:
        return None
    records = np.frombuffer(data, dtype=record)
    ints = records["int"].astype(np.int64).T
    codes = ints[5]
    if (codes < 0).any():
        return None
    age_band = np.array([None, *values], dtype=object)[codes]
    floats = list(records["float"].astype(np.float64).T)
    return _from_frozen_columns(list(ints[:5]), age_band, floats)
