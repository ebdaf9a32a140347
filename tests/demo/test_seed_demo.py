"""seed_demo: deterministic synthetic data through the bulk paths (COPY on PostgreSQL)."""

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Avg, Count, F, FloatField, Q
from django.db.models.functions import Cast

from assessments.models import Answer, Response
from events.models import CopSession, Event


def seed(*args):
    call_command("seed_demo", "--scale", "demo", *args)


def fingerprint():
    return (
        Event.objects.count(),
        CopSession.objects.count(),
        Response.objects.count(),
        Answer.objects.count(),
        round(Response.objects.aggregate(s=Avg("knowledge_score"))["s"], 6),
        sorted(Event.objects.values_list("organiser_reference", flat=True))[:5],
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    seed()
    first = fingerprint()
    seed("--reset")
    assert fingerprint() == first
    seed("--reset", "--seed", "7")
    assert fingerprint() != first
    assert first[0] == 60 and first[2] > 1000


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_seed_demo_refuses_a_database_that_has_data_unless_told(settings):
    seed()
    with pytest.raises(CommandError, match="already holds 60 celebrations"):
        seed()
    seed("--append", "--seed", "8")
    assert Event.objects.count() == 120
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="--reset refuses"):
        seed("--reset")
    assert Event.objects.count() == 120


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_stored_scores_agree_with_the_generated_answers():
    seed()
    knowledge = Q(answers__item__kind__in=["knowledge_choice", "knowledge_true_false"])
    mismatched = (
        Response.objects.annotate(
            correct=Count("answers", filter=knowledge & Q(answers__is_correct=True)),
            asked=Count("answers", filter=knowledge),
        )
        .annotate(recomputed=100.0 * Cast(F("correct"), FloatField()) / F("asked"))
        .exclude(
            knowledge_score__gte=F("recomputed") - 1e-3, knowledge_score__lte=F("recomputed") + 1e-3
        )
    )
    assert mismatched.count() == 0
    likert = Answer.objects.filter(likert__isnull=False)
    assert not likert.filter(Q(likert__lt=1) | Q(likert__gt=5)).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_data_has_pairs_unpaired_responses_repeats_and_a_learning_gain():
    seed()
    counted = Response.objects.filter(counts_for_pairing=True)
    by_key = counted.values("session", "participant_key").annotate(
        pre=Count("id", filter=Q(phase="pre")), post=Count("id", filter=Q(phase="post"))
    )
    pairs = by_key.filter(pre=1, post=1).count()
    unpaired = by_key.exclude(pre=1, post=1).count()
    assert pairs > 500 and unpaired > 10
    assert Response.objects.filter(counts_for_pairing=False).exists()
    means = counted.values("phase").annotate(mean=Avg("knowledge_score"))
    mean = {row["phase"]: row["mean"] for row in means}
    assert 10 < mean["post"] - mean["pre"] < 30
    assert not Response.objects.exclude(submitted_at__second=0).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_events_cluster_around_girls_in_ict_day_and_integrate_cop_more_each_year():
    seed()
    assert Event.objects.filter(start_date__month=4).count() > 30
    share = {
        row["year"]: row["cop"] / row["n"]
        for row in Event.objects.values("year").annotate(
            n=Count("id", distinct=True),
            cop=Count("id", filter=Q(cop_sessions__isnull=False), distinct=True),
        )
    }
    assert min(share) == 2023 and max(share) == 2026


def _keys_and_indexes() -> set[tuple[str, str]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
            WHERE conrelid = ANY(ARRAY['assessments_response', 'assessments_answer']::regclass[])
            UNION ALL
            SELECT indexname, indexdef FROM pg_indexes
            WHERE tablename IN ('assessments_response', 'assessments_answer')
            """
        )
        return set(cursor.fetchall())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_bulk_load_builds_every_key_and_index_again_and_they_hold(require_postgres):
    from django.db import IntegrityError, transaction

    before = _keys_and_indexes()
    assert any("FOREIGN KEY" in definition for _, definition in before)
    seed()
    assert _keys_and_indexes() == before  # loaded without them, built once at the end
    answer = Answer.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():  # unique (response, item)
        Answer.objects.create(response=answer.response, item=answer.item, option=answer.option)
    with pytest.raises(IntegrityError), transaction.atomic():  # the foreign key to a response
        Answer.objects.create(response_id=10**9, item=answer.item, option=answer.option)
