"""Discarding a celebration's pairing secret once it can pair nothing more (issue 20).

A participant key is a keyed hash of a girl's memorable code with her celebration's secret
(:mod:`assessments.pairing`). While the secret exists, whoever holds it and the portal's
pepper can test guesses of a code against the stored keys. Once every collection link of
the celebration is closed and ``PAIRING_WINDOW_DAYS`` have passed since the last one
closed, no answer can arrive to pair, so the secret is emptied: its keys can then never be
recomputed. A link of such a celebration cannot be opened again, nor paper answers entered
(``PAIRING_WINDOW_PASSED``); the pairs already stored keep their keys and count as before.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from assessments.models import CollectionLink, Phase
from copgirls.audit import audit_record
from events.models import Event


@transaction.atomic
def pairing_secrets_discard(*, now: datetime.datetime | None = None) -> int:
    """Empty the secret of every celebration whose post collection is closed and whose
    pairing window has passed; returns how many (daily; idempotent)."""
    now = now or timezone.now()
    window_start = now - datetime.timedelta(days=settings.PAIRING_WINDOW_DAYS)
    links = CollectionLink.objects.filter(session__event=OuterRef("pk"))
    # A link still counts while open, or closed (by hand or by its deadline) in the window.
    recent = links.annotate(ended=Coalesce("closed_at", "closes_at")).filter(
        Q(ended__isnull=True) | Q(ended__gt=window_start)
    )
    done = (
        Event.objects.exclude(pairing_secret="")
        .filter(Exists(links.filter(phase=Phase.POST)))
        .exclude(Exists(recent))
    )
    pks = list(done.select_for_update().values_list("pk", flat=True))
    if pks:
        Event.objects.filter(pk__in=pks).update(pairing_secret="", updated_at=now)
        audit_record(
            actor=None,
            action="events.pairing_secrets_discard",
            object_type="events.event",
            object_repr=f"{len(pks)} celebrations",
            changes={"events": pks, "window_days": settings.PAIRING_WINDOW_DAYS},
        )
    return len(pks)
