"""A celebration's pairing secret is discarded once its post collection is closed and the
pairing window has passed (issue 20): its keys can then never be recomputed."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import CollectionLink, Phase, Response
from assessments.services import link_close, link_open, pairing_secrets_discard
from copgirls.models import AuditEntry
from events.models import Event
from tests.assessments.conftest import form_data


def secret_of(event) -> str:
    return Event.objects.get(pk=event.pk).pairing_secret


def test_the_secret_goes_once_the_pairing_window_has_passed(
    settings, event, session, questionnaire, facilitator, pre_link, post_link
):
    settings.PAIRING_WINDOW_DAYS = 30
    sent = Client().post(
        reverse("participate:respond", args=[post_link.code]), form_data(questionnaire)
    )
    assert sent.status_code == 200
    key = Response.objects.get().participant_key
    now = timezone.now()
    link_close(link=pre_link, actor=facilitator, now=now)
    link_close(link=post_link, actor=facilitator, now=now)

    # Inside the window the secret stays: a late paper answer could still pair.
    assert pairing_secrets_discard(now=now + datetime.timedelta(days=29)) == 0
    assert secret_of(event)

    assert pairing_secrets_discard(now=now + datetime.timedelta(days=31)) == 1
    assert secret_of(event) == ""
    assert Response.objects.get().participant_key == key  # stored pairs keep counting
    entry = AuditEntry.objects.get(action="events.pairing_secrets_discard")
    assert entry.changes["events"] == [event.pk]
    assert pairing_secrets_discard(now=now + datetime.timedelta(days=32)) == 0  # idempotent

    # Nothing can make a key for it again: no link reopens, no answer is stored.
    with pytest.raises(ValidationError, match="pairing window of this celebration has passed"):
        link_open(session=session, phase=Phase.POST, actor=facilitator)
    again = Client().post(
        reverse("participate:respond", args=[post_link.code]), form_data(questionnaire)
    )
    assert again.status_code != 200 and "X-Submission-Stored" not in again
    assert Response.objects.count() == 1


def test_a_celebration_still_collecting_keeps_its_secret(
    settings, event, facilitator, pre_link, post_link
):
    settings.PAIRING_WINDOW_DAYS = 30
    link_close(link=pre_link, actor=facilitator)
    # The post link stays open (a link closes by itself at the end of its session's day,
    # issue 15; here it is given a later closing time); the pre link closed long ago.
    CollectionLink.objects.filter(pk=pre_link.pk).update(
        closed_at=timezone.now() - datetime.timedelta(days=365)
    )
    CollectionLink.objects.filter(pk=post_link.pk).update(
        closes_at=timezone.now() + datetime.timedelta(days=2)
    )
    assert pairing_secrets_discard(now=timezone.now() + datetime.timedelta(days=1)) == 0
    assert secret_of(event)


def test_a_celebration_without_a_post_collection_keeps_its_secret(
    settings, event, facilitator, pre_link
):
    link_close(link=pre_link, actor=facilitator)
    assert pairing_secrets_discard(now=timezone.now() + datetime.timedelta(days=365)) == 0
    assert secret_of(event)


def test_the_discard_is_scheduled_daily():
    from django.conf import settings

    job = settings.CELERY_BEAT_SCHEDULE["assessments-discard-pairing-secrets"]
    assert job["task"] == "assessments.tasks.discard_pairing_secrets"
    assert job["schedule"] == 24 * 60 * 60.0
