"""Collection links: short unambiguous code, the wall with a QR code, open/close, schedule."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.codes import CODE_ALPHABET, clean_code, new_code
from assessments.models import CollectionLink, Phase, Questionnaire, QuestionnaireStatus
from assessments.services import (
    item_add,
    link_close,
    link_open,
    questionnaire_publish,
)
from copgirls.models import AuditEntry


def test_codes_are_six_to_eight_unambiguous_characters():
    codes = {new_code() for _ in range(500)}
    assert len(codes) == 500
    for code in codes:
        assert 6 <= len(code) <= 8
        assert not set(code) & set("0O1IL2Z5S8BGQDUV")
        assert set(code) <= set(CODE_ALPHABET)
    assert clean_code(" acef-34 ") == "ACEF34"
    assert clean_code("O0O0O0") == ""


def test_facilitator_opens_pre_and_sees_the_wall(client, session, facilitator):
    client.force_login(facilitator)
    opened = client.post(reverse("assessments:open", args=[session.pk, "pre"]))
    link = CollectionLink.objects.get(session=session, phase=Phase.PRE)
    assert opened.status_code == 302
    assert opened["Location"] == reverse("assessments:wall", args=[session.pk, "pre"])
    wall = client.get(opened["Location"]).content.decode()
    assert link.code in wall
    assert f"http://testserver/a/{link.code}/" in wall
    svg = re.search(r"<svg[^>]*>.*?</svg>", wall, re.S).group(0)
    assert 'viewBox="0 0' in svg and "<path" in svg
    assert "<title>QR code: http://testserver/a/" in svg
    assert "<script" not in wall.split("</main>")[0]
    assert AuditEntry.objects.filter(action="collection_link.open", actor=facilitator).exists()


def test_open_with_a_closing_time_then_the_link_closes_itself(client, session, facilitator):
    client.force_login(facilitator)
    client.post(reverse("assessments:open", args=[session.pk, "pre"]), {"close_after_minutes": 15})
    link = CollectionLink.objects.get()
    assert link.is_open_at(timezone.now())
    assert not link.is_open_at(timezone.now() + datetime.timedelta(minutes=16))
    page = client.get(reverse("assessments:session", args=[session.pk])).content.decode()
    assert "closes at" in page


def test_bad_closing_time_is_explained(client, session, facilitator):
    client.force_login(facilitator)
    response = client.post(
        reverse("assessments:open", args=[session.pk, "pre"]),
        {"close_after_minutes": -5},
        follow=True,
    )
    assert "greater than or equal to 1" in response.content.decode()
    assert not CollectionLink.objects.exists()


def test_close_and_reopen_keep_the_code(session, facilitator):
    link = link_open(session=session, phase=Phase.PRE, actor=facilitator)
    link_close(link=link, actor=facilitator)
    assert not CollectionLink.objects.get().is_open_at(timezone.now())
    again = link_open(session=session, phase=Phase.PRE, actor=facilitator)
    assert again.code == link.code
    assert again.is_open_at(timezone.now())
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["collection_link.open", "collection_link.close", "collection_link.reopen"]


def test_post_asks_the_same_questionnaire_as_pre_even_after_a_new_version(
    session, facilitator, secretariat, questionnaire
):
    pre = link_open(session=session, phase=Phase.PRE, actor=facilitator)
    item = item_add(
        questionnaire=questionnaire,
        actor=secretariat,
        data={"kind": "intention", "text": "I will check my privacy settings."},
    )
    questionnaire_publish(questionnaire=item.questionnaire, actor=secretariat)
    post = link_open(session=session, phase=Phase.POST, actor=facilitator)
    assert post.questionnaire_id == pre.questionnaire_id == questionnaire.pk
    assert pre.code != post.code
    new = Questionnaire.objects.get(module=session.module, status=QuestionnaireStatus.PUBLISHED)
    assert new.version == 2


def test_module_without_questionnaire_cannot_open(client, session, facilitator):
    Questionnaire.objects.filter(module=session.module).update(status=QuestionnaireStatus.RETIRED)
    client.force_login(facilitator)
    response = client.post(reverse("assessments:open", args=[session.pk, "pre"]), follow=True)
    assert "has no published questionnaire yet" in response.content.decode()
    assert not CollectionLink.objects.exists()


@pytest.mark.parametrize("phase", ["during", "PRE"])
def test_unknown_phase_is_404(client, session, facilitator, phase):
    client.force_login(facilitator)
    assert client.post(f"/assessments/sessions/{session.pk}/{phase}/open/").status_code == 404


def test_a_link_past_its_closing_time_is_shown_closed(client, session, facilitator, pre_link):
    """The girls get "closed" once the closing time has passed: the facilitator's pages
    must not still say "open" and offer "Close now"."""
    pre_link.closes_at = timezone.now() - datetime.timedelta(minutes=5)
    pre_link.save()
    client.force_login(facilitator)
    detail = client.get(reverse("assessments:session", args=[session.pk])).content.decode()
    card = detail.split('id="phase-pre"')[1].split("</section>")[0]
    assert "Open; closes at" not in card
    assert "Close now" not in card
    assert "Open again" in card


@pytest.mark.parametrize("how", ["closed by hand", "past its closing time"])
def test_the_wall_says_when_its_link_is_closed(client, session, facilitator, pre_link, how):
    """Projected to a room of girls, a closed link must not look like one to scan."""
    if how == "closed by hand":
        link_close(link=pre_link, actor=facilitator)
    else:
        pre_link.closes_at = timezone.now() - datetime.timedelta(minutes=5)
        pre_link.save()
    client.force_login(facilitator)
    wall = client.get(reverse("assessments:wall", args=[session.pk, "pre"])).content.decode()
    main = wall.split("<main")[1].split("</main>")[0]
    assert "This link is closed: answers are no longer accepted." in main
    assert 'role="alert"' in main
    assert "<svg" not in main  # no QR code to scan
    assert f"http://testserver/a/{pre_link.code}/" not in main
    assert f'action="{reverse("assessments:open", args=[session.pk, "pre"])}"' in main
    assert "Open it again with the same code" in main


def test_the_wall_of_an_open_link_says_until_when(client, session, facilitator):
    client.force_login(facilitator)
    client.post(reverse("assessments:open", args=[session.pk, "pre"]), {"close_after_minutes": 15})
    link = CollectionLink.objects.get()
    wall = client.get(reverse("assessments:wall", args=[session.pk, "pre"])).content.decode()
    assert f"Open until {link.closes_at:%H:%M} UTC." in wall
    assert "This link is closed" not in wall
    # The projected page turns itself to "closed" when the closing time comes.
    refresh = re.search(r'<meta http-equiv="refresh" content="(\d+)">', wall)
    assert refresh and 14 * 60 < int(refresh.group(1)) <= 15 * 60 + 1


def test_the_session_page_gives_closing_times_in_utc(client, session, facilitator):
    client.force_login(facilitator)
    client.post(reverse("assessments:open", args=[session.pk, "pre"]), {"close_after_minutes": 15})
    page = client.get(reverse("assessments:session", args=[session.pk])).content.decode()
    assert re.search(r"Open; closes at [^<]+ UTC\.", page)
    link_close(link=CollectionLink.objects.get(), actor=facilitator)
    page = client.get(reverse("assessments:session", args=[session.pk])).content.decode()
    assert re.search(r"Closed at [^<]+ UTC\.", page)
