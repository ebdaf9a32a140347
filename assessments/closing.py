"""A closed year refuses new answers (issue 20).

Once a year closes (:mod:`copgirls.publication`) its figures are final and frozen
(:mod:`reports.freezing`): no answer of its celebrations is stored any more — not sent
online, typed in from paper, imported, nor released from a held batch — and none of its
collection links opens.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext

from copgirls.closed_years import refuses_changes
from copgirls.publication import year_closes_at


def year_closed_message(year: int) -> str:
    """Why no answer of ``year`` can be stored any more (issue 20: a closed year's figures
    are final and frozen, :mod:`reports.freezing`)."""
    return gettext(
        "Answers for %(year)s can no longer be collected: the year closed on %(date)s and "
        "its figures are final."
    ) % {"year": year, "date": formats.date_format(year_closes_at(year).date(), "j F Y")}


def refuse_closed_year(year: int, now: datetime.datetime | None = None) -> None:
    """Raise ``ValidationError`` (:func:`year_closed_message`) if ``year`` is closed (and
    no history is being loaded: :func:`copgirls.closed_years.loading_history`)."""
    if refuses_changes(year, now):
        raise ValidationError(year_closed_message(year), code="year_closed")
