"""Re-keying the participant keys stored before the pepper existed (issue 15).

A celebration registered before ``PARTICIPANT_KEY_PEPPER`` keyed its girls' codes with its
own secret alone, which lives in the database: a copy of the database could recover the
codes by trying guesses. Its keys are re-keyed from the stored keys themselves (the codes
are never stored) as :mod:`assessments.pairing` describes, its secret marked ``r1:``, in one
transaction per celebration: afterwards every key of it depends on the pepper and the
session, and codes typed later get the same keys, so pre and post still pair.

A celebration is re-keyed only while none of its links is open (checked under its sessions'
locks, which opening a link and storing a submission take too): a submission in flight has
read the secret before, and would store a key of the first scheme after the change. Links
close by themselves at the end of their session's day, so the daily job
(``assessments.tasks.rekey_unpeppered_pairing``) reaches every celebration within a day of
its last collection.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from assessments.models import CollectionLink, HeldResponse, HeldStatus, Response
from assessments.pairing import rekeyed
from copgirls.audit import audit_record
from events.models import PEPPERED_PAIRING, REKEYED_PAIRING, CopSession, Event

#: Responses re-keyed per UPDATE statement.
BATCH = 2000


def _unpeppered() -> Q:
    """Celebrations whose keys predate the pepper; not those whose secret was discarded
    (issue 20: empty, so their keys can never be recomputed — re-keying would undo that)."""
    return (
        ~Q(pairing_secret__startswith=PEPPERED_PAIRING)
        & ~Q(pairing_secret__startswith=REKEYED_PAIRING)
        & ~Q(pairing_secret="")
    )


@transaction.atomic
def event_pairing_rekey(*, event_id: int) -> int | None:
    """Re-key one celebration's stored keys; how many responses (``None``: not now, a link
    of it is open; 0 for a celebration already re-keyed or peppered)."""
    event = Event.objects.select_for_update().filter(pk=event_id).filter(_unpeppered()).first()
    if event is None:
        return 0
    list(CopSession.objects.select_for_update().filter(event=event).values_list("pk", flat=True))
    now = timezone.now()
    links = CollectionLink.objects.filter(
        session__event=event, opened_at__lte=now, closed_at__isnull=True
    ).filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
    if links.exists():
        return None
    secret = REKEYED_PAIRING + event.pairing_secret
    responses = Response.objects.filter(session__event=event).order_by("pk")
    count = 0
    last = 0
    while True:
        rows = list(
            responses.filter(pk__gt=last).only("pk", "session_id", "participant_key")[:BATCH]
        )
        if not rows:
            break
        for row in rows:
            row.participant_key = rekeyed(
                pairing_secret=secret, session_id=row.session_id, first_key=row.participant_key
            )
        Response.objects.bulk_update(rows, ["participant_key"])
        count += len(rows)
        last = rows[-1].pk
    held = list(
        HeldResponse.objects.filter(session__event=event, status=HeldStatus.HELD).only(
            "pk", "session_id", "response"
        )
    )
    for row in held:
        row.response["participant_key"] = rekeyed(
            pairing_secret=secret,
            session_id=row.session_id,
            first_key=row.response["participant_key"],
        )
    HeldResponse.objects.bulk_update(held, ["response"])
    event.pairing_secret = secret
    event.save(update_fields=["pairing_secret", "updated_at"])
    audit_record(
        actor=None,
        action="event.pairing_rekey",
        obj=event,
        changes={"responses": count, "held": len(held)},
    )
    return count


def pairing_rekey_unpeppered() -> dict[str, int]:
    """Re-key every celebration still on the first scheme whose links are all closed:
    ``{"celebrations", "responses", "waiting"}`` (waiting: a link still open)."""
    done = {"celebrations": 0, "responses": 0, "waiting": 0}
    for event_id in Event.objects.filter(_unpeppered()).order_by("pk").values_list("pk", flat=True):
        count = event_pairing_rekey(event_id=event_id)
        if count is None:
            done["waiting"] += 1
        else:
            done["celebrations"] += 1
            done["responses"] += count
    return done
