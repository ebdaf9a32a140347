"""Keys stored before the pepper existed are re-keyed: afterwards none of them can be found
from the database alone by trying codes, and her post still pairs with her pre."""

from __future__ import annotations

import hashlib
import hmac
import uuid

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from assessments.models import HeldResponse, Phase, Response
from assessments.pairing import normalise_memorable_code
from assessments.selectors import session_response_summary
from assessments.services import link_close, link_open
from assessments.services.rekey import pairing_rekey_unpeppered
from copgirls.models import AuditEntry
from events.models import Event
from tests.assessments.conftest import form_data

LEGACY = "ab" * 32  # a secret of the first scheme: 64 hex digits, no mark
CODES = ["panda 27", "falcon 3", "Owl ٤٢"]


def _guess(secret: str, code: str) -> str:
    """What someone holding a copy of the database computes for a guessed code."""
    return hmac.new(
        secret.encode(), normalise_memorable_code(code).encode(), hashlib.sha256
    ).hexdigest()


def _send(link, questionnaire, code: str, n: int):
    url = reverse("participate:respond", args=[link.code])
    sent = Client(REMOTE_ADDR=f"198.51.100.{n}").post(url, form_data(questionnaire, code=code))
    assert sent.status_code == 200


def test_keys_of_a_celebration_before_the_pepper_are_rekeyed_and_still_pair(
    session, questionnaire, facilitator
):
    Event.objects.filter(pk=session.event_id).update(pairing_secret=LEGACY)
    pre = link_open(session=session, phase=Phase.PRE, actor=facilitator)
    for n, code in enumerate(CODES, 1):
        _send(pre, questionnaire, code, n)
    stored = set(Response.objects.values_list("participant_key", flat=True))
    assert stored == {_guess(LEGACY, code) for code in CODES}  # the weakness

    assert pairing_rekey_unpeppered() == {"celebrations": 0, "responses": 0, "waiting": 1}
    link_close(link=pre, actor=facilitator)
    assert pairing_rekey_unpeppered() == {"celebrations": 1, "responses": 3, "waiting": 0}

    secret = Event.objects.get(pk=session.event_id).pairing_secret
    rekeyed = set(Response.objects.values_list("participant_key", flat=True))
    assert len(rekeyed) == 3 and not rekeyed & stored
    for code in CODES:  # guesses against the database's secret, with or without its mark
        assert _guess(secret, code) not in rekeyed
        assert _guess(secret.removeprefix("r1:"), code) not in rekeyed
    assert AuditEntry.objects.filter(action="event.pairing_rekey").count() == 1

    post = link_open(session=session, phase=Phase.POST, actor=facilitator)
    for n, code in enumerate(CODES, 10):
        _send(post, questionnaire, code.upper(), n)
    summary = session_response_summary(session)
    assert summary["pairs"] == 3
    # Run again (the daily job): nothing more changes.
    call_command("pairing_rekey")
    assert (
        set(Response.objects.filter(phase=Phase.PRE).values_list("participant_key", flat=True))
        == rekeyed
    )


def test_held_answers_are_rekeyed_with_their_celebration(session, questionnaire, facilitator):
    Event.objects.filter(pk=session.event_id).update(pairing_secret=LEGACY)
    pre = link_open(session=session, phase=Phase.PRE, actor=facilitator)
    link_close(link=pre, actor=facilitator)
    HeldResponse.objects.create(
        session=session,
        phase=Phase.PRE,
        batch=uuid.uuid4(),
        client_submission_id=uuid.uuid4(),
        payload_digest="0" * 64,
        submitted_at=pre.opened_at.replace(second=0, microsecond=0),
        response={"participant_key": _guess(LEGACY, "panda 27"), "answers": []},
    )
    pairing_rekey_unpeppered()
    held = HeldResponse.objects.get()
    assert held.response["participant_key"] != _guess(LEGACY, "panda 27")
    assert len(held.response["participant_key"]) == 64


def test_a_peppered_celebration_is_left_as_it_is(session, questionnaire, facilitator):
    pre = link_open(session=session, phase=Phase.PRE, actor=facilitator)
    _send(pre, questionnaire, "panda 27", 1)
    link_close(link=pre, actor=facilitator)
    before = list(Response.objects.values_list("participant_key", flat=True))
    secret = Event.objects.get(pk=session.event_id).pairing_secret
    assert pairing_rekey_unpeppered()["celebrations"] == 0
    assert list(Response.objects.values_list("participant_key", flat=True)) == before
    assert Event.objects.get(pk=session.event_id).pairing_secret == secret
