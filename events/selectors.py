"""Reads of celebrations and COP sessions: lists, dashboards and public figures.

Every aggregate is computed by the database in a fixed number of queries, whatever the
number of celebrations; the dashboards' and public pages' query counts are pinned in tests.

"Integrates COP" and the session totals read :attr:`Event.cop_session_count` (kept by the
COP-session services), never a subquery per celebration: at the full scale (12,000
celebrations) a correlated ``EXISTS``/``COUNT`` per row cost more than everything else on
the page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from copgirls.closed_years import pending_figure
from copgirls.disclosure import Cell, Grid, suppress_count
from copgirls.models import MemberState, Region
from copgirls.publication import last_closed_year, year_is_closed
from events.models import Attendance, CopModule, CopSession, Event, EventStatus, Gender
from events.permissions import events_visible_to

PUBLIC_STATUSES = (EventStatus.PUBLISHED, EventStatus.COMPLETED)
#: The celebrations every figure counts — public pages, staff dashboards, reports and their
#: annex alike (reports.aggregation.events_selected): published and completed ones. A
#: dashboard counts its drafts apart and says how many it left out.
COUNTED = Q(status__in=PUBLIC_STATUSES)


INTEGRATES_COP = Q(cop_session_count__gt=0)


def _with_cop(events: QuerySet[Event]) -> QuerySet[Event]:
    return events.annotate(
        integrates_cop=ExpressionWrapper(INTEGRATES_COP, output_field=BooleanField()),
    )


# --- Staff lists ------------------------------------------------------------------------------


def event_list(*, user, filters: Mapping[str, Any] | None = None) -> QuerySet[Event]:
    """The celebrations ``user`` may see, filtered, with their COP session counts."""
    filters = filters or {}
    events = events_visible_to(user)
    if filters.get("year"):
        events = events.filter(year=filters["year"])
    if filters.get("status"):
        events = events.filter(status=filters["status"])
    if filters.get("activity_type"):
        events = events.filter(activity_type=filters["activity_type"])
    if filters.get("member_state"):
        events = events.filter(member_state=filters["member_state"])
    if filters.get("q"):
        term = filters["q"]
        events = events.filter(
            Q(title__icontains=term)
            | Q(organiser__icontains=term)
            | Q(city__icontains=term)
            | Q(organiser_reference__icontains=term)
        )
    if filters.get("cop") == "yes":
        events = events.filter(INTEGRATES_COP)
    elif filters.get("cop") == "no":
        events = events.filter(cop_session_count=0)
    events = events.annotate(session_count=F("cop_session_count"))
    return events.order_by("-start_date", "title", "pk")


def export_rows(events: QuerySet[Event]) -> QuerySet:
    """Plain values for the export, in one query streamed by the caller."""
    return events.values(
        "member_state__iso2",
        "member_state__name",
        "member_state__region__name",
        "organiser_reference",
        "title",
        "city",
        "organiser",
        "organiser_type",
        "format",
        "activity_type",
        "start_date",
        "end_date",
        "target_age_bands",
        "expected_girls",
        "actual_girls",
        "languages",
        "description",
        "link",
        "status",
        "session_count",
    )


def event_sessions(event: Event) -> QuerySet[CopSession]:
    """The COP sessions of a celebration with their attendance totals."""
    return (
        event.cop_sessions.select_related("module", "facilitator")
        .annotate(
            attended=Coalesce(Sum("attendance__count"), 0),
            girls=Coalesce(Sum("attendance__count", filter=Q(attendance__gender=Gender.GIRL)), 0),
        )
        .order_by("starts_at", "pk")
    )


def session_attendance(session: CopSession) -> dict[tuple[str, str], int]:
    return {
        (band, gender): count
        for band, gender, count in session.attendance.values_list("age_band", "gender", "count")
    }


def modules_for_sessions() -> QuerySet[CopModule]:
    return CopModule.objects.filter(is_retired=False)


def module_catalogue() -> QuerySet[CopModule]:
    return CopModule.objects.annotate(session_count=Count("sessions")).order_by("position", "code")


# --- Dashboards -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """A dashboard's figures, counted as the public pages and the reports count them:
    celebrations, COP share and sessions of published and completed celebrations only;
    ``girls_reached`` is the public grid's (cells below 10 left out). ``drafts`` are the
    scope's draft celebrations, in no figure: the page says so beside the count."""

    celebrations: int
    integrating_cop: int
    girls_reached: Cell
    sessions: int
    drafts: int = 0

    @property
    def cop_share(self) -> float | None:
        """Percentage of celebrations integrating COP (the resolution's indicator)."""
        if not self.celebrations:
            return None
        return round(100 * self.integrating_cop / self.celebrations, 1)


