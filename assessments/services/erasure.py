"""Erasing raw responses: on request for one celebration, and after the retention period.

Issued reports are not touched: a :class:`reports.models.Report` keeps the suppressed
figures it was rendered from, so its numbers survive the erasure of the raw answers.

A closed year's raw answers are erased like any others — on request and by retention —
but its figures stay (DESIGN: "the aggregates in issued reports stay"): they were frozen
when the year closed (:mod:`reports.freezing`), and every report of the year, issued before
or produced after the erasure, reads the frozen rows, which hold no participant key,
session or celebration. So an erasure changes no output of a closed year, and no
difference between two of them gives back the few girls erased (issue 20). An open year's
erasure changes its live figures, which are published nowhere until the year closes.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from assessments.models import Answer, CollectionLink, HeldResponse, Phase, Response
from copgirls.audit import audit_record
from events.models import CopSession, Event


def _erase(responses: QuerySet[Response]) -> dict[str, int]:
    counts = responses.aggregate(
        responses=Count("pk"),
        pre=Count("pk", filter=Q(phase=Phase.PRE)),
        post=Count("pk", filter=Q(phase=Phase.POST)),
        sessions=Count("session", distinct=True),
    )
    counts["answers"] = Answer.objects.filter(response__in=responses.values("pk")).count()
    Answer.objects.filter(response__in=responses.values("pk")).delete()
    responses.delete()
    return counts


@transaction.atomic
def responses_erase_for_event(*, event: Event, actor) -> dict[str, int]:
    """Erase every response (and answer) of the celebration's COP sessions; audited.

    The celebration's open collection links are closed first, under the same session-row
    locks that submissions take, so no answer arrives during or after the erasure unless a
    facilitator deliberately opens collection again.
    """
    event = Event.objects.select_for_update().get(pk=event.pk)
    list(CopSession.objects.select_for_update().filter(event=event).values_list("pk", flat=True))
    links_closed = CollectionLink.objects.filter(
        session__event=event, closed_at__isnull=True
    ).update(closed_at=timezone.now(), updated_at=timezone.now())
    counts = _erase(Response.objects.filter(session__event=event))
    counts["held"] = HeldResponse.objects.filter(session__event=event).delete()[0]
    counts["links_closed"] = links_closed
    audit_record(actor=actor, action="responses.erase_event", obj=event, changes=counts)
    return counts


@transaction.atomic
def responses_erase_expired(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Erase responses submitted more than ``RESPONSE_RETENTION_DAYS`` ago (the beat job)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.RESPONSE_RETENTION_DAYS)
    counts = _erase(Response.objects.filter(submitted_at__lt=cutoff))
    counts["held"] = HeldResponse.objects.filter(submitted_at__lt=cutoff).delete()[0]
    if counts["responses"] or counts["held"]:
        audit_record(
            actor=None,
            action="responses.erase_expired",
            object_type="assessments.response",
            object_repr=f"submitted before {cutoff:%Y-%m-%d %H:%M} UTC",
            changes={**counts, "retention_days": settings.RESPONSE_RETENTION_DAYS},
        )
    return counts
