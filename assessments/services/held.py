"""Held submissions: answers beyond a plausible number from one client, kept out of every
figure until the session's facilitator releases or voids their batch (issue 15).

Which submission is held is decided by the participant page (``assessments.ratelimit.
submission_hold_batch``, counted per client and address in the cache); this module stores
it apart (:class:`~assessments.models.HeldResponse`), releases a batch into the responses
by the same rules as any response, or voids it.
"""

from __future__ import annotations

import datetime
import uuid

from django.db import transaction
from django.utils import timezone

from assessments.answers import ParsedAnswer
from assessments.closing import refuse_closed_year
from assessments.models import (
    Answer,
    CollectionLink,
    HeldResponse,
    HeldStatus,
    Item,
    Response,
    ResponseSource,
)
from assessments.pairing import pairing_recompute
from copgirls.audit import audit_record
from events.models import CopSession


class HeldConflict(Exception):
    """The same client submission id is held already with different answers."""


def _held_payload(response: Response, answers: list[ParsedAnswer]) -> dict:
    return {
        "questionnaire_id": response.questionnaire_id,
        "age_band": response.age_band,
        "gender": response.gender,
        "participant_key": response.participant_key,
        "knowledge_score": response.knowledge_score,
        "self_efficacy_mean": response.self_efficacy_mean,
        "intention_mean": response.intention_mean,
        "answers": [
            [answer.item.pk, answer.option, answer.likert, answer.is_correct] for answer in answers
        ],
    }


def _link_open(session_id: int, phase: str, moment: datetime.datetime) -> bool:
    link = CollectionLink.objects.filter(session_id=session_id, phase=phase).first()
    return link is not None and link.is_open_at(moment)


#: What :func:`response_hold` did: held it, recognised a resend, or found the link closed.
HELD, RESENT, LINK_CLOSED = "held", "resent", "link_closed"


@transaction.atomic
def response_hold(
    *, response: Response, answers: list[ParsedAnswer], batch: uuid.UUID
) -> tuple[str, Response | None]:
    """Hold a checked, unsaved response in ``batch``: what was done, and the response
    already stored under its client id when there is one (a resend of counted answers: the
    caller answers it as any resend).

    A resend of held answers holds nothing more (:data:`RESENT`); other answers under a held
    id raise :class:`HeldConflict`. The link is checked, as the store does, once the
    session's row is held (:data:`LINK_CLOSED`: nothing held).
    """
    CopSession.objects.select_for_update().filter(pk=response.session_id).first()
    stored = Response.objects.filter(
        session_id=response.session_id, client_submission_id=response.client_submission_id
    ).first()
    if stored is not None:
        return RESENT, stored
    held = HeldResponse.objects.filter(
        session_id=response.session_id, client_submission_id=response.client_submission_id
    ).first()
    if held is not None:
        if held.payload_digest != response.payload_digest:
            raise HeldConflict
        return RESENT, None
    if not _link_open(response.session_id, response.phase, timezone.now()):
        return LINK_CLOSED, None
    HeldResponse.objects.create(
        session_id=response.session_id,
        phase=response.phase,
        batch=batch,
        client_submission_id=response.client_submission_id,
        payload_digest=response.payload_digest,
        submitted_at=response.submitted_at,
        response=_held_payload(response, answers),
    )
    return HELD, None


@transaction.atomic
def held_batch_release(*, session: CopSession, batch: uuid.UUID, actor) -> int:
    """Store the batch's held answers as responses (the repeat rule applied to their keys);
    a held submission whose id was stored meanwhile (a resend counted) is dropped, so a
    retried submission counts once. Returns how many were stored; audited."""
    locked = CopSession.objects.select_for_update().select_related("event").get(pk=session.pk)
    rows = list(HeldResponse.objects.filter(session=session, batch=batch, status=HeldStatus.HELD))
    if not rows:
        return 0
    refuse_closed_year(locked.event.year)
    stored_ids = set(
        Response.objects.filter(
            session=session, client_submission_id__in=[row.client_submission_id for row in rows]
        ).values_list("client_submission_id", flat=True)
    )
    item_ids = {answer[0] for row in rows for answer in row.response.get("answers", [])}
    items = Item.objects.in_bulk(item_ids)
    keys: dict[str, set[str]] = {}
    released = 0
    for row in rows:
        if row.client_submission_id in stored_ids:
            continue
        data = row.response
        response = Response.objects.create(
            session=session,
            questionnaire_id=data["questionnaire_id"],
            phase=row.phase,
            age_band=data["age_band"],
            gender=data["gender"],
            assent=True,
            source=ResponseSource.WEB,
            client_submission_id=row.client_submission_id,
            payload_digest=row.payload_digest,
            participant_key=data["participant_key"],
            submitted_at=row.submitted_at,
            knowledge_score=data["knowledge_score"],
            self_efficacy_mean=data["self_efficacy_mean"],
            intention_mean=data["intention_mean"],
            counts_for_pairing=True,
        )
        Answer.objects.bulk_create(
            Answer(
                response=response,
                item=items[item_id],
                option=option,
                likert=likert,
                is_correct=is_correct,
            )
            for item_id, option, likert, is_correct in data["answers"]
        )
        keys.setdefault(row.phase, set()).add(data["participant_key"])
        released += 1
    for phase, phase_keys in keys.items():
        pairing_recompute(
            session_id=session.pk, participant_keys=sorted(phase_keys), phases=[phase]
        )
    HeldResponse.objects.filter(pk__in=[row.pk for row in rows]).delete()
    audit_record(
        actor=actor,
        action="held_responses.release",
        obj=session,
        changes={"batch": str(batch), "released": released, "held": len(rows)},
    )
    return released


@transaction.atomic
def held_batch_void(*, session: CopSession, batch: uuid.UUID, actor) -> int:
    """Void the batch's held answers: they are dropped and count in no figure; each row
    stays (without answers) so that a resend of it is still recognised. Audited."""
    CopSession.objects.select_for_update().filter(pk=session.pk).first()
    voided = HeldResponse.objects.filter(
        session=session, batch=batch, status=HeldStatus.HELD
    ).update(status=HeldStatus.VOIDED, response={})
    if voided:
        audit_record(
            actor=actor,
            action="held_responses.void",
            obj=session,
            changes={"batch": str(batch), "voided": voided},
        )
    return voided
