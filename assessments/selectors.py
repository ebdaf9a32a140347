"""Reads of the assessments app: querysets with their joins, counts done in the database."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from assessments.models import CollectionLink, Item, Questionnaire, Response
from assessments.pairing import pairing_counts, pairing_rate
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
    if questionnaire.frozen_at is None:
        return list(active_questionnaire_items(questionnaire))
    key = (questionnaire.pk, questionnaire.frozen_at)
    items = _FROZEN_ITEMS.get(key)
    if items is None:
        items = tuple(active_questionnaire_items(questionnaire))
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


def session_links(session: CopSession) -> dict[str, CollectionLink]:
    links = CollectionLink.objects.filter(session=session).select_related("questionnaire")
    return {link.phase: link for link in links}


def session_response_summary(session: CopSession) -> dict:
    """Pre/post counts, pairs and the pairing rate of one session (two queries)."""
    counts = pairing_counts(Response.objects.filter(session=session))
    return {**counts, "rate": pairing_rate(counts)}


def event_response_counts(event) -> dict[str, int]:
    return Response.objects.filter(session__event=event).aggregate(
        responses=Count("pk"),
        sessions=Count("session", distinct=True),
        pre=Count("pk", filter=Q(phase="pre")),
        post=Count("pk", filter=Q(phase="post")),
    )
