"""Storing a participant's response: idempotent, scored once, paired by the repeat rule.

A web submission (:func:`response_submit`) costs the same work whatever the size of its
session or of the database: under the session row's lock, the response, its answers in
one ``INSERT``, one indexed look-up of her key's responses in this phase and, for a repeat
only, one ``UPDATE`` of that key's repeat-rule flags — on PostgreSQL all in one call of a
database function (one round trip), elsewhere statement by statement. A resend is
recognised by the unique ``(session, client_submission_id)`` constraint (``ON CONFLICT DO
NOTHING``), not by a look-up before every insert.
"""

from __future__ import annotations

import datetime
import functools
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
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
from assessments.models import Answer, Phase, Questionnaire, Response, ResponseSource
from assessments.pairing import (
    pairing_recompute,
    participant_key,
    participant_key_stored_before,
)
from assessments.selectors import SubmissionLink, questionnaire_active_items
from assessments.services.held import HELD, LINK_CLOSED, HeldConflict, response_hold
from events.models import CopSession


class SubmissionConflict(Exception):
    """The same client submission id was already stored with different answers."""


PAIRING_WINDOW_PASSED = _(
    "The pairing window of this celebration has passed: no more answers can be stored for it."
)


class LinkClosed(Exception):
    """The collection link is not open (closed by hand, expired, or never opened)."""


@dataclass(frozen=True)
class SubmitResult:
    response: Response
    created: bool
    #: Held back (stored apart, in no figure) until the facilitator releases its batch.
    held: bool = False


def to_the_minute(moment: datetime.datetime) -> datetime.datetime:
    return moment.replace(second=0, microsecond=0)


def active_items(questionnaire: Questionnaire) -> list:
    return questionnaire_active_items(questionnaire)


