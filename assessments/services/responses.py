"""Storing a participant's response: idempotent, scored once, paired by the repeat rule.

A web submission (:func:`response_submit`) costs the same few statements whatever the
size of its session or of the database: the response, its answers in one ``INSERT``, the
session row's lock, one indexed look-up of her key's responses in this phase and, for a
repeat only, one ``UPDATE`` of that key's repeat-rule flags. A resend is recognised by
the unique ``(session, client_submission_id)`` constraint, not by a look-up before every
insert.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.answers import (
    ParsedAnswer,
    Submission,
    clean_answers,
    clean_profile,
    compute_scores,
    payload_digest,
)
from assessments.models import Answer, CollectionLink, Questionnaire, Response, ResponseSource
from assessments.pairing import pairing_recompute, participant_key
from assessments.selectors import questionnaire_active_items
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
    return questionnaire_active_items(questionnaire)


def _checked(
    *,
    session: CopSession,
    questionnaire: Questionnaire,
    phase: str,
    source: str,
    submission: Submission,
    client_submission_id: uuid.UUID,
    submitted_at: datetime.datetime | None,
    items: list,
    require_all: bool,
) -> tuple[Response, list[ParsedAnswer]]:
    """The response to store (not saved) and its parsed answers; ``ValidationError``
    keyed by field or item key for bad input."""
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
    response = Response(
        session=session,
        questionnaire=questionnaire,
        phase=phase,
        age_band=submission.age_band,
        gender=submission.gender,
        assent=True,
        source=source,
        client_submission_id=client_submission_id,
        payload_digest=payload_digest(
            phase=phase,
            age_band=submission.age_band,
            gender=submission.gender,
            participant_key=key,
            answers=answers,
        ),
        participant_key=key,
        submitted_at=to_the_minute(submitted_at or timezone.now()),
        # Her only response of this phase counts; the repeat rule corrects it otherwise.
        counts_for_pairing=True,
        **compute_scores(items, answers),
    )
    # The session and questionnaire are rows just read (the database checks the keys
    # again); the client id's uniqueness is the constraint's, answered by the callers.
    response.full_clean(
        exclude=["session", "questionnaire"], validate_unique=False, validate_constraints=False
    )
    return response, answers


def _save_with_answers(response: Response, answers: list[ParsedAnswer]) -> None:
    response.save()
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
    questionnaire = response.questionnaire
    if questionnaire.frozen_at is None:
        Questionnaire.objects.filter(pk=questionnaire.pk, frozen_at__isnull=True).update(
            frozen_at=timezone.now()
        )


def _resent(stored: Response, digest: str) -> SubmitResult:
    if stored.payload_digest != digest:
        raise SubmissionConflict
    return SubmitResult(stored, created=False)


def _stored(session_id: int, client_submission_id: uuid.UUID) -> Response | None:
    return Response.objects.filter(
        session_id=session_id, client_submission_id=client_submission_id
    ).first()


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
    Call inside a transaction that holds the session row (paper entry, the demo);
    ``recompute_pairing=False`` leaves the repeat rule to the caller (a batch applies it
    once at the end).
    """
    items = active_items(questionnaire) if items is None else items
    response, answers = _checked(
        session=session,
        questionnaire=questionnaire,
        phase=phase,
        source=source,
        submission=submission,
        client_submission_id=client_submission_id,
        submitted_at=submitted_at,
        items=items,
        require_all=require_all,
    )
    # One indexed query: the response stored under this client id, and (to know whether
    # the repeat rule has anything to do) her other responses of this phase.
    wanted = Q(client_submission_id=client_submission_id)
    if recompute_pairing:
        wanted |= Q(phase=phase, participant_key=response.participant_key)
    rows = list(
        Response.objects.filter(wanted, session=session).only(
            "pk", "client_submission_id", "payload_digest"
        )[:2]
    )
    for row in rows:
        if row.client_submission_id == client_submission_id:
            return _resent(row, response.payload_digest)
    try:
        with transaction.atomic():
            _save_with_answers(response, answers)
    except IntegrityError:
        # A concurrent resend won the race: answer as for any resend.
        stored = _stored(session.pk, client_submission_id)
        if stored is None:
            raise
        return _resent(stored, response.payload_digest)
    if recompute_pairing and rows:
        pairing_recompute(
            session_id=session.pk, participant_keys=[response.participant_key], phases=[phase]
        )
    return SubmitResult(response, created=True)


def response_submit(
    *,
    link: CollectionLink,
    submission: Submission,
    client_submission_id: uuid.UUID,
    now: datetime.datetime | None = None,
    items: list | None = None,
) -> SubmitResult:
    """A girl's web submission through a collection link (as the caller just read it, with
    its session's event and its questionnaire; ``items``: the questionnaire's active items
    when the caller has them, see :func:`~assessments.selectors.questionnaire_active_items`).

    A resend of stored answers returns the stored response even after the link closed;
    a new submission to a closed link raises :class:`LinkClosed`. Nothing is stored when
    anything is wrong.
    """
    now = now or timezone.now()
    items = active_items(link.questionnaire) if items is None else items
    response, answers = _checked(
        session=link.session,
        questionnaire=link.questionnaire,
        phase=link.phase,
        source=ResponseSource.WEB,
        submission=submission,
        client_submission_id=client_submission_id,
        submitted_at=now,
        items=items,
        require_all=True,
    )
    if not link.is_open_at(now):
        # Only a resend of stored answers is still answered (with its thank-you).
        stored = _stored(link.session_id, client_submission_id)
        if stored is None:
            raise LinkClosed
        return _resent(stored, response.payload_digest)
    try:
        _response_insert(response=response, answers=answers)
    except IntegrityError:
        # This client id is stored already (a resend, or a double tap that raced this one
        # and committed first): answer as for any resend.
        stored = _stored(link.session_id, client_submission_id)
        if stored is None:
            raise
        return _resent(stored, response.payload_digest)
    return SubmitResult(response, created=True)


@transaction.atomic
def _response_insert(*, response: Response, answers: list[ParsedAnswer]) -> None:
    """Insert, then apply the repeat rule to her key under the session row's lock.

    The lock is taken after the inserts, so girls of one session wait for each other only
    for one indexed look-up and the commit. It is enough: whoever takes the lock second
    sees, in the look-up's snapshot, every response of the key committed before — the
    first one's included — and its own. Her first response of a phase is the only one
    and counts as inserted; only a repeat costs the flags' ``UPDATE``.
    """
    _save_with_answers(response, answers)
    list(CopSession.objects.select_for_update().filter(pk=response.session_id).values_list("pk"))
    same_key = Response.objects.filter(
        session_id=response.session_id,
        phase=response.phase,
        participant_key=response.participant_key,
    )
    if len(same_key.values_list("pk")[:2]) > 1:
        pairing_recompute(
            session_id=response.session_id,
            participant_keys=[response.participant_key],
            phases=[response.phase],
        )


def conflict_message() -> str:
    return _(
        "These answers were already sent once with different answers. The first answers are kept."
    )