def _figure_aggregates(
    prefix: str = "", condition: Q | None = None, *, drafts: bool = False
) -> dict[str, Any]:
    """Aggregates over plain columns of the events (no joins, no subqueries), of the
    counted (published and completed) celebrations; ``drafts`` adds the count of the others."""
    counted = (condition or Q()) & COUNTED
    aggregates = {
        f"{prefix}celebrations": Count("pk", filter=counted),
        f"{prefix}integrating_cop": Count("pk", filter=counted & INTEGRATES_COP),
        f"{prefix}girls_reached": Coalesce(Sum("actual_girls", filter=counted), 0),
        f"{prefix}sessions": Coalesce(Sum("cop_session_count", filter=counted), 0),
    }
    if drafts:
        aggregates[f"{prefix}drafts"] = Count("pk", filter=(condition or Q()) & ~COUNTED)
    return aggregates


def _figures(row: Mapping[str, Any], prefix: str = "", *, girls: Cell | None = None) -> Figures:
    return Figures(
        celebrations=row[f"{prefix}celebrations"],
        integrating_cop=row[f"{prefix}integrating_cop"],
        girls_reached=girls if girls is not None else suppress_count(0),
        sessions=row[f"{prefix}sessions"],
        drafts=row.get(f"{prefix}drafts", 0),
    )


@dataclass(frozen=True)
class ModuleRow:
    code: str
    title: str
    sessions: int
    sessions_this_year: int
    #: Girls attending the module's sessions in closed years: the sum of the (member state,
    #: module) cells of 10 or more (:func:`_module_rows`).
    girls: Cell
    #: The module's translations: show ``row|localized:"title"`` (copgirls.i18n).
    translations: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Dashboard:
    year: int
    this_year: Figures
    all_years: Figures
    modules: list[ModuleRow]
    breakdown: list[dict[str, Any]]


def dashboard(
    events: QuerySet[Event],
    *,
    breakdown: str | None = None,
    sessions: Mapping[str, Any] | None = None,
) -> Dashboard:
    """Figures for this year and all years, sessions by module, and an optional breakdown,
    counted as the public pages and the reports count them (:data:`COUNTED`); the drafts of
    ``events`` are counted apart (``Figures.drafts``).

    ``breakdown`` is ``"region"`` or ``"member_state"``: one row per group, in one query.
    ``sessions`` is the same scope as lookups on :class:`CopSession` (``{}`` for every
    session, ``{"event__member_state": state}``…); by default the sessions of ``events``
    (a semi-join, slower at full scale). At most five queries, whatever the number of
    celebrations.
    """
    year = timezone.localdate().year
    this_year = Q(year=year)
    base = events.order_by()
    totals = base.aggregate(
        **_figure_aggregates(drafts=True), **_figure_aggregates("y_", this_year, drafts=True)
    )
    girls = GirlsCells(events=base)
    rows: list[dict[str, Any]] = []
    if breakdown:
        key = {
            "region": ("member_state__region__code", "member_state__region__name"),
            "member_state": ("member_state__iso2", "member_state__name"),
        }[breakdown]
        for row in (
            base.values(*key)
            .annotate(
                **_figure_aggregates(drafts=True),
                **_figure_aggregates("y_", this_year, drafts=True),
            )
            .order_by(key[1])
        ):
            code = row[key[0]]
            if breakdown == "member_state":
                mine = lambda cell, code=code: cell[0] == code  # noqa: E731
            else:
                mine = lambda cell, code=code: girls.region_of.get(cell[0]) == code  # noqa: E731
            rows.append(
                {
                    "code": code,
                    "name": row[key[1]],
                    "iso2": code if breakdown == "member_state" else "",
                    "all_years": _figures(row, girls=girls.grid.total(mine)),
                    "this_year": _figures(
                        row,
                        "y_",
                        girls=girls.year_total(
                            year, lambda cell, mine=mine: mine(cell) and cell[1] == year
                        ),
                    ),
                }
            )
    if sessions is None:
        sessions = {"event__in": base.values("pk")}
    return Dashboard(
        year=year,
        this_year=_figures(
            totals, "y_", girls=girls.year_total(year, lambda cell: cell[1] == year)
        ),
        all_years=_figures(totals, girls=girls.total()),
        modules=_module_rows(sessions, year),
        breakdown=rows,
    )


