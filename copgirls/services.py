"""Writes of the portal core: roles, invitations, accounts, and the login audit trail.

Every function is keyword-only, runs in one transaction, validates with ``full_clean``
and writes an audit entry. Other apps call :func:`role_grant` (so do the demo data and the
tests); permission checks for *who may grant* belong to the caller, except in
:func:`invitation_create`, which is reached from the portal's forms.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from copgirls.audit import audit_record
from copgirls.models import Invitation, MemberState, Region, Role, RoleAssignment, User
from copgirls.permissions import allows, forget_roles, roles_of

#: Roles that can be reached through an invitation, and who may send it.
INVITABLE_ROLES = (Role.REGIONAL_OFFICER, Role.COORDINATOR, Role.FACILITATOR)


def _scope_changes(role: str, region, member_state, event) -> dict[str, object]:
    return {
        "role": role,
        "region": str(region) if region else None,
        "member_state": str(member_state) if member_state else None,
        "event": str(event) if event else None,
    }


# --- Sessions -------------------------------------------------------------------------


def user_sessions_end(*, user: User) -> None:
    """End every session of ``user``: her next request, with any cookie, is signed out.

    The session hash mixes in ``session_generation`` (see :class:`~copgirls.models.User`),
    so raising it invalidates every stored session whatever the session backend.
    """
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])


# --- Roles ----------------------------------------------------------------------------


@transaction.atomic
def role_grant(
    *,
    user: User,
    role: str,
    granted_by: User | None = None,
    region: Region | None = None,
    member_state: MemberState | None = None,
    event=None,
) -> RoleAssignment:
    """Give ``user`` the ``role`` with its scope and return the active assignment.

    The scope must match the role: secretariat — none; regional officer — ``region``;
    coordinator — ``member_state``; facilitator — ``event``. Granting a role the user
    already holds returns the existing assignment and records nothing. Raises
    :class:`~django.core.exceptions.ValidationError` on a scope that does not fit.
    """
    existing = RoleAssignment.objects.active().filter(
        user=user, role=role, region=region, member_state=member_state, event=event
    )
    current = existing.first()
    if current is not None:
        return current
    assignment = RoleAssignment(
        user=user,
        role=role,
        region=region,
        member_state=member_state,
        event=event,
        granted_by=granted_by if granted_by is not None and granted_by.pk else None,
    )
    try:
        assignment.full_clean()
    except ValidationError as exc:
        if "__all__" in exc.message_dict:
            raise ValidationError(
                _("The scope does not fit the role %(role)s.")
                % {"role": Role(role).label if role in Role.values else role}
            ) from exc
        raise
    assignment.save()
    audit_record(
        actor=granted_by,
        action="role.grant",
        obj=assignment,
        changes={"user": user.email, **_scope_changes(role, region, member_state, event)},
    )
    forget_roles(user)
    return assignment


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment, revoked_by: User | None) -> RoleAssignment:
    """Revoke one role assignment (the row stays) and end all of its holder's sessions."""
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.revoked_at is not None:
        raise ValidationError(_("This role was already revoked."))
    assignment.revoked_at = timezone.now()
    assignment.full_clean()
    assignment.save(update_fields=["revoked_at", "updated_at"])
    audit_record(
        actor=revoked_by,
        action="role.revoke",
        obj=assignment,
        changes={
            "user": assignment.user.email,
            "revoked_at": [None, assignment.revoked_at.isoformat()],
            **_scope_changes(
                assignment.role, assignment.region, assignment.member_state, assignment.event
            ),
        },
    )
    user_sessions_end(user=assignment.user)
    forget_roles(assignment.user)
    return assignment


# --- Accounts -------------------------------------------------------------------------


@transaction.atomic
def user_deactivate(*, user: User, deactivated_by: User | None) -> User:
    """Stop ``user`` from signing in and end all of her sessions. Her roles stay on record."""
    if not user.is_active:
        raise ValidationError(_("This account is already deactivated."))
    user.is_active = False
    user.full_clean(exclude=["password"])
    user.save(update_fields=["is_active"])
    audit_record(
        actor=deactivated_by,
        action="user.deactivate",
        obj=user,
        changes={"is_active": [True, False]},
    )
    user_sessions_end(user=user)
    forget_roles(user)
    return user


