"""Invitations: single-use, expiring, bound to one e-mail address, stored hashed; accepting
one grants the role."""

import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from copgirls.models import AuditEntry, Invitation, Role, RoleAssignment, User
from copgirls.services import invitation_create, token_digest
from tests.copgirls.conftest import PASSWORD, make_user

pytestmark = pytest.mark.usefixtures("empty_cache")

SITE = "https://copgirls.example.org"


def invite_coordinator(secretariat, kenya, email="amina@ke.example"):
    return invitation_create(
        invited_by=secretariat,
        email=email,
        role=Role.COORDINATOR,
        member_state=kenya,
        site_url=SITE,
    )


def link_path(issued) -> str:
    return issued.url.removeprefix(SITE)


def test_the_secretariat_appoints_a_coordinator_by_e_mail(
    client, secretariat, kenya, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("copgirls:appoint"),
            {"email": "Amina@KE.example", "role": Role.COORDINATOR, "member_state": kenya.pk},
            follow=True,
        )
    assert "Invitation sent to amina@ke.example" in response.content.decode()
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.member_state) == (
        "amina@ke.example",
        Role.COORDINATOR,
        kenya,
    )
    assert abs(invitation.expires_at - (timezone.now() + datetime.timedelta(days=7))) < (
        datetime.timedelta(minutes=1)
    )
    (message,) = mail.outbox
    assert message.to == ["amina@ke.example"]
    assert "Member-state coordinator" in message.subject
    token = re.search(r"/join/([^/\s]+)/", message.body).group(1)
    # Only the digest is stored: the token itself is nowhere in the database row.
    assert invitation.token_digest == token_digest(token) != token
    assert AuditEntry.objects.filter(action="invitation.create", actor=secretariat).count() == 1


def test_the_validity_is_configurable(secretariat, kenya, settings):
    settings.INVITATION_VALID_DAYS = 2
    issued = invite_coordinator(secretariat, kenya)
    remaining = issued.invitation.expires_at - timezone.now()
    assert datetime.timedelta(days=1, hours=23) < remaining <= datetime.timedelta(days=2)


def test_a_newcomer_follows_the_link_creates_her_account_and_accepts(secretariat, kenya):
    issued = invite_coordinator(secretariat, kenya)
    client = Client()
    page = client.get(link_path(issued))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Member-state coordinator (Kenya)" in html and "amina@ke.example" in html
    signup = client.get(page.context["signup_url"])
    assert signup.status_code == 200
    assert 'value="amina@ke.example"' in signup.content.decode()
    response = client.post(
        page.context["signup_url"],
        {"email": "amina@ke.example", "password1": PASSWORD, "password2": PASSWORD},
    )
    # The link reached her mailbox: the address counts as verified, she is signed in.
    assert response.status_code == 302 and response["Location"] == link_path(issued)
    assert EmailAddress.objects.get(email="amina@ke.example").verified
    response = client.post(link_path(issued))
    assert response.status_code == 302 and response["Location"] == reverse("copgirls:dashboard")
    user = User.objects.get(email="amina@ke.example")
    assignment = RoleAssignment.objects.active().get(user=user)
    assert (assignment.role, assignment.member_state, assignment.granted_by) == (
        Role.COORDINATOR,
        kenya,
        secretariat,
    )
    issued.invitation.refresh_from_db()
    assert issued.invitation.accepted_by == user
    assert AuditEntry.objects.filter(action="invitation.accept", actor=user).exists()
    assert AuditEntry.objects.filter(action="role.grant", actor=secretariat).exists()


def test_someone_with_an_account_signs_in_and_accepts(secretariat, kenya):
    user = make_user("amina@ke.example")
    issued = invite_coordinator(secretariat, kenya)
    client = Client()
    page = client.get(link_path(issued))
    response = client.post(page.context["login_url"], {"login": user.email, "password": PASSWORD})
    assert response["Location"] == link_path(issued)
    client.post(link_path(issued))
    assert RoleAssignment.objects.active().filter(user=user, member_state=kenya).exists()


def test_a_coordinator_invites_a_facilitator_to_one_of_her_celebrations(
    client, coordinator_ke, event_ke, django_capture_on_commit_callbacks
):
    client.force_login(coordinator_ke)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("copgirls:facilitator_invite", args=[event_ke.pk]),
            {"email": "otieno@ke.example"},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.role, invitation.event) == (Role.FACILITATOR, event_ke)
    assert mail.outbox[0].to == ["otieno@ke.example"]
    dashboard = client.get(reverse("copgirls:dashboard")).content.decode()
    assert "otieno@ke.example" in dashboard  # waiting for an answer