def _module_rows(sessions: Mapping[str, Any], year: int) -> list[ModuleRow]:
    """Sessions (all years, ``year``) and girls attending by module: two GROUP BYs, over
    the sessions of counted celebrations only (:data:`COUNTED`), as a report counts them.

    Sessions and attendance are grouped separately: grouping the join of both needed a
    ``COUNT(DISTINCT)`` over every attendance row (a sort of 73,000 rows at full scale).
    """
    by_module = {
        row["module_id"]: row
        for row in CopSession.objects.filter(**sessions, event__status__in=PUBLIC_STATUSES)
        .order_by()
        .values("module_id")
        .annotate(n=Count("pk"), n_year=Count("pk", filter=Q(event__year=year)))
    }
    girls = Grid(
        {
            (state, module): count
            for state, module, count in Attendance.objects.filter(
                gender=Gender.GIRL,
                session__event__status__in=PUBLIC_STATUSES,
                # Closed years only: an open year's attendance is published once it closes.
                session__event__year__lte=last_closed_year(),
                **{f"session__{lookup}": value for lookup, value in sessions.items()},
            )
            .order_by()
            .values_list("session__event__member_state_id", "session__module_id")
            .annotate(Sum("count"))
        }
    )
    rows = []
    for module in CopModule.objects.order_by("position", "code"):
        counts = by_module.get(module.pk, {"n": 0, "n_year": 0})
        if counts["n"] or not module.is_retired:
            rows.append(
                ModuleRow(
                    code=module.code,
                    title=module.title,
                    sessions=counts["n"],
                    sessions_this_year=counts["n_year"],
                    girls=girls.total(lambda cell, pk=module.pk: cell[1] == pk),
                    translations=module.translations,
                )
            )
    return rows


def state_dashboard(state: MemberState) -> Dashboard:
    return dashboard(
        Event.objects.filter(member_state=state), sessions={"event__member_state": state}
    )


def region_dashboard(region: Region) -> Dashboard:
    return dashboard(
        Event.objects.filter(member_state__region=region),
        breakdown="member_state",
        sessions={"event__member_state__region": region},
    )


def world_dashboard() -> Dashboard:
    return dashboard(Event.objects.all(), breakdown="region", sessions={})


# --- Public pages -----------------------------------------------------------------------------


def _published(filters: Mapping[str, Any] | None = None) -> QuerySet[Event]:
    """Published (and completed) celebrations, filtered, unordered and without joins."""
    filters = filters or {}
    events = Event.objects.filter(status__in=PUBLIC_STATUSES).order_by()
    if filters.get("year"):
        events = events.filter(year=filters["year"])
    if filters.get("region"):
        events = events.filter(member_state__region=filters["region"])
    if filters.get("member_state"):
        events = events.filter(member_state=filters["member_state"])
    return events


def public_events(filters: Mapping[str, Any] | None = None) -> QuerySet[Event]:
    """Published (and completed) celebrations, for anyone."""
    return _with_cop(_published(filters).select_related("member_state__region")).order_by(
        "-start_date", "title", "pk"
    )