@transaction.atomic
def user_reactivate(*, user: User, reactivated_by: User | None) -> User:
    """Let a deactivated user sign in again."""
    if user.is_active:
        raise ValidationError(_("This account is already active."))
    user.is_active = True
    user.full_clean(exclude=["password"])
    user.save(update_fields=["is_active"])
    audit_record(
        actor=reactivated_by,
        action="user.reactivate",
        obj=user,
        changes={"is_active": [False, True]},
    )
    return user


def login_record(*, user: User) -> None:
    """Audit a completed sign-in (after every step, MFA included)."""
    audit_record(actor=user, action="auth.login", obj=user)


def login_failure_record(*, login: str) -> None:
    """Audit a failed sign-in attempt (no IP is kept).

    The typed text is recorded only when it is an account's address: people type
    passwords into the e-mail box, and the audit log keeps entries for ever.
    """
    login = (login or "")[:254]
    user = User.objects.filter(email__iexact=login).first() if login else None
    shown = user.email if user is not None else _masked(login)
    audit_record(
        actor=None,
        action="auth.login_failed",
        obj=user,
        object_type="copgirls.user",
        object_repr=shown,
        changes={"login": shown, "known_account": user is not None},
    )


def _masked(text: str) -> str:
    """Enough to tell attempts apart, not enough to read a password typed by mistake."""
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    return f"unknown ({len(text)} characters, sha256 {digest}…)" if text else ""


# --- Invitations ----------------------------------------------------------------------


class IssuedInvitation(NamedTuple):
    """A new invitation and its token: the token exists only here and in the e-mail."""

    invitation: Invitation
    token: str
    url: str


class InvitationRefused(ValidationError):
    """An invitation that cannot be accepted; the message says why, in plain words."""


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def invitation_find(*, token: str) -> Invitation | None:
    """The invitation whose link carries ``token`` (any state), or ``None``."""
    if not token or len(token) > 128:
        return None
    return (
        Invitation.objects.select_related("region", "member_state", "event", "invited_by")
        .filter(token_digest=token_digest(token))
        .first()
    )


def _check_may_invite(*, invited_by: User, role: str, event) -> None:
    roles = roles_of(invited_by)
    if role in (Role.REGIONAL_OFFICER, Role.COORDINATOR):
        allowed = roles.secretariat
    elif role == Role.FACILITATOR:
        allowed = event is not None and allows(invited_by, "events.invite_facilitators", event)
    else:
        allowed = False
    if not allowed:
        raise PermissionDenied


@transaction.atomic
def invitation_create(
    *,
    invited_by: User,
    email: str,
    role: str,
    site_url: str,
    region: Region | None = None,
    member_state: MemberState | None = None,
    event=None,
) -> IssuedInvitation:
    """Invite ``email`` to take ``role`` in its scope and send the link by e-mail.

    The secretariat appoints regional officers (``region``) and coordinators
    (``member_state``); a coordinator invites facilitators to one of her state's
    celebrations (``event``). ``site_url`` (``https://host``) prefixes the link.
    Raises ``PermissionDenied`` if ``invited_by`` may not, ``ValidationError`` on bad data
    or if the address already holds the role.
    """
    _check_may_invite(invited_by=invited_by, role=role, event=event)
    email = (email or "").strip().lower()
    if (
        RoleAssignment.objects.active()
        .filter(
            user__email__iexact=email,
            user__is_active=True,
            role=role,
            region=region,
            member_state=member_state,
            event=event,
        )
        .exists()
    ):
        raise ValidationError({"email": _("This person already holds this role.")})
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        email=email,
        role=role,
        region=region,
        member_state=member_state,
        event=event,
        token_digest=token_digest(token),
        invited_by=invited_by,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    audit_record(
        actor=invited_by,
        action="invitation.create",
        obj=invitation,
        changes={
            "email": email,
            "expires_at": invitation.expires_at.isoformat(),
            **_scope_changes(role, region, member_state, event),
        },
    )
    url = site_url.rstrip("/") + reverse("copgirls:invitation", kwargs={"token": token})
    context = {
        "invitation": invitation,
        "url": url,
        "inviter": invited_by,
        "valid_days": settings.INVITATION_VALID_DAYS,
    }
    subject = render_to_string("copgirls/email/invitation_subject.txt", context).strip()
    body = render_to_string("copgirls/email/invitation_message.txt", context)
    transaction.on_commit(
        lambda: send_mail(
            settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
            body,
            settings.DEFAULT_FROM_EMAIL,
            [email],
        )
    )
    return IssuedInvitation(invitation, token, url)


