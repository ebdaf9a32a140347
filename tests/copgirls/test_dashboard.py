"""The dashboard after sign-in says what each role may do, and where."""

import pytest
from allauth.mfa.totp.internal.auth import generate_totp_secret
from django.urls import reverse

from copgirls.models import Role
from copgirls.services import role_grant
from tests.copgirls.conftest import make_event, make_user

pytestmark = pytest.mark.usefixtures("empty_cache")

URL = reverse("copgirls:dashboard")


def test_the_secretariat_is_offered_appointments_people_the_audit_log(client, secretariat):
    client.force_login(secretariat)
    html = client.get(URL).content.decode()
    assert "all member states and regions" in html
    for url in ("copgirls:appoint", "copgirls:people", "copgirls:audit_log"):
        assert f'href="{reverse(url)}"' in html


def test_a_regional_officer_sees_her_region(client, kenya):
    officer = make_user(
        "kofi@itu.example",
        role=Role.REGIONAL_OFFICER,
        region=kenya.region,
        totp_secret=generate_totp_secret(),
    )
    client.force_login(officer)
    html = client.get(URL).content.decode()
    assert "the member states of Africa" in html
    assert "request regional reports" in html
    assert reverse("copgirls:appoint") not in html


def test_a_coordinator_sees_her_celebrations_and_their_facilitators(
    client, coordinator_ke, event_ke, event_fr
):
    make_user("otieno@ke.example", role=Role.FACILITATOR, event=event_ke)
    make_user("luc@fr.example", role=Role.FACILITATOR, event=event_fr)
    client.force_login(coordinator_ke)
    html = client.get(URL).content.decode()
    scope = html.split("Your roles and their scope", 1)[1].split("</ul>", 1)[0]
    assert "Member-state coordinator" in scope and "Kenya" in scope
    assert "Nairobi coding day" in html
    assert reverse("copgirls:facilitator_invite", args=[event_ke.pk]) in html
    assert "otieno@ke.example" in html
    assert "Paris robotics day" not in html and "luc@fr.example" not in html


def test_a_facilitator_sees_the_celebrations_she_was_invited_to(client, event_ke, event_fr):
    facilitator = make_user("otieno@ke.example", role=Role.FACILITATOR, event=event_ke)
    client.force_login(facilitator)
    html = client.get(URL).content.decode()
    assert "Nairobi coding day" in html and "Paris robotics day" not in html
    assert "log the COP sessions" in html


def test_someone_without_a_role_is_told_how_to_get_one(client, db):
    client.force_login(make_user("nobody@ke.example"))
    assert "You hold no role yet" in client.get(URL).content.decode()


@pytest.mark.parametrize("size", [1, 30])
def test_the_dashboard_runs_a_constant_number_of_queries(
    client, coordinator_ke, kenya, django_assert_max_num_queries, size
):
    for number in range(size):
        event = make_event(kenya, f"KE-{number}")
        make_user(f"f{number}@ke.example", role=Role.FACILITATOR, event=event)
        role_grant(user=coordinator_ke, role=Role.FACILITATOR, event=event)
    client.force_login(coordinator_ke)
    with django_assert_max_num_queries(10):  # 9, and the COP policy card names her state
        response = client.get(URL)
    assert response.status_code == 200