def _checked(
    *,
    session_id: int,
    pairing_secret: str,
    questionnaire_id: int,
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
    if not pairing_secret:  # discarded: no key may be made for this celebration again
        raise ValidationError(PAIRING_WINDOW_PASSED)
    errors = clean_profile(submission)
    try:
        answers = clean_answers(items, submission.answers, require_all=require_all)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    key = participant_key(
        pairing_secret=pairing_secret,
        session_id=session_id,
        memorable_code=submission.memorable_code,
    )
    earlier = participant_key_stored_before(
        pairing_secret=pairing_secret,
        session_id=session_id,
        memorable_code=submission.memorable_code,
    )
    if (
        earlier is not None
        and Response.objects.filter(
            session_id=session_id, phase__in=Phase.values, participant_key=earlier
        ).exists()
    ):
        key = earlier  # her first answers were stored before digits were written 0–9
    response = Response(
        session_id=session_id,
        questionnaire_id=questionnaire_id,
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


def _save_with_answers(
    response: Response, answers: list[ParsedAnswer], questionnaire: Questionnaire
) -> None:
    response.save()
    Answer.objects.bulk_create(
        Answer(
            response=response,
            item=answer.item,
            option=answer.option,
            likert=answer.likert,
            is_correct=answer.is_correct,
        )
        for answer in answers
    )
    if questionnaire.frozen_at is None:
        _questionnaire_freeze(questionnaire.pk)


def _questionnaire_freeze(questionnaire_id: int) -> None:
    """Answered once, a questionnaire version never changes again."""
    Questionnaire.objects.filter(pk=questionnaire_id, frozen_at__isnull=True).update(
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
        session_id=session.pk,
        pairing_secret=session.event.pairing_secret,
        questionnaire_id=questionnaire.pk,
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
            _save_with_answers(response, answers, questionnaire)
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
    link: SubmissionLink,
    submission: Submission,
    client_submission_id: uuid.UUID,
    now: datetime.datetime | None = None,
    items: list | None = None,
    held_batch: uuid.UUID | None = None,
) -> SubmitResult:
    """A girl's web submission through a collection link (as
    :func:`~assessments.selectors.link_for_submission` just read it; ``items``: its
    questionnaire's active items when the caller has them).

    A resend of stored answers returns the stored response even after the link closed;
    a new submission to a closed link raises :class:`LinkClosed`. Nothing is stored when
    anything is wrong. With ``held_batch`` (its client sent more than is plausible) it is
    held in that batch, in no figure, until the facilitator releases or voids it
    (:mod:`assessments.services.held`); a resend of it is recognised there too.
    """
    now = now or timezone.now()
    if not link.pairing_secret:  # the pairing window has passed: the link is closed for good
        raise LinkClosed
    items = link.items() if items is None else items
    response, answers = _checked(
        session_id=link.session_id,
        pairing_secret=link.pairing_secret,
        questionnaire_id=link.questionnaire_id,
        phase=link.phase,
        source=ResponseSource.WEB,
        submission=submission,
        client_submission_id=client_submission_id,
        submitted_at=now,
        items=items,
        require_all=True,
    )
    if held_batch is not None:
        return _held(response, answers, held_batch)
    try:
        if not link.is_open_at(now):
            raise LinkClosed
        # The store checks the link again under its lock (closed since, by an erasure).
        inserted = _response_insert(response, answers, freeze=link.questionnaire_frozen_at is None)
    except LinkClosed:
        # Only a resend of stored answers is still answered (with its thank-you).
        stored = _stored(link.session_id, client_submission_id)
        if stored is None:
            raise
        return _resent(stored, response.payload_digest)
    if not inserted:
        # This client id is stored already (a resend, or a double tap that raced this one
        # and committed first): answer as for any resend.
        stored = _stored(link.session_id, client_submission_id)
        if stored is None:  # pragma: no cover -- the conflict's row cannot vanish
            raise SubmissionConflict
        return _resent(stored, response.payload_digest)
    return SubmitResult(response, created=True)


def _held(
    response: Response,
    answers: list[ParsedAnswer],
    batch: uuid.UUID,
) -> SubmitResult:
    """Hold it; a resend (of counted or held answers) is recognised even once closed."""
    try:
        outcome, stored = response_hold(response=response, answers=answers, batch=batch)
    except HeldConflict:
        raise SubmissionConflict from None
    if stored is not None:
        return _resent(stored, response.payload_digest)
    if outcome == LINK_CLOSED:
        raise LinkClosed
    return SubmitResult(response, created=outcome == HELD, held=True)


def _response_insert(response: Response, answers: list[ParsedAnswer], *, freeze: bool) -> bool:
    """Store the response and its answers unless its client id is stored (``False``), and
    apply the repeat rule to her key under a lock — in one transaction. Raises
    :class:`LinkClosed`, storing nothing, when the session's link for her phase is no
    longer open once the lock is held (the view read it open; an erasure may have closed
    it and erased the session's responses since: migration 0010).

    The submission's hot path (issue 7): on PostgreSQL one call of the database function
    ``assessments_response_store`` (its text: the latest ``assessments/sql/response_store.*``
    file) does it all, in one round trip with plans the connection keeps; elsewhere, a
    handful of plain statements. The two are twins: the cases of
    ``tests/assessments/submission_spec.py`` run against both. Either way
    a lock is held from before the inserts to the commit, so whoever takes it second sees
    every response of the key committed before — the first one's included — and a resend
    (the unique client id) inserts nothing and raises nothing. On PostgreSQL that lock is
    hers alone (her session, phase and key), under the session row held in share: her
    classmates do not wait for each other, while the session's writers (paper entry,
    erasure) still exclude them all. Her first response of a phase is the only one and
    counts as inserted; only a repeat costs an ``UPDATE``.
    """
    if connection.vendor == "postgresql":
        stored = _store_in_one_call(response, answers)
    else:
        stored = _store_statement_by_statement(response, answers)
    if stored == LINK_NOT_OPEN:
        raise LinkClosed
    response.pk = stored
    if response.pk is None:
        return False
    response._state.adding = False
    if freeze:
        _questionnaire_freeze(response.questionnaire_id)
    return True


def _store_in_one_call(
    response: Response, answers: list[ParsedAnswer], db=connection
) -> int | None:
    with db.cursor() as cursor:
        cursor.execute(
            _STORE_CALL,
            [
                response.session_id,
                response.questionnaire_id,
                response.phase,
                response.age_band,
                response.gender,
                response.source,
                response.client_submission_id,
                response.payload_digest,
                response.participant_key,
                response.submitted_at,
                response.knowledge_score,
                response.self_efficacy_mean,
                response.intention_mean,
                [answer.item.pk for answer in answers],
                [answer.option for answer in answers],
                [answer.likert for answer in answers],
                ["" for _answer in answers],  # no text is ever stored (answer_stores_no_text)
                [answer.is_correct for answer in answers],
            ],
        )
        return cursor.fetchone()[0]


@transaction.atomic
def _store_statement_by_statement(response: Response, answers: list[ParsedAnswer]) -> int | None:
    """Other databases (SQLite, whose writers take the whole database in turn).

    The link is checked at the time of the check, once the lock is held (the database
    function's ``clock_timestamp()``), not at the submission's time: a link that expired
    while she waited stores nothing on either path.
    """
    with connection.cursor() as cursor:
        if connection.features.has_select_for_update:
            cursor.execute(_LOCK_SESSION, [response.session_id])
        moment = connection.ops.adapt_datetimefield_value(timezone.now())
        cursor.execute(_LINK_OPEN, [response.session_id, response.phase, moment, moment])
        if cursor.fetchone() is None:
            return LINK_NOT_OPEN
        cursor.execute(_INSERT_RESPONSE, _column_values(response))
        row = cursor.fetchone()
        if row is None:
            return None
        if answers:
            cursor.execute(
                _INSERT_ANSWERS + ", ".join([_ANSWER_ROW] * len(answers)),
                [
                    value
                    for answer in answers
                    for value in (
                        row[0],
                        answer.item.pk,
                        answer.option,
                        answer.likert,
                        "",
                        answer.is_correct,
                    )
                ],
            )
        cursor.execute(_SAME_KEY, [response.session_id, response.phase, response.participant_key])
        repeat = cursor.fetchone()[0] > 1
    if repeat:
        pairing_recompute(
            session_id=response.session_id,
            participant_keys=[response.participant_key],
            phases=[response.phase],
        )
    return row[0]


_STORE_CALL = (
    "SELECT assessments_response_store(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, "
    "%s::bigint[], %s::varchar[], %s::smallint[], %s::text[], %s::boolean[])"
)
#: Every column of a response but its id (tests check the list against the model).
RESPONSE_COLUMNS = (
    "session_id",
    "questionnaire_id",
    "phase",
    "age_band",
    "gender",
    "assent",
    "source",
    "client_submission_id",
    "payload_digest",
    "participant_key",
    "submitted_at",
    "knowledge_score",
    "self_efficacy_mean",
    "intention_mean",
    "counts_for_pairing",
)
_INSERT_RESPONSE = "INSERT INTO assessments_response ({}) VALUES ({}) {}".format(  # noqa: S608
    ", ".join(RESPONSE_COLUMNS),
    ", ".join(["%s"] * len(RESPONSE_COLUMNS)),
    "ON CONFLICT (session_id, client_submission_id) DO NOTHING RETURNING id",
)
_INSERT_ANSWERS = (
    'INSERT INTO assessments_answer (response_id, item_id, "option", likert, "text", is_correct) '
    "VALUES "
)
_ANSWER_ROW = "(%s, %s, %s, %s, %s, %s)"
_LOCK_SESSION = "SELECT id FROM events_copsession WHERE id = %s FOR UPDATE"
#: What the store returns, storing nothing, when the session's link for the phase is not
#: open (the database function returns the same, since migration 0010).
LINK_NOT_OPEN = -1
_LINK_OPEN = (
    "SELECT 1 FROM assessments_collectionlink WHERE session_id = %s AND phase = %s "
    "AND closed_at IS NULL AND opened_at <= %s AND (closes_at IS NULL OR closes_at > %s)"
)
_SAME_KEY = (
    "SELECT COUNT(*) FROM (SELECT 1 FROM assessments_response WHERE session_id = %s "
    "AND phase = %s AND participant_key = %s LIMIT 2) AS same_key"
)


@functools.cache
def _response_fields() -> tuple:
    return tuple(Response._meta.get_field(column) for column in RESPONSE_COLUMNS)


def _column_values(response: Response) -> list:
    """The response's values as the database stores them (a UUID or a time on SQLite)."""
    return [
        field.get_db_prep_save(getattr(response, field.attname), connection)
        for field in _response_fields()
    ]


def conflict_message() -> str:
    return _(
        "These answers were already sent once with different answers. The first answers are kept."
    )
