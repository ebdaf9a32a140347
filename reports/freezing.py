"""Freezing a closed year's response-derived figures (issue 20).

Two outputs of one year at two moments differ by what changed in between — answers
arriving, a celebration's answers erased on request, the retention job erasing answers
older than ``RESPONSE_RETENTION_DAYS`` day by day — and fewer than 10 girls could be read
off the difference. So figures are published for closed years only
(:mod:`copgirls.publication`), and a closed year is identical in every output for ever:

- :func:`year_freeze` stores, once, what a report reads from the year's responses — its
  pairs (:class:`~reports.models.FrozenPair`: member state, module, year, age band, the six
  scores and the number of identical pairs; no participant key, session or celebration) and
  its response counts per publication grid cell
  (:class:`~reports.models.FrozenResponseCount`) — after closing the year's open collection
  links under the session row locks, so no answer arrives during or after it;
- every report reads a frozen year from those rows (:func:`reports.aggregation.impact_by_cell`),
  whatever was erased since: the raw answers still go on request and by retention
  (:mod:`assessments.services.erasure`), the figures stay;
- the beat task ``reports.tasks.years_freeze_closed`` freezes every closed, unfrozen year
  hourly, and the report task freezes the years of its period before aggregating, so no
  report reads a closed year live.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import numpy as np
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from assessments.models import CollectionLink
from copgirls.audit import audit_record
from copgirls.publication import last_closed_year, year_closes_at, year_is_closed
from events.models import FIRST_GIRLS_IN_ICT_YEAR, AgeBand, CopSession
from reports import aggregation
from reports.aggregation import COUNT_KEYS, PairColumns, Selection
from reports.models import FrozenPair, FrozenResponseCount, FrozenYear

#: The frozen rows' score columns, in :class:`~reports.aggregation.PairColumns`' order.
SCORES = (
    "knowledge_pre",
    "knowledge_post",
    "self_efficacy_pre",
    "self_efficacy_post",
    "intention_pre",
    "intention_post",
)


def whole_year(year: int, *, cutoff: datetime.datetime) -> Selection:
    """Every counted celebration of ``year``, every member state, up to ``cutoff``."""
    return Selection(datetime.date(year, 1, 1), datetime.date(year, 12, 31), cutoff)


def live_year(year: int):
    """The year's pairs and response counts per cell, from all its responses as they are
    now (the cut-off is the clock's: whatever ``now`` a caller reasons with, every response
    stored counts)."""
    pairs, _counts, cells = aggregation.live_impact_by_cell(whole_year(year, cutoff=timezone.now()))
    return pairs, cells


def grouped_pairs(pairs: PairColumns) -> dict[tuple, int]:
    """Identical pairs counted: ``{(member state, module, year, age band, *scores): n}``
    (a missing score is ``None``). Grouping is vectorised; the loop is over distinct rows."""
    if not pairs.n:
        return {}
    keys, counts = np.unique(aggregation.pair_keys(pairs), axis=0, return_counts=True)
    ages = [None, *AgeBand.values]
    result = {}
    for row, count in zip(keys.tolist(), counts.tolist(), strict=True):
        scores = np.array(row[4:], dtype=np.int64).view(np.float64).tolist()
        result[
            (
                row[0],
                row[1],
                row[2],
                ages[row[3]],
                *(None if np.isnan(value) else value for value in scores),
            )
        ] = count
    return result


def year_closed_refusal(year: int) -> str:
    """Why ``year`` cannot be frozen yet."""
    return _(
        "%(year)s cannot be frozen yet: it closes on %(date)s, when its last answers can no "
        "longer pair."
    ) % {"year": year, "date": formats.date_format(year_closes_at(year).date(), "j F Y")}


def year_freeze(
    *, year: int, now: datetime.datetime | None = None, actor=None
) -> tuple[FrozenYear, bool]:
    """Freeze closed ``year``'s response-derived figures; returns ``(frozen year, frozen
    now)``. Idempotent: a frozen year is returned as it is (``False``), and of two calls at
    once one freezes and the other waits for it, then returns its row (the year's unique
    row: the second insert waits on the first's until it commits).

    One transaction: the year's row, the COP sessions' rows locked (as an erasure and
    every writer of a session lock them) and its open collection links closed, then the
    pairs and response counts computed from all of the year's responses and stored;
    audited. Raises ``ValidationError`` for a year that is not closed at ``now``.
    """
    now = now or timezone.now()
    if not year_is_closed(year, now):
        raise ValidationError(year_closed_refusal(year))
    existing = FrozenYear.objects.filter(year=year).first()
    if existing is not None:
        return existing, False
    with transaction.atomic():
        try:
            with transaction.atomic():
                frozen = FrozenYear.objects.create(year=year, frozen_at=now)
        except IntegrityError:  # frozen meanwhile by a call that has committed
            return FrozenYear.objects.get(year=year), False
        sessions = list(
            CopSession.objects.select_for_update()
            .filter(event__year=year)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        links_closed = CollectionLink.objects.filter(
            session_id__in=sessions, closed_at__isnull=True
        ).update(closed_at=now, updated_at=now)
        pairs, cells = live_year(year)
        FrozenPair.objects.bulk_create(
            (
                FrozenPair(
                    frozen_year=frozen,
                    member_state_id=state,
                    module_id=module,
                    year=pair_year,
                    age_band=age_band or "",
                    count=count,
                    **dict(zip(SCORES, scores, strict=True)),
                )
                for (state, module, pair_year, age_band, *scores), count in grouped_pairs(
                    pairs
                ).items()
            ),
            batch_size=2000,
        )
        FrozenResponseCount.objects.bulk_create(
            (
                FrozenResponseCount(
                    frozen_year=frozen, member_state_id=state, year=cell_year, **row
                )
                for (state, cell_year), row in cells.items()
            ),
            batch_size=2000,
        )
        frozen.pairs = pairs.n
        frozen.responses = sum(row["pre"] + row["post"] for row in cells.values())
        frozen.links_closed = links_closed
        frozen.save(update_fields=["pairs", "responses", "links_closed", "updated_at"])
        audit_record(
            actor=actor,
            action="year.freeze",
            obj=frozen,
            changes={
                "year": year,
                "pairs": frozen.pairs,
                "responses": frozen.responses,
                "links_closed": links_closed,
            },
        )
    return frozen, True


def years_freeze_closed(
    *,
    first: int | None = None,
    last: int | None = None,
    now: datetime.datetime | None = None,
) -> list[int]:
    """Freeze every closed, unfrozen year from ``first`` to ``last`` (default: from the
    first Girls in ICT Day to the last closed year); returns the years frozen now."""
    now = now or timezone.now()
    first = FIRST_GIRLS_IN_ICT_YEAR if first is None else first
    last = min(last_closed_year(now), last if last is not None else 9999)
    done = set(
        FrozenYear.objects.filter(year__gte=first, year__lte=last).values_list("year", flat=True)
    )
    frozen_now = []
    for year in range(first, last + 1):
        if year in done:
            continue
        _row, created = year_freeze(year=year, now=now)
        if created:
            frozen_now.append(year)
    return frozen_now


@dataclass
class FreezeCheck:
    """What differs between a frozen year and its live responses."""

    year: int
    differences: list[str] = field(default_factory=list)


def year_check(year: int) -> FreezeCheck:
    """Recompute ``year`` from its live responses and compare with its frozen rows (while
    the raw answers exist; after an erasure the frozen rows rightly hold more)."""
    check = FreezeCheck(year)
    frozen_year = FrozenYear.objects.filter(year=year).first()
    if frozen_year is None:
        check.differences.append(_("%(year)s is not frozen.") % {"year": year})
        return check
    pairs, cells = live_year(year)
    frozen_pairs, frozen_cells = aggregation.frozen_impact(
        whole_year(year, cutoff=timezone.now()), frozenset({year})
    )
    live_groups, frozen_groups = grouped_pairs(pairs), grouped_pairs(frozen_pairs)
    for key in sorted(set(live_groups) | set(frozen_groups), key=repr):
        if live_groups.get(key, 0) != frozen_groups.get(key, 0):
            state, module, _year, age_band, *scores = key
            check.differences.append(
                _(
                    "pairs of member state %(state)s, module %(module)s, age band %(age)s, "
                    "scores %(scores)s: frozen %(frozen)s, live %(live)s"
                )
                % {
                    "state": state,
                    "module": module,
                    "age": age_band,
                    "scores": scores,
                    "frozen": frozen_groups.get(key, 0),
                    "live": live_groups.get(key, 0),
                }
            )
    empty = dict.fromkeys(COUNT_KEYS, 0)
    for cell in sorted(set(cells) | set(frozen_cells)):
        live_row, frozen_row = cells.get(cell, empty), frozen_cells.get(cell, empty)
        for key in COUNT_KEYS:
            if live_row[key] != frozen_row[key]:
                check.differences.append(
                    _(
                        "%(key)s responses of member state %(state)s: frozen %(frozen)s, "
                        "live %(live)s"
                    )
                    % {
                        "key": key,
                        "state": cell[0],
                        "frozen": frozen_row[key],
                        "live": live_row[key],
                    }
                )
    return check
