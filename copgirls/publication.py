"""When a year's figures may be published: the closing rule (issue 20).

Two outputs of the same year taken at two moments differ by what arrived, was edited or
was erased in between — possibly fewer than ``SMALL_CELL_THRESHOLD`` girls, which a reader
holding both could subtract. So figures derived from participants are published for
**closed years** only, and a closed year is the same in every output, for ever:

- a year *closes* once its last celebration's post-assessments can no longer pair: at the
  start of 1 January of the next year (UTC) plus the pairing window plus one day — with the
  default 30-day window, 00:00 UTC on 1 February;
- from that moment the year refuses every change that would move a figure (celebrations
  registered, edited, published or deleted; COP sessions; answers sent, typed in from paper
  or imported), and its response-derived figures are frozen (``reports.freezing``), so a
  later erasure of raw answers changes no output;
- an open year's participant figures are shown only to the people whose own work they are
  (a facilitator's live counts of her session, the responses per link).

This module only knows the calendar; it holds no rows and imports no app.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone


def year_closes_at(year: int) -> datetime.datetime:
    """The moment ``year`` closes (UTC)."""
    next_new_year = datetime.datetime(year + 1, 1, 1, tzinfo=datetime.UTC)
    return next_new_year + datetime.timedelta(days=settings.PAIRING_WINDOW_DAYS + 1)


def year_is_closed(year: int, now: datetime.datetime | None = None) -> bool:
    """Whether ``year``'s figures are final (and may be published)."""
    return (now or timezone.now()) >= year_closes_at(year)


def last_closed_year(now: datetime.datetime | None = None) -> int:
    """The most recent closed year at ``now``."""
    now = now or timezone.now()
    year = now.astimezone(datetime.UTC).year
    while not year_is_closed(year, now):
        year -= 1
    return year
