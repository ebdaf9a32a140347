"""Reads of the assessments app: querysets with their joins, counts done in the database."""

from __future__ import annotations

import contextlib
import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.dateparse import parse_datetime

from assessments.models import (
    CollectionLink,
    HeldResponse,
    HeldStatus,
    Item,
    Questionnaire,
    Response,
)
from assessments.pairing import pairing_counts, pairing_rate
from copgirls.disclosure import Cell, threshold
from copgirls.helplines import VERSION_KEY as HELPLINES_VERSION_KEY
from copgirls.helplines import Helpline, child_helpline_for
from copgirls.i18n import localized
from copgirls.permissions import roles_of
from events.models import CopSession


def _count_subquery(queryset: QuerySet, field: str = "pk") -> Coalesce:
    counted = queryset.order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted[:1]), 0)


def questionnaires_catalogue() -> QuerySet[Questionnaire]:
    """Every version of every module's questionnaire, with item and response counts."""
    return (
        Questionnaire.objects.select_related("module")
        .annotate(
            active_items=_count_subquery(
                Item.objects.filter(questionnaire=OuterRef("pk"), is_retired=False),
                "questionnaire",
            ),
            response_count=_count_subquery(
                Response.objects.filter(questionnaire=OuterRef("pk")), "questionnaire"
            ),
        )
        .order_by("module__position", "module__code", "-version")
    )


def questionnaire_items(questionnaire: Questionnaire) -> QuerySet[Item]:
    return questionnaire.items.order_by("position", "pk")


def active_questionnaire_items(questionnaire: Questionnaire) -> QuerySet[Item]:
    return questionnaire_items(questionnaire).filter(is_retired=False)


def _active_items_of(questionnaire_id: int) -> list[Item]:
    return list(
        Item.objects.filter(questionnaire_id=questionnaire_id, is_retired=False).order_by(
            "position", "pk"
        )
    )


#: Active items of frozen questionnaires, per process: (pk, frozen_at) -> items in order.
_FROZEN_ITEMS: dict[tuple, tuple[Item, ...]] = {}
_FROZEN_ITEMS_MAX = 256


def questionnaire_active_items(questionnaire: Questionnaire) -> list[Item]:
    """The questionnaire's active items in order, as a list (for the participant form).

    A frozen questionnaire never changes: every edit of a frozen version goes to a new
    draft version (see ``questionnaire_for_editing``). Its items are therefore read once
    per process and shared, read-only, by the requests that follow; a questionnaire that
    is not frozen yet is read afresh every time.
    """
    return active_items_of(questionnaire.pk, questionnaire.frozen_at)


def active_items_of(questionnaire_id: int, frozen_at: datetime.datetime | None) -> list[Item]:
    """:func:`questionnaire_active_items` knowing only the questionnaire's id and freeze."""
    if frozen_at is None:
        return _active_items_of(questionnaire_id)
    key = (questionnaire_id, frozen_at)
    items = _FROZEN_ITEMS.get(key)
    if items is None:
        items = tuple(_active_items_of(questionnaire_id))
        if len(_FROZEN_ITEMS) >= _FROZEN_ITEMS_MAX:
            _FROZEN_ITEMS.clear()
        _FROZEN_ITEMS[key] = items
    return list(items)


def link_by_code(code: str) -> CollectionLink | None:
    return (
        CollectionLink.objects.select_related("questionnaire", "session__event", "session__module")
        .filter(code=code)
        .first()
    )


@dataclass(frozen=True)
class SubmissionLink:
    """What storing a girl's answers needs of her collection link, read in one statement."""

    id: int
    code: str
    phase: str
    session_id: int
    questionnaire_id: int
    questionnaire_frozen_at: datetime.datetime | None
    pairing_secret: str = field(repr=False)  # never in a traceback or a log
    opened_at: datetime.datetime | None
    closes_at: datetime.datetime | None
    closed_at: datetime.datetime | None

    is_open_at = CollectionLink.is_open_at  # the same rule as the link's own

    def items(self) -> list[Item]:
        return active_items_of(self.questionnaire_id, self.questionnaire_frozen_at)


def _moment(value) -> datetime.datetime | None:
    """A timestamp read with a raw cursor: aware on PostgreSQL, naive UTC text on SQLite."""
    if value is None or isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value
    if isinstance(value, str):
        value = parse_datetime(value)
    return value.replace(tzinfo=datetime.UTC)


_SUBMISSION_LINK = (
    "SELECT l.id, l.code, l.phase, l.session_id, l.questionnaire_id, q.frozen_at, "
    "e.pairing_secret, l.opened_at, l.closes_at, l.closed_at "
    "FROM assessments_collectionlink l "
    "JOIN assessments_questionnaire q ON q.id = l.questionnaire_id "
    "JOIN events_copsession s ON s.id = l.session_id "
    "JOIN events_event e ON e.id = s.event_id "
    "WHERE l.code = %s"
)