def public_years() -> list[int]:
    return list(
        Event.objects.filter(status__in=PUBLIC_STATUSES)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


@dataclass(frozen=True)
class PublicFigures:
    """Published figures; girls reached obeys the small-cell rule."""

    celebrations: int
    member_states: int
    integrating_cop: int
    sessions: int
    girls_reached: Cell

    @property
    def cop_share(self) -> float | None:
        if not self.celebrations:
            return None
        return round(100 * self.integrating_cop / self.celebrations, 1)


@dataclass(frozen=True)
class StateRow:
    iso2: str
    iso3: str
    name: str
    region: str
    celebrations: int
    integrating_cop: int
    girls_reached: Cell


class GirlsCells:
    """Girls reached per (member state, year) of the closed years: the finest cell any
    public page shows.

    A cell below the small-cell threshold is shown as "<10" and **left out of every
    published total** (a member state's, a year's, the world's). No published figure then
    contains a small count, so no difference between two published figures (on this page
    or another) can reveal one; the pages say that totals exclude such cells.

    Only closed years are in the grid (:mod:`copgirls.publication`): an open year's cells
    still change as celebrations are registered and edited, so two pages (or a page and a
    report) read at two moments would differ by what arrived between them. An open year's
    figure is "published on 1 February…" (:func:`copgirls.closed_years.pending_figure`).
    """

    def __init__(
        self, filters: Mapping[str, Any] | None = None, *, events: QuerySet[Event] | None = None
    ):
        """The published celebrations matching ``filters``, or those among ``events`` (a
        dashboard's scope: its drafts never count here)."""
        published = (
            _published(filters)
            if events is None
            else events.filter(status__in=PUBLIC_STATUSES).order_by()
        ).filter(year__lte=last_closed_year())
        asked = (filters or {}).get("year")
        #: The figure that stands for every total when the page asks for an open year.
        self.pending = pending_figure(asked) if asked and not year_is_closed(asked) else None
        # As the reports count them: a celebration without its actual number of girls
        # counts the girls of its COP sessions' attendance (reports.aggregation), so a
        # report and a page give the same cell.
        attended = (
            Attendance.objects.filter(session__event=OuterRef("pk"), gender=Gender.GIRL)
            .order_by()
            .values("session__event")
            .annotate(n=Sum("count"))
            .values("n")
        )
        rows = published.values_list(
            "member_state__iso2", "year", "member_state__region__code"
        ).annotate(girls=Coalesce(Sum(Coalesce("actual_girls", Subquery(attended))), 0))
        counts = {(iso2, year): girls for iso2, year, _region, girls in rows}
        self.region_of = {iso2: region for iso2, _year, region, _girls in rows}
        self.grid = Grid(counts)

    def cell(self, iso2: str, year: int) -> Cell:
        if not year_is_closed(year):
            return pending_figure(year)
        return self.grid.cell((iso2, year))

    def total(self, iso2: str | None = None) -> Cell:
        if self.pending is not None:
            return self.pending
        return self.grid.total(None if iso2 is None else lambda cell: cell[0] == iso2)

    def year_total(self, year: int, where) -> Cell:
        """The total of ``year``'s cells ``where`` selects; "published on…" while it is open."""
        if not year_is_closed(year):
            return pending_figure(year)
        return self.grid.total(where)


def public_by_member_state(
    filters: Mapping[str, Any] | None = None,
) -> tuple[list[StateRow], PublicFigures]:
    """One row per member state with published celebrations, and the totals (two queries)."""
    grouped = list(
        _published(filters)
        .values(
            "member_state__iso2",
            "member_state__iso3",
            "member_state__name",
            "member_state__region__name",
        )
        .annotate(**_figure_aggregates())
        .order_by("member_state__name")
    )
    girls = GirlsCells(filters)
    rows = [
        StateRow(
            iso2=row["member_state__iso2"],
            iso3=row["member_state__iso3"],
            name=row["member_state__name"],
            region=row["member_state__region__name"],
            celebrations=row["celebrations"],
            integrating_cop=row["integrating_cop"],
            girls_reached=girls.total(row["member_state__iso2"]),
        )
        for row in grouped
    ]
    totals = PublicFigures(
        celebrations=sum(row["celebrations"] for row in grouped),
        member_states=len(grouped),
        integrating_cop=sum(row["integrating_cop"] for row in grouped),
        sessions=sum(row["sessions"] for row in grouped),
        girls_reached=girls.total(),
    )
    return rows, totals


def public_headline(year: int | None = None) -> PublicFigures:
    """The home page's figures (two queries)."""
    filters = {"year": year}
    totals = _published(filters).aggregate(
        **_figure_aggregates(), member_states=Count("member_state", distinct=True)
    )
    return PublicFigures(
        celebrations=totals["celebrations"],
        member_states=totals["member_states"],
        integrating_cop=totals["integrating_cop"],
        sessions=totals["sessions"],
        girls_reached=GirlsCells(filters).total(),
    )


def public_state_figures(state: MemberState) -> dict[str, Any]:
    """A member state's published figures by year and its COP modules (three queries)."""
    filters = {"member_state": state}
    by_year = list(
        _published(filters).values("year").annotate(**_figure_aggregates()).order_by("-year")
    )
    girls = GirlsCells(filters)
    years = [
        {
            "year": row["year"],
            "figures": _figures(row),
            "girls_reached": girls.cell(state.iso2, row["year"]),
        }
        for row in by_year
    ]
    modules = list(
        CopModule.objects.filter(
            sessions__event__member_state=state, sessions__event__status__in=PUBLIC_STATUSES
        )
        .annotate(n_sessions=Count("sessions"))
        .order_by("position", "code")
    )
    return {
        "years": years,
        "celebrations": sum(row["celebrations"] for row in by_year),
        "integrating_cop": sum(row["integrating_cop"] for row in by_year),
        "girls_reached": girls.total(state.iso2),
        "modules": modules,
    }
