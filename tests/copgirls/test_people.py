"""The secretariat's list of people, their roles and the invitations waiting for an answer."""

import pytest
from django.urls import reverse

from copgirls.models import Role
from copgirls.services import invitation_create
from tests.copgirls.conftest import make_event, make_user

pytestmark = pytest.mark.usefixtures("empty_cache")

URL = reverse("copgirls:people")


def test_the_list_shows_roles_with_their_scope_and_pending_invitations(
    client, secretariat, coordinator_ke, france
):
    invitation_create(
        invited_by=secretariat,
        email="claire@fr.example",
        role=Role.COORDINATOR,
        member_state=france,
        site_url="http://testserver",
    )
    client.force_login(secretariat)
    html = client.get(URL).content.decode()
    assert "wanjiru@ke.example" in html and "Kenya" in html
    assert "claire@fr.example" in html and "France" in html
    assert "Valid until (UTC)" in html
    coordinators = client.get(URL, {"role": Role.FACILITATOR}).content.decode()
    assert "wanjiru@ke.example" not in coordinators.split("Invitations waiting")[0]


@pytest.mark.parametrize("size", [2, 60])
def test_the_list_runs_a_constant_number_of_queries(
    client, secretariat, kenya, django_assert_max_num_queries, size
):
    event = make_event(kenya)
    for number in range(size):
        make_user(f"f{number}@ke.example", role=Role.FACILITATOR, event=event)
        invitation_create(
            invited_by=secretariat,
            email=f"i{number}@ke.example",
            role=Role.FACILITATOR,
            event=event,
            site_url="http://testserver",
        )
    client.force_login(secretariat)
    with django_assert_max_num_queries(9):
        response = client.get(URL)
    assert response.status_code == 200
    assert ("Page 1 of 2" in response.content.decode()) == (size == 60)


def test_every_waiting_invitation_can_be_reached(client, secretariat, kenya):
    """Around Girls in ICT Day coordinators invite hundreds of facilitators: the 51st
    waiting invitation must still be found (to withdraw it), not silently left out."""
    event = make_event(kenya)
    for number in range(55):
        invitation_create(
            invited_by=secretariat,
            email=f"i{number:02}@ke.example",
            role=Role.FACILITATOR,
            event=event,
            site_url="http://testserver",
        )
    client.force_login(secretariat)
    first = client.get(URL, {"role": Role.COORDINATOR}).content.decode()
    waiting = first.split("Invitations waiting for an answer")[1]
    assert "55 invitations are waiting" in waiting
    assert waiting.count("@ke.example</th>") == 50
    assert "invitations_page=2" in waiting and "role=coordinator" in waiting
    second = client.get(URL, {"role": Role.COORDINATOR, "invitations_page": 2}).content.decode()
    waiting = second.split("Invitations waiting for an answer")[1]
    assert waiting.count("@ke.example</th>") == 5
    assert "i00@ke.example" in waiting  # the oldest ones
