"""Opening and closing the collection links a facilitator projects on the wall."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.closing import refuse_closed_year
from assessments.codes import new_code
from assessments.models import CollectionLink, Phase, Questionnaire, QuestionnaireStatus
from assessments.services.responses import PAIRING_WINDOW_PASSED
from copgirls.audit import audit_record
from copgirls.publication import year_closes_at
from events.models import CopSession, Event


def session_questionnaire(session: CopSession) -> Questionnaire:
    """The questionnaire a session's girls answer, before and after.

    Pre and post must ask the same items, so once a link of the session exists its
    questionnaire is kept; otherwise the module's published version.
    """
    link = (
        CollectionLink.objects.filter(session=session)
        .select_related("questionnaire")
        .order_by("phase")  # "post" < "pre": either does, they share the questionnaire
        .first()
    )
    if link is not None:
        return link.questionnaire
    questionnaire = Questionnaire.objects.filter(
        module_id=session.module_id, status=QuestionnaireStatus.PUBLISHED
    ).first()
    if questionnaire is None:
        raise ValidationError(
            _("The module %(module)s has no published questionnaire yet."),
            params={"module": session.module.code},
        )
    return questionnaire


@transaction.atomic
def link_open(
    *,
    session: CopSession,
    phase: str,
    actor,
    closes_at: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> CollectionLink:
    """Open (or reopen) the session's link for ``phase``; its code stays the same.

    It closes by itself at ``closes_at``; without one, at the end of the session's day
    where it is held (:meth:`events.models.CopSession.day_ends_at`; opened once that day
    is over, at the end of the current day there). No link stays open for good, nor past
    the close of its celebration's year (:mod:`copgirls.publication`): a link of a closed
    year cannot open, so a girl's submission meets a closed link, with no look-up more.
    """
    now = now or timezone.now()
    if phase not in Phase.values:
        raise ValidationError({"phase": _("Choose before (pre) or after (post).")})
    if closes_at is not None and closes_at <= now:
        raise ValidationError({"closes_at": _("The closing time must be in the future.")})
    if closes_at is None:
        closes_at = session.day_ends_at(now)
    CopSession.objects.select_for_update().filter(pk=session.pk).first()
    year = Event.objects.filter(pk=session.event_id).values_list("year", flat=True).first()
    refuse_closed_year(year, now)
    closes_at = min(closes_at, year_closes_at(year))
    if not Event.objects.filter(pk=session.event_id).exclude(pairing_secret="").exists():
        raise ValidationError(PAIRING_WINDOW_PASSED)
    link = CollectionLink.objects.filter(session=session, phase=phase).first()
    if link is None:
        questionnaire = session_questionnaire(session)
        for _attempt in range(20):
            link = CollectionLink(
                session=session, phase=phase, questionnaire=questionnaire, code=new_code()
            )
            link.opened_at, link.closes_at = now, closes_at
            link.full_clean(validate_constraints=False, validate_unique=False)
            try:
                with transaction.atomic():
                    link.save()
                break
            except IntegrityError:  # the code is taken: draw another
                continue
        else:  # pragma: no cover - 20 collisions among 64 million codes
            raise RuntimeError("could not draw a free collection code")
        action = "collection_link.open"
    else:
        link.opened_at, link.closes_at, link.closed_at = now, closes_at, None
        link.full_clean(validate_constraints=False, validate_unique=False)
        link.save(update_fields=["opened_at", "closes_at", "closed_at", "updated_at"])
        action = "collection_link.reopen"
    # A questionnaire in use is frozen: its items stay as the girls see them.
    Questionnaire.objects.filter(pk=link.questionnaire_id, frozen_at__isnull=True).update(
        frozen_at=now
    )
    audit_record(
        actor=actor,
        action=action,
        obj=link,
        changes={
            "session": session.pk,
            "phase": phase,
            "closes_at": closes_at.isoformat() if closes_at else None,
        },
    )
    return link


@transaction.atomic
def link_close(
    *, link: CollectionLink, actor, now: datetime.datetime | None = None
) -> CollectionLink:
    """Close the link: once this returns, nothing more is stored through it.

    The session's row is locked first, as every writer of the session does: submissions in
    flight (which share it) commit before the close, and those after it find it closed.
    """
    now = now or timezone.now()
    CopSession.objects.select_for_update().filter(pk=link.session_id).first()
    link = CollectionLink.objects.select_for_update().get(pk=link.pk)
    if link.closed_at is None:
        link.closed_at = now
        link.save(update_fields=["closed_at", "updated_at"])
        audit_record(
            actor=actor, action="collection_link.close", obj=link, changes={"phase": link.phase}
        )
    return link
