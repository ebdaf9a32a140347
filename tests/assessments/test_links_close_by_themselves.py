"""A link collects only while its COP session is open: without a closing time of her own,
the facilitator's link closes by itself at the end of the session's day where it is held."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import CollectionLink, Phase, Response
from assessments.services import link_open
from events.timezones import day_end, default_time_zone, member_state_time_zones
from tests.assessments.conftest import form_data, make_event, make_session

UTC = datetime.UTC


def _at(text: str, zone: str = "UTC") -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=zoneinfo.ZoneInfo(zone))


def test_a_link_opened_without_a_closing_time_closes_at_midnight_where_the_session_is(
    session, facilitator
):
    # Kenya (the fixtures' state): one time zone, Africa/Nairobi (UTC+3)
    session.starts_at = _at("2026-04-23T10:00", "Africa/Nairobi")
    session.save()
    link = link_open(
        session=session,
        phase=Phase.PRE,
        actor=facilitator,
        now=_at("2026-04-23T09:55", "Africa/Nairobi"),
    )
    assert link.closes_at == _at("2026-04-24T00:00", "Africa/Nairobi")
    assert link.closes_at == _at("2026-04-23T21:00")
    assert link.is_open_at(_at("2026-04-23T23:59", "Africa/Nairobi"))
    assert not link.is_open_at(_at("2026-04-24T00:00", "Africa/Nairobi"))


def test_opened_the_day_after_its_session_a_link_closes_at_the_end_of_that_day(
    session, facilitator
):
    session.starts_at = _at("2026-04-23T10:00", "Africa/Nairobi")
    session.save()
    link = link_open(
        session=session,
        phase=Phase.POST,
        actor=facilitator,
        now=_at("2026-04-25T08:00", "Africa/Nairobi"),
    )
    assert link.closes_at == _at("2026-04-26T00:00", "Africa/Nairobi")


def test_a_state_with_several_time_zones_closes_when_the_day_has_ended_in_all_of_them():
    zones = member_state_time_zones("BR")
    assert len(zones) > 1 and default_time_zone("BR") == ""
    assert default_time_zone("KE") == "Africa/Nairobi"
    starts = _at("2026-04-23T14:00", "America/Sao_Paulo")
    end = day_end(starts_at=starts, zones=zones, now=starts)
    # The westernmost zone (Acre, UTC-5) ends the day last: midnight there is 05:00 UTC.
    assert end == _at("2026-04-24T05:00")
    assert end == day_end(starts_at=starts, zones=("America/Rio_Branco",), now=starts)


def test_a_session_takes_its_member_states_only_time_zone_and_the_facilitator_may_choose(
    event, facilitator, coordinator
):
    client = Client()
    client.force_login(coordinator)
    page = client.get(reverse("events:session_create", args=[event.pk]))
    assert (
        '<option value="Africa/Nairobi" selected>Africa/Nairobi</option>' in page.content.decode()
    )
    brazil = make_event("BR", reference="E-BR")
    session = make_session(brazil)
    assert session.time_zone == ""  # created without the service: the state's zones
    session.time_zone = "America/Manaus"
    session.starts_at = _at("2026-04-23T10:00", "America/Manaus")
    session.save()
    link = link_open(
        session=session,
        phase=Phase.PRE,
        actor=facilitator,
        now=_at("2026-04-23T09:00", "America/Manaus"),
    )
    assert link.closes_at == _at("2026-04-24T00:00", "America/Manaus")


@pytest.mark.django_db
def test_a_girl_cannot_answer_once_the_sessions_day_is_over(
    session, questionnaire, facilitator, monkeypatch
):
    link = link_open(session=session, phase=Phase.PRE, actor=facilitator)
    assert link.closes_at is not None
    url = reverse("participate:respond", args=[link.code])
    late = link.closes_at + datetime.timedelta(minutes=1)
    monkeypatch.setattr("django.utils.timezone.now", lambda: late)
    answer = Client(REMOTE_ADDR="198.51.100.9").post(url, form_data(questionnaire))
    assert answer.status_code in (404, 410)
    assert not Response.objects.exists()
    assert CollectionLink.objects.get(pk=link.pk).closed_at is None  # closed by its time


def test_the_wall_reloads_at_her_own_closing_time_but_not_at_the_end_of_the_day(
    session, facilitator
):
    client = Client()
    client.force_login(facilitator)
    wall = reverse("assessments:wall", args=[session.pk, "pre"])
    client.post(reverse("assessments:open", args=[session.pk, "pre"]))
    assert 'http-equiv="refresh"' not in client.get(wall).content.decode()
    client.post(reverse("assessments:open", args=[session.pk, "pre"]), {"close_after_minutes": 15})
    assert 'http-equiv="refresh"' in client.get(wall).content.decode()