def invitation_refusal(invitation: Invitation | None, user: User | None = None) -> str | None:
    """Why ``invitation`` cannot be accepted (by ``user``), or ``None`` if it can."""
    if invitation is None:
        return _(
            "This invitation link is not valid. Check that you copied the whole link from "
            "the e-mail, or ask for a new invitation."
        )
    if invitation.accepted_at is not None:
        return _("This invitation has already been used. Ask for a new invitation if you need one.")
    if invitation.cancelled_at is not None:
        return _("This invitation was withdrawn. Ask for a new invitation if you need one.")
    if invitation.is_expired:
        return _(
            "This invitation expired on %(date)s. Ask the person who invited you for a new one."
        ) % {
            "date": f"{date_format(timezone.localtime(invitation.expires_at), 'DATETIME_FORMAT')} "
            f"{timezone.localtime(invitation.expires_at):%Z}"
        }
    if not _inviter_still_may_invite(invitation):
        return _(
            "The person who sent this invitation no longer has the role that allowed it. "
            "Ask the ITU secretariat or your coordinator for a new invitation."
        )
    if user is not None and user.is_authenticated:
        from allauth.account.models import EmailAddress

        if not EmailAddress.objects.filter(
            user=user, email__iexact=invitation.email, verified=True
        ).exists():
            return _(
                "This invitation was sent to %(invited)s, but you are signed in as %(current)s. "
                "Sign out and sign in (or create an account) with the invited address."
            ) % {"invited": invitation.email, "current": user.email}
    return None


def _inviter_still_may_invite(invitation: Invitation) -> bool:
    """An invitation carries its sender's authority only while she still holds it."""
    inviter = invitation.invited_by
    if inviter is None or not inviter.is_active:
        return False
    try:
        _check_may_invite(invited_by=inviter, role=invitation.role, event=invitation.event)
    except PermissionDenied:
        return False
    return True


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> RoleAssignment:
    """Accept the invitation carried by ``token`` as ``user``: grant its role, use it up.

    Refused (:class:`InvitationRefused`, nothing granted) if the token is unknown, the
    invitation was used, withdrawn or has expired, or ``user`` has not verified the
    e-mail address it was sent to.
    """
    found = invitation_find(token=token)
    invitation = (
        Invitation.objects.select_for_update().get(pk=found.pk) if found is not None else None
    )
    reason = invitation_refusal(invitation, user)
    if reason:
        raise InvitationRefused(reason)
    assert invitation is not None
    assignment = role_grant(
        user=user,
        role=invitation.role,
        granted_by=invitation.invited_by,
        region=invitation.region,
        member_state=invitation.member_state,
        event=invitation.event,
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.full_clean()
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    audit_record(
        actor=user,
        action="invitation.accept",
        obj=invitation,
        changes={"accepted_at": [None, invitation.accepted_at.isoformat()]},
    )
    return assignment


@transaction.atomic
def invitation_cancel(*, invitation: Invitation, cancelled_by: User) -> Invitation:
    """Withdraw a pending invitation: its link stops working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None or invitation.cancelled_at is not None:
        raise ValidationError(_("This invitation is no longer pending."))
    invitation.cancelled_at = timezone.now()
    invitation.full_clean()
    invitation.save(update_fields=["cancelled_at", "updated_at"])
    audit_record(
        actor=cancelled_by,
        action="invitation.cancel",
        obj=invitation,
        changes={"cancelled_at": [None, invitation.cancelled_at.isoformat()]},
    )
    return invitation
