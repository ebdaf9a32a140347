"""Roles as data: granting, revoking, deactivating, and the sessions that end with them."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from copgirls.models import AuditEntry, Role, RoleAssignment
from copgirls.permissions import roles_of
from copgirls.services import role_grant, role_revoke, user_deactivate
from tests.copgirls.conftest import PASSWORD, make_user

pytestmark = pytest.mark.usefixtures("empty_cache")


def test_role_grant_records_who_gave_which_role_with_its_scope(secretariat, kenya):
    user = make_user("amina@ke.example")
    assignment = role_grant(
        user=user, role=Role.COORDINATOR, member_state=kenya, granted_by=secretariat
    )
    assert assignment.member_state == kenya
    assert roles_of(user).member_states == {kenya.pk}
    entry = AuditEntry.objects.get(action="role.grant", object_id=str(assignment.pk))
    assert entry.actor == secretariat
    assert entry.changes["user"] == "amina@ke.example"
    assert entry.changes["member_state"] == "Kenya"


def test_granting_a_role_twice_keeps_one_assignment(kenya):
    user = make_user("amina@ke.example")
    first = role_grant(user=user, role=Role.COORDINATOR, member_state=kenya)
    second = role_grant(user=user, role=Role.COORDINATOR, member_state=kenya)
    assert first.pk == second.pk
    assert RoleAssignment.objects.filter(user=user).count() == 1


def test_a_scope_that_does_not_fit_the_role_is_refused_and_nothing_is_written(kenya):
    user = make_user("amina@ke.example")
    with pytest.raises(ValidationError, match="scope does not fit"):
        role_grant(user=user, role=Role.REGIONAL_OFFICER, member_state=kenya)
    assert not RoleAssignment.objects.filter(user=user).exists()
    assert not AuditEntry.objects.filter(action="role.grant").exists()


def test_a_user_may_hold_several_roles(kenya, event_fr):
    user = make_user("amina@ke.example")
    role_grant(user=user, role=Role.COORDINATOR, member_state=kenya)
    role_grant(user=user, role=Role.FACILITATOR, event=event_fr)
    roles = roles_of(user)
    assert roles.member_states == {kenya.pk} and roles.events == {event_fr.pk}


def test_revoking_a_coordinators_role_ends_her_session_on_her_next_request(
    client, secretariat, coordinator_ke, event_ke
):
    client.force_login(coordinator_ke)
    invite_url = reverse("copgirls:facilitator_invite", args=[event_ke.pk])
    assert client.get(invite_url).status_code == 200

    assignment = coordinator_ke.role_assignments.get()
    role_revoke(assignment=assignment, revoked_by=secretariat)

    response = client.get(invite_url)  # same cookie
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert client.get(reverse("copgirls:dashboard")).status_code == 302
    assignment.refresh_from_db()
    assert assignment.revoked_at is not None
    entry = AuditEntry.objects.get(action="role.revoke")
    assert entry.actor == secretariat and entry.changes["member_state"] == "Kenya"


def test_the_secretariat_revokes_a_role_through_the_portal(
    client, secretariat, coordinator_ke, event_ke
):
    coordinator_client = type(client)()
    coordinator_client.force_login(coordinator_ke)
    client.force_login(secretariat)
    assignment = coordinator_ke.role_assignments.get()
    page = client.get(reverse("copgirls:role_revoke", args=[assignment.pk]))
    assert "wanjiru@ke.example" in page.content.decode()
    response = client.post(reverse("copgirls:role_revoke", args=[assignment.pk]), follow=True)
    assert "no longer holds the role" in response.content.decode()
    assert not RoleAssignment.objects.active().filter(user=coordinator_ke).exists()
    gone = coordinator_client.get(reverse("copgirls:facilitator_invite", args=[event_ke.pk]))
    assert gone.status_code == 302 and reverse("account_login") in gone["Location"]
    # Revoking again explains instead of failing.
    again = client.post(reverse("copgirls:role_revoke", args=[assignment.pk]))
    assert again.status_code == 404  # no longer an active role: out of the manageable scope


def test_a_coordinator_revokes_a_facilitator_of_her_state_but_not_of_another(
    client, coordinator_ke, event_ke, event_fr
):
    facilitator_ke = make_user("otieno@ke.example", role=Role.FACILITATOR, event=event_ke)
    facilitator_fr = make_user("luc@fr.example", role=Role.FACILITATOR, event=event_fr)
    client.force_login(coordinator_ke)
    own = facilitator_ke.role_assignments.get()
    other = facilitator_fr.role_assignments.get()
    assert client.post(reverse("copgirls:role_revoke", args=[other.pk])).status_code == 404
    assert client.post(reverse("copgirls:role_revoke", args=[own.pk])).status_code == 302
    assert not roles_of(type(facilitator_ke).objects.get(pk=facilitator_ke.pk)).events
    assert RoleAssignment.objects.active().filter(user=facilitator_fr).exists()


def test_deactivating_a_user_ends_her_sessions_and_stops_her_signing_in(
    client, secretariat, coordinator_ke
):
    other = type(client)()
    other.force_login(coordinator_ke)
    assert other.get(reverse("copgirls:dashboard")).status_code == 200
    client.force_login(secretariat)
    response = client.post(reverse("copgirls:user_deactivate", args=[coordinator_ke.pk]))
    assert response.status_code == 302
    coordinator_ke.refresh_from_db()
    assert coordinator_ke.is_active is False
    assert other.get(reverse("copgirls:dashboard")).status_code == 302
    login = type(client)().post(
        reverse("account_login"), {"login": coordinator_ke.email, "password": PASSWORD}
    )
    assert login.status_code == 302 and login["Location"] == reverse("account_inactive")
    assert AuditEntry.objects.filter(action="user.deactivate", actor=secretariat).count() == 1


def test_the_secretariat_cannot_deactivate_herself(client, secretariat):
    client.force_login(secretariat)
    response = client.post(reverse("copgirls:user_deactivate", args=[secretariat.pk]))
    assert response.status_code == 400
    assert "cannot deactivate your own account" in response.content.decode()
    secretariat.refresh_from_db()
    assert secretariat.is_active


def test_deactivating_twice_is_refused_with_a_message(secretariat, coordinator_ke):
    user_deactivate(user=coordinator_ke, deactivated_by=secretariat)
    with pytest.raises(ValidationError, match="already deactivated"):
        user_deactivate(user=coordinator_ke, deactivated_by=secretariat)


def test_changing_the_password_keeps_the_current_session(client, coordinator_ke):
    """The session hash still follows the password: a password change is not a logout."""
    client.force_login(coordinator_ke)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "another-long-password-77",
            "password2": "another-long-password-77",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("copgirls:dashboard")).status_code == 200


def test_cancel_on_a_confirmation_goes_back_to_the_list_it_came_from(
    client, secretariat, coordinator_ke
):
    """The secretariat clicks "Revoke role" on the people list, then changes her mind."""
    client.force_login(secretariat)
    assignment = coordinator_ke.role_assignments.get()
    for url in (
        reverse("copgirls:role_revoke", args=[assignment.pk]),
        reverse("copgirls:user_deactivate", args=[coordinator_ke.pk]),
    ):
        html = client.get(url).content.decode()
        cancel = re.search(r'<a href="([^"]+)">Cancel</a>', html)
        assert cancel and cancel.group(1) == reverse("copgirls:people"), url
