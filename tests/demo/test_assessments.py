"""Demo data: every started demo session gets pre and post responses with a learning gain."""

from __future__ import annotations

import datetime

from django.db.models import Avg
from django.utils import timezone

from assessments.models import CollectionLink, Response
from assessments.selectors import session_response_summary
from demo import assessments as demo_assessments
from tests.assessments.conftest import make_event, make_session


def test_demo_responses_show_a_learning_gain_and_load_once(db):
    event = make_event()
    sessions = [make_session(event, code) for code in ("M01", "M04", "M07")]
    upcoming = make_session(event, "M02")
    upcoming.starts_at = timezone.now() + datetime.timedelta(days=3)
    upcoming.save()

    created = demo_assessments.load()
    assert created == Response.objects.count() + 1  # + the open link of the upcoming session
    assert demo_assessments.load() == 0
    for session in sessions:
        responses = Response.objects.filter(session=session)
        pre = responses.filter(phase="pre").aggregate(
            k=Avg("knowledge_score"), s=Avg("self_efficacy_mean")
        )
        post = responses.filter(phase="post").aggregate(
            k=Avg("knowledge_score"), s=Avg("self_efficacy_mean")
        )
        assert 10 <= post["k"] - pre["k"] <= 35
        assert post["s"] > pre["s"]
        summary = session_response_summary(session)
        assert summary["pairs"] >= 0.7 * summary["pre"]
        assert summary["pre"] >= 15
    link = CollectionLink.objects.get(session=upcoming)
    assert link.phase == "pre" and link.is_open_at(timezone.now())
