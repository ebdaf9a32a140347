"""The repeat rule: per session and key, the first pre and the last post count."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import uuid

import pytest
from django.utils import timezone

from assessments.answers import Submission
from assessments.models import Response
from assessments.pairing import normalise_memorable_code, participant_key
from assessments.selectors import session_response_summary
from assessments.services import response_store
from events.models import new_pairing_secret
from tests.assessments.conftest import answers_for, make_event, make_session

T0 = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(hours=2)


def store(session, questionnaire, phase, code, minute, correct=None):
    return response_store(
        session=session,
        questionnaire=questionnaire,
        phase=phase,
        source="web",
        submission=Submission(True, "13_18", "", code, answers_for(questionnaire, correct=correct)),
        client_submission_id=uuid.uuid4(),
        submitted_at=T0 + datetime.timedelta(minutes=minute),
    ).response


def test_normalisation_ignores_case_spaces_and_punctuation():
    assert normalise_memorable_code("Panda 27") == normalise_memorable_code("panda-27")
    assert normalise_memorable_code("PANDA27") == "panda27"
    assert normalise_memorable_code("Ｐａｎｄａ２７") == "panda27"  # full-width phone keyboard
    assert normalise_memorable_code("Nyota 5") != normalise_memorable_code("Nyota 6")


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("Panda ٢٧", "panda 27"),  # Arabic keyboard's digits, then Latin ones
        ("باندا ۲۷", "باندا 27"),  # Persian/Urdu digits
        ("نمر ٥", "نمــر 5"),  # a tatweel (kashida) only stretches the letters
        ("कमल ४२", "कमल 42"),  # Devanagari digits
        ("熊猫２７", "熊猫27"),
    ],
)
def test_the_same_code_typed_with_another_keyboard_is_the_same_code(before, after):
    assert normalise_memorable_code(before) == normalise_memorable_code(after)
    assert normalise_memorable_code("Panda ٢٧") != normalise_memorable_code("Panda ٢٨")


def test_key_is_keyed_by_the_event_secret_the_pepper_and_the_session(settings):
    settings.PARTICIPANT_KEY_PEPPER = "p" * 40
    secret = new_pairing_secret()
    one = participant_key(pairing_secret=secret, session_id=7, memorable_code="panda 27")
    assert one == participant_key(pairing_secret=secret, session_id=7, memorable_code="PANDA27")
    assert "panda" not in one and len(one) == 64
    others = {
        participant_key(
            pairing_secret=new_pairing_secret(), session_id=7, memorable_code="panda 27"
        ),
        participant_key(pairing_secret=secret, session_id=8, memorable_code="panda 27"),
    }
    settings.PARTICIPANT_KEY_PEPPER = "q" * 40
    others.add(participant_key(pairing_secret=secret, session_id=7, memorable_code="panda 27"))
    assert one not in others and len(others) == 3
    # Independently: HMAC(HMAC(pepper, event secret), "session:code").
    event_key = hmac.new(b"p" * 40, secret.encode(), hashlib.sha256).digest()
    assert one == hmac.new(event_key, b"7:panda27", hashlib.sha256).hexdigest()


def test_a_celebration_registered_before_the_pepper_keeps_its_keys(settings):
    """Its secret has no scheme mark: the first scheme, so pre answers already stored still
    pair with the post answers sent after the upgrade."""
    legacy = "a" * 64
    key = participant_key(pairing_secret=legacy, session_id=7, memorable_code="Panda 27")
    assert key == hmac.new(legacy.encode(), b"panda27", hashlib.sha256).hexdigest()
    settings.PARTICIPANT_KEY_PEPPER = "q" * 40
    assert key == participant_key(pairing_secret=legacy, session_id=9, memorable_code="panda27")


def test_same_code_in_two_sessions_of_one_event_gives_unlinkable_keys(questionnaire, session):
    other_session = make_session(session.event)
    a = store(session, questionnaire, "pre", "panda 27", 0)
    b = store(other_session, questionnaire, "pre", "panda 27", 0)
    assert a.participant_key != b.participant_key


def test_same_code_at_two_events_gives_unlinkable_keys(questionnaire, session):
    other_session = make_session(make_event("FR", "F-1"))
    a = store(session, questionnaire, "pre", "panda 27", 0)
    b = store(other_session, questionnaire, "pre", "panda 27", 0)
    assert a.participant_key != b.participant_key


def test_pairing_rule_on_crafted_data(session, questionnaire):
    # Amina: one pre, one post -> a pair.
    amina_pre = store(session, questionnaire, "pre", "Amina Star 1", 0, correct=2)
    amina_post = store(session, questionnaire, "post", "amina star 1", 70, correct=5)
    # Bea answers pre twice (second phone) and post three times: first pre, last post count.
    bea_pre_1 = store(session, questionnaire, "pre", "blue moon 8", 1)
    bea_pre_2 = store(session, questionnaire, "pre", "BLUE-MOON-8", 2)
    bea_post_1 = store(session, questionnaire, "post", "blue moon 8", 71)
    bea_post_2 = store(session, questionnaire, "post", "blue moon 8", 72)
    bea_post_3 = store(session, questionnaire, "post", "blue moon 8", 72)  # same minute: by id
    # Chidi mistypes her code after: a pre without post and a post without pre.
    chidi_pre = store(session, questionnaire, "pre", "lion king 44", 3)
    chidi_post = store(session, questionnaire, "post", "lion kong 44", 73)
    # Dana only answers after.
    dana_post = store(session, questionnaire, "post", "sunflower 9", 74)

    def counts(response):
        return Response.objects.get(pk=response.pk).counts_for_pairing

    assert counts(amina_pre) and counts(amina_post)
    assert counts(bea_pre_1) and not counts(bea_pre_2)
    assert not counts(bea_post_1) and not counts(bea_post_2) and counts(bea_post_3)
    assert counts(chidi_pre) and counts(chidi_post) and counts(dana_post)
    assert Response.objects.count() == 10  # every response is kept

    summary = session_response_summary(session)
    assert summary["pre"] == 4
    assert summary["post"] == 6
    assert summary["pairs"] == 2  # Amina and Bea
    assert summary["pre_keys"] == 3  # Amina, Bea, Chidi
    assert summary["rate"] == pytest.approx(200 / 3)


def test_a_later_earlier_pre_takes_over(session, questionnaire):
    """Paper typed in later but dated earlier: the flags follow the times, not the typing."""
    late = store(session, questionnaire, "pre", "river 12", 10)
    early = store(session, questionnaire, "pre", "river 12", 5)
    assert Response.objects.get(pk=early.pk).counts_for_pairing
    assert not Response.objects.get(pk=late.pk).counts_for_pairing


def test_pairs_do_not_cross_sessions(event, session, questionnaire):
    second = make_session(event)
    store(session, questionnaire, "pre", "panda 27", 0)
    store(second, questionnaire, "post", "panda 27", 80)
    assert session_response_summary(session)["pairs"] == 0
    assert session_response_summary(second)["pairs"] == 0
