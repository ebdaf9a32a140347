"""What the closing rule (:mod:`copgirls.publication`) tells people, and the figure of a year
not yet closed.

- A report, a public page, a dashboard or the open data asks for an open year's participant
  figures: it gets :func:`pending_figure` ("published on 1 February 2027") instead of a count,
  and a report request is refused with :func:`open_year_refusal`.
- A change to a closed year's celebrations, COP sessions or attendance is refused
  (:func:`refuses_changes`) with :func:`closed_year_refusal`.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
from collections.abc import Iterator

from django.utils.translation import gettext

from copgirls.disclosure import Cell, not_yet_published
from copgirls.names import long_date
from copgirls.publication import last_closed_year, year_closes_at, year_is_closed

_loading_history: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "loading_history", default=False
)


@contextlib.contextmanager
def loading_history() -> Iterator[None]:
    """Let the code inside write a closed year's records: the demo's past years
    (``load_demo``), which must hold closed years for its reports and public figures. No
    view, API call or import runs inside it."""
    token = _loading_history.set(True)
    try:
        yield
    finally:
        _loading_history.reset(token)


def refuses_changes(year: int | None, now: datetime.datetime | None = None) -> bool:
    """Whether a change to ``year``'s celebrations, sessions or answers is refused: the year
    is closed at ``now`` (and no history is being loaded, :func:`loading_history`)."""
    return year is not None and year_is_closed(year, now) and not _loading_history.get()


def publishes_on(year: int) -> datetime.date:
    """The day ``year``'s participant figures are published: the day it closes (UTC)."""
    return year_closes_at(year).date()


def pending_figure(year: int) -> Cell:
    """The figure of ``year`` while it is open: no count, the day it will be published."""
    return not_yet_published(publishes_on(year))


def open_years_among(years, now: datetime.datetime | None = None) -> list[int]:
    """The years of ``years`` that are not closed at ``now``, in order."""
    return sorted(year for year in set(years) if not year_is_closed(year, now))


def open_year_refusal(year: int) -> str:
    """Why a report of ``year`` is refused while the year is open."""
    return gettext(
        "%(year)s closes on %(date)s: reports cover closed years only, so that two reports "
        "of the same year always agree."
    ) % {"year": year, "date": long_date(publishes_on(year))}


def closed_year_refusal(year: int) -> str:
    """Why a change to a celebration, COP session or attendance of ``year`` is refused."""
    return gettext(
        "%(year)s closed on %(date)s: its figures are published and final, so its "
        "celebrations, COP sessions and attendance can no longer be registered, changed "
        "or deleted."
    ) % {"year": year, "date": long_date(publishes_on(year))}


def closed_years_note() -> str:
    """Which years a page's participant figures cover, and when the next one is published."""
    year = last_closed_year()
    return gettext(
        "Girls are counted for closed years only, up to %(year)s: %(next)s is published "
        "on %(date)s, and a closed year's figures never change."
    ) % {"year": year, "next": year + 1, "date": long_date(publishes_on(year + 1))}