def link_for_submission(code: str) -> SubmissionLink | None:
    """The link a girl sends her answers to, for the submission's hot path.

    One hand-written statement instead of :func:`link_by_code`'s model instances: building
    the ORM query and four model instances cost more than everything else a submission
    does in Python (issue 7's benchmark). The pages that show the link use ``link_by_code``.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # the same statement, planned once (0007)
            cursor.execute("SELECT * FROM assessments_submission_link(%s)", [code])
        else:
            cursor.execute(_SUBMISSION_LINK, [code])
        row = cursor.fetchone()
    if row is None:
        return None
    (pk, code, phase, session_id, questionnaire_id, frozen_at, secret, *moments) = row
    return SubmissionLink(
        pk,
        code,
        phase,
        session_id,
        questionnaire_id,
        _moment(frozen_at),
        secret,
        *(_moment(value) for value in moments),
    )


def session_links(session: CopSession) -> dict[str, CollectionLink]:
    links = CollectionLink.objects.filter(session=session).select_related("questionnaire")
    return {link.phase: link for link in links}


def session_response_summary(session: CopSession, *, viewer=None) -> dict:
    """Pre/post counts, pairs and the pairing rate of one session (two queries).

    Exact (``exact``) for the people running the celebration's sessions — its facilitators,
    whose operational counts these are — and with no ``viewer``. For every other role
    (coordinator, regional officer, secretariat) a session is no cell of the publication
    grid: its counts are withheld ("x") whatever their size, as no public output shows a
    session's, so that a report's (member state, year) cell minus the sessions shown could
    not give back a small one (``copgirls.disclosure``, issue 20)."""
    counts = pairing_counts(Response.objects.filter(session=session))
    summary = {**counts, "rate": pairing_rate(counts), "exact": True}
    if viewer is None or _runs_the_session(viewer, session):
        return summary
    withheld = Cell(None, threshold(), complementary=True)
    return {
        **dict.fromkeys(("pre", "post", "pairs", "pre_keys"), withheld),
        "rate": None,
        "exact": False,
    }


def _runs_the_session(user, session: CopSession) -> bool:
    return session.facilitator_id == user.pk or session.event_id in roles_of(user).events


def event_response_counts(event) -> dict[str, int]:
    return Response.objects.filter(session__event=event).aggregate(
        responses=Count("pk"),
        sessions=Count("session", distinct=True),
        pre=Count("pk", filter=Q(phase="pre")),
        post=Count("pk", filter=Q(phase="post")),
    )


def session_held_batches(session: CopSession) -> dict:
    """The session's held submissions by batch (one client each), oldest first, and how many
    were voided: ``{"batches": [{batch, phase, count, first, last}], "held", "voided"}``."""
    held = HeldResponse.objects.filter(session=session)
    batches = list(
        held.filter(status=HeldStatus.HELD)
        .values("batch", "phase")
        .annotate(count=Count("pk"), first=Min("submitted_at"), last=Max("submitted_at"))
        .order_by("first", "batch")
    )
    counts = held.aggregate(
        held=Count("pk", filter=Q(status=HeldStatus.HELD)),
        voided=Count("pk", filter=Q(status=HeldStatus.VOIDED)),
    )
    return {"batches": batches, **counts}


# --- The girl's closing page (issue 19) --------------------------------------------------

#: How long a closing page's look-up is kept; any change of a helpline or of the switch
#: starts a new generation at once (the keys carry both generations).
CLOSING_SECONDS = 600
#: The generation of what the closing pages show of questionnaires (bumped by
#: assessments.services.questionnaires.questionnaire_set_shows_missed_answers).
CLOSING_VERSION_KEY = "girls-closing:version"


@dataclass(frozen=True)
class GirlsClosing:
    """What a thank-you page shows besides her own answers: the helpline of her member
    state (or the default) and whether the questionnaire shows the answers she missed."""

    helpline: Helpline | None
    shows_missed_answers: bool


def girls_closing(session_id: int, questionnaire_id: int) -> GirlsClosing:
    """Read on every submission: from the cache (no query) but the first time in ten
    minutes, or after a change, when it costs two."""
    try:
        versions = cache.get_many([CLOSING_VERSION_KEY, HELPLINES_VERSION_KEY])
        key = "girls-closing:{}:{}:{}:{}".format(
            versions.get(CLOSING_VERSION_KEY, "0"),
            versions.get(HELPLINES_VERSION_KEY, "0"),
            session_id,
            questionnaire_id,
        )
        closing = cache.get(key)
    except Exception:  # the cache down: her page still comes, from the database
        key, closing = None, None
    if closing is None:
        row = (
            CopSession.objects.filter(pk=session_id)
            .annotate(
                shows=Subquery(
                    Questionnaire.objects.filter(pk=questionnaire_id).values(
                        "shows_missed_answers"
                    )[:1]
                )
            )
            .values("event__member_state_id", "shows")
            .first()
        )
        if row is None:
            return GirlsClosing(child_helpline_for(None), True)
        closing = GirlsClosing(
            child_helpline_for(row["event__member_state_id"]),
            row["shows"] is not False,
        )
        if key is not None:
            with contextlib.suppress(Exception):  # read again next time
                cache.set(key, closing, CLOSING_SECONDS)
    return closing


@dataclass(frozen=True)
class MissedAnswer:
    number: int
    question: str
    answer: str


def missed_answers(items, answers: dict[str, str], language: str) -> list[MissedAnswer]:
    """The knowledge questions she did not answer right, numbered as on her page, each
    with its right answer in her language (computed from the items: no query)."""
    from assessments.forms import item_choices

    missed = []
    for number, item in enumerate(items, 1):
        if not item.is_knowledge or answers.get(item.key) == item.correct_option:
            continue
        labels = dict(item_choices(item, language))
        missed.append(
            MissedAnswer(
                number, str(localized(item, "text", language)), str(labels[item.correct_option])
            )
        )
    return missed
