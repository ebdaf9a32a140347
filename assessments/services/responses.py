"""Storing a participant's response: idempotent, scored once, paired by the repeat rule."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.answers import (
    Submission,
    clean_answers,
    clean_profile,
    compute_scores,
    payload_digest,
)
from assessments.models import Answer, CollectionLink, Questionnaire, Response, ResponseSource
from assessments.pairing import pairing_recompute, participant_key
from events.models import CopSession


class SubmissionConflict(Exception):
    """The same client submission id was already stored with different answers."""


class LinkClosed(Exception):
    """The collection link is not open (closed by hand, expired, or never opened)."""


@dataclass(frozen=True)
class SubmitResult:
    response: Response
    created: bool


def to_the_minute(moment: datetime.datetime) -> datetime.datetime:
    return moment.replace(second=0, microsecond=0)


def active_items(questionnaire: Questionnaire) -> list:
    return list(questionnaire.items.filter(is_retired=False).order_by("position", "pk"))


def response_store(
    *,
    session: CopSession,
    questionnaire: Questionnaire,
    phase: str,
    source: str,
    submission: Submission,
    client_submission_id: uuid.UUID,
    submitted_at: datetime.datetime | None = None,
    items: list | None = None,
    require_all: bool = True,
    recompute_pairing: bool = True,
) -> SubmitResult:
    """Check and store one response; a resend of the same answers returns the first one.

    Raises ``ValidationError`` (keyed by field or item key) for bad input and
    :class:`SubmissionConflict` when ``client_submission_id`` was stored with other answers.
    Call inside a transaction that holds the session row (see :func:`response_submit`).
    """
    items = active_items(questionnaire) if items is None else items
    errors = clean_profile(submission)
    try:
        answers = clean_answers(items, submission.answers, require_all=require_all)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    key = participant_key(
        pairing_secret=session.event.pairing_secret, memorable_code=submission.memorable_code
    )
    digest = payload_digest(
        phase=phase,
        age_band=submission.age_band,
        gender=submission.gender,
        participant_key=key,
        answers=answers,
    )
    existing = Response.objects.filter(
        session=session, client_submission_id=client_submission_id
    ).first()
    if existing is not None:
        if existing.payload_digest != digest:
            raise SubmissionConflict
        return SubmitResult(existing, created=False)

    response = Response(
        session=session,
        questionnaire=questionnaire,
        phase=phase,
        age_band=submission.age_band,
        gender=submission.gender,
        assent=True,
        source=source,
        client_submission_id=client_submission_id,
        payload_digest=digest,
        participant_key=key,
        submitted_at=to_the_minute(submitted_at or timezone.now()),
        **compute_scores(items, answers),
    )
    response.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError:
        # A concurrent resend won the race: answer as for any resend.
        existing = Response.objects.get(session=session, client_submission_id=client_submission_id)
        if existing.payload_digest != digest:
            raise SubmissionConflict from None
        return SubmitResult(existing, created=False)
    Answer.objects.bulk_create(
        Answer(
            response=response,
            item=answer.item,
            option=answer.option,
            likert=answer.likert,
            text=answer.text,
            is_correct=answer.is_correct,
        )
        for answer in answers
    )
    Questionnaire.objects.filter(pk=questionnaire.pk, frozen_at__isnull=True).update(
        frozen_at=timezone.now()
    )
    if recompute_pairing:
        pairing_recompute(session_id=session.pk, participant_keys=[key])
    return SubmitResult(response, created=True)


@transaction.atomic
def response_submit(
    *,
    link: CollectionLink,
    submission: Submission,
    client_submission_id: uuid.UUID,
    now: datetime.datetime | None = None,
) -> SubmitResult:
    """A girl's web submission through a collection link.

    A resend of stored answers returns the stored response even after the link closed;
    a new submission to a closed link raises :class:`LinkClosed`. Nothing is stored when
    anything is wrong.
    """
    now = now or timezone.now()
    # The session row serialises submissions of one session, so the repeat rule's flags
    # are computed over every committed response of the key.
    session = CopSession.objects.select_for_update().select_related("event").get(pk=link.session_id)
    link = CollectionLink.objects.select_related("questionnaire").get(pk=link.pk)
    stored = Response.objects.filter(
        session=session, client_submission_id=client_submission_id
    ).exists()
    if not stored and not link.is_open_at(now):
        raise LinkClosed
    return response_store(
        session=session,
        questionnaire=link.questionnaire,
        phase=link.phase,
        source=ResponseSource.WEB,
        submission=submission,
        client_submission_id=client_submission_id,
        submitted_at=now,
    )


def conflict_message() -> str:
    return _(
        "These answers were already sent once with different answers. The first answers are kept."
    )