def test_who_may_invite_whom(coordinator_ke, event_ke, event_fr, kenya, france):
    with pytest.raises(PermissionDenied):  # only the secretariat appoints coordinators
        invitation_create(
            invited_by=coordinator_ke,
            email="x@ke.example",
            role=Role.COORDINATOR,
            member_state=kenya,
            site_url=SITE,
        )
    with pytest.raises(PermissionDenied):  # not her state's celebration
        invitation_create(
            invited_by=coordinator_ke,
            email="x@fr.example",
            role=Role.FACILITATOR,
            event=event_fr,
            site_url=SITE,
        )
    assert not Invitation.objects.exists()


# --- Refusals: nothing is granted ---------------------------------------------------------


def test_an_expired_invitation_is_refused_with_a_clear_message(secretariat, kenya):
    user = make_user("amina@ke.example")
    issued = invite_coordinator(secretariat, kenya)
    Invitation.objects.filter(pk=issued.invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    client = Client()
    client.force_login(user)
    for response in (client.get(link_path(issued)), client.post(link_path(issued))):
        assert response.status_code == 410
        assert "This invitation expired on" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=user).exists()


def test_a_used_invitation_cannot_be_used_again(secretariat, kenya):
    first = make_user("amina@ke.example")
    issued = invite_coordinator(secretariat, kenya)
    client = Client()
    client.force_login(first)
    client.post(link_path(issued))
    RoleAssignment.objects.filter(user=first).update(revoked_at=timezone.now())
    response = client.post(link_path(issued))
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    assert not RoleAssignment.objects.active().filter(user=first).exists()


def test_an_invitation_for_another_address_is_refused(secretariat, kenya):
    other = make_user("intruder@ke.example")
    issued = invite_coordinator(secretariat, kenya)
    client = Client()
    client.force_login(other)
    page = client.get(link_path(issued))
    assert "was sent to amina@ke.example, but you are signed in as intruder@ke.example" in (
        page.content.decode()
    )
    response = client.post(link_path(issued))
    assert response.status_code == 403
    assert "was sent to amina@ke.example" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=other).exists()
    issued.invitation.refresh_from_db()
    assert issued.invitation.accepted_at is None


def test_signing_up_under_another_address_is_refused_on_the_form(secretariat, kenya):
    issued = invite_coordinator(secretariat, kenya)
    client = Client()
    page = client.get(link_path(issued))
    response = client.post(
        page.context["signup_url"],
        {"email": "someone-else@ke.example", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 200
    assert "Your invitation is for amina@ke.example" in response.content.decode()
    assert not User.objects.filter(email="someone-else@ke.example").exists()


def test_a_withdrawn_invitation_stops_working(client, secretariat, kenya):
    issued = invite_coordinator(secretariat, kenya)
    client.force_login(secretariat)
    client.post(reverse("copgirls:invitation_cancel", args=[issued.invitation.pk]))
    response = Client().get(link_path(issued))
    assert response.status_code == 410 and "withdrawn" in response.content.decode()


def test_inviting_someone_who_already_holds_the_role_is_refused_on_the_form(
    client, secretariat, coordinator_ke, kenya
):
    client.force_login(secretariat)
    response = client.post(
        reverse("copgirls:appoint"),
        {"email": coordinator_ke.email, "role": Role.COORDINATOR, "member_state": kenya.pk},
    )
    assert response.status_code == 200
    assert "already holds this role" in response.content.decode()
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    "token",
    [
        "no-such-token",
        "x" * 500,
        "%00",
        "\u202egnp.exe",
        "é" * 40,
        "' OR 1=1 --",
        "..",
    ],
)
def test_unknown_or_malformed_tokens_get_a_plain_page_not_an_error(client, db, token):
    from urllib.parse import quote

    response = client.get(f"/join/{quote(token, safe='')}/")
    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()
    assert client.post(f"/join/{quote(token, safe='')}/").status_code == 404


def test_an_invitation_dies_with_the_role_of_the_person_who_sent_it(
    secretariat, coordinator_ke, event_ke
):
    from copgirls.services import role_revoke

    issued = invitation_create(
        invited_by=coordinator_ke,
        email="otieno@ke.example",
        role=Role.FACILITATOR,
        event=event_ke,
        site_url="http://testserver",
    )
    role_revoke(
        assignment=RoleAssignment.objects.active().get(user=coordinator_ke),
        revoked_by=secretariat,
    )
    newcomer = make_user("otieno@ke.example")
    client = Client()
    client.force_login(newcomer)
    response = client.post(link_path(issued))
    assert response.status_code == 410
    assert "no longer has the role that allowed it" in response.content.decode()
    assert not RoleAssignment.objects.active().filter(user=newcomer).exists()
