"""Pages of accounts and roles: the dashboard, appointments, invitations, people, audit log."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from copgirls import dashboard as dashboard_cards
from copgirls.adapters import INVITATION_SESSION_KEY
from copgirls.forms import AppointmentForm, AuditFilterForm, FacilitatorInvitationForm
from copgirls.models import Invitation, Role, User
from copgirls.permissions import (
    can_view_audit_log,
    in_scope,
    require,
    roles_of,
    secretariat_required,
    staff_required,
    visible_to,
)
from copgirls.selectors import (
    audit_actions,
    audit_entries,
    audit_object_types,
    invitations_manageable_by,
    role_assignments_manageable_by,
    role_assignments_of,
)
from copgirls.services import (
    InvitationRefused,
    invitation_accept,
    invitation_cancel,
    invitation_create,
    invitation_find,
    invitation_refusal,
    role_revoke,
    user_deactivate,
)

PAGE_SIZE = 50


def _site_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _form_errors_to(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# --- Dashboard ---------------------------------------------------------------------


@login_required
@require_safe
def dashboard(request):
    user = request.user
    roles = roles_of(user)
    context = {
        "roles": roles,
        "assignments": list(role_assignments_of(user)),
        "cards": dashboard_cards.cards(request, roles),
    }
    if roles.member_states:
        context["state_events"] = list(
            visible_to(user, "events.Event")
            .filter(member_state_id__in=roles.member_states)
            .order_by("-start_date", "title")[:20]
        )
        context["facilitators"] = list(
            role_assignments_manageable_by(user)
            .filter(role=Role.FACILITATOR, event__member_state_id__in=roles.member_states)
            .order_by("event__title", "user__email")[:50]
        )
        context["facilitator_invitations"] = list(
            invitations_manageable_by(user)
            .pending()
            .filter(role=Role.FACILITATOR, event__member_state_id__in=roles.member_states)[:50]
        )
    if roles.events:
        context["facilitated_events"] = list(
            visible_to(user, "events.Event").filter(pk__in=roles.events).order_by("-start_date")
        )
    return render(request, "copgirls/dashboard.html", context)


# --- People and appointments (secretariat) -------------------------------------------


@secretariat_required
@require_safe
def people(request):
    role = request.GET.get("role", "")
    assignments = role_assignments_manageable_by(request.user).order_by("role", "user__email")
    if role in Role.values:
        assignments = assignments.filter(role=role)
    else:
        role = ""
    page = Paginator(assignments, PAGE_SIZE).get_page(request.GET.get("page"))
    invitations = Paginator(invitations_manageable_by(request.user).pending(), PAGE_SIZE).get_page(
        request.GET.get("invitations_page")
    )
    # Each list's pages keep the filter and the page the other list is on.
    keep = {"role": role} if role else {}
    if invitations.number > 1:
        keep_invitations = {**keep, "invitations_page": invitations.number}
    else:
        keep_invitations = keep
    keep_roles = {**keep, "page": page.number} if page.number > 1 else keep
    return render(
        request,
        "copgirls/people.html",
        {
            "page": page,
            "role": role,
            "roles": Role.choices,
            "invitations": invitations,
            "query": urlencode(keep_invitations),
            "invitations_query": urlencode(keep_roles),
        },
    )


@secretariat_required
@require_http_methods(["GET", "HEAD", "POST"])
def appoint(request):
    form = AppointmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            issued = invitation_create(
                invited_by=request.user,
                email=data["email"],
                role=data["role"],
                region=data["region"],
                member_state=data["member_state"],
                site_url=_site_url(request),
            )
        except ValidationError as exc:
            _form_errors_to(form, exc)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s. It can be used once, until %(date)s.")
                % {
                    "email": issued.invitation.email,
                    "date": date_format(timezone.localtime(issued.invitation.expires_at)),
                },
            )
            return redirect("copgirls:people")
    return render(request, "copgirls/appoint.html", {"form": form})


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def facilitator_invite(request, event_pk: int):
    event = in_scope(visible_to(request.user, "events.Event"), pk=event_pk)
    require("events.invite_facilitators", request.user, event)
    form = FacilitatorInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = invitation_create(
                invited_by=request.user,
                email=form.cleaned_data["email"],
                role=Role.FACILITATOR,
                event=event,
                site_url=_site_url(request),
            )
        except ValidationError as exc:
            _form_errors_to(form, exc)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s to facilitate at %(event)s.")
                % {"email": issued.invitation.email, "event": event},
            )
            return redirect("copgirls:dashboard")
    return render(request, "copgirls/facilitator_invite.html", {"form": form, "event": event})


def _back_to_list(user) -> str:
    """Where roles and invitations are listed for her: the people page, or her dashboard."""
    return reverse("copgirls:people" if roles_of(user).secretariat else "copgirls:dashboard")


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def role_revoke_view(request, pk: int):
    assignment = in_scope(role_assignments_manageable_by(request.user), pk=pk)
    if request.method == "POST":
        try:
            role_revoke(assignment=assignment, revoked_by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("%(user)s no longer holds the role %(role)s. Their sessions have ended.")
                % {"user": assignment.user.email, "role": assignment.get_role_display()},
            )
        return redirect(_back_to_list(request.user))
    return render(
        request,
        "copgirls/confirm.html",
        {
            "title": _("Revoke a role"),
            "question": _("Revoke the role %(role)s of %(user)s (%(scope)s)?")
            % {
                "role": assignment.get_role_display(),
                "user": assignment.user.email,
                "scope": assignment.region or assignment.member_state or assignment.event or "—",
            },
            "explanation": _("Their sessions end at once; the record of the role stays."),
            "button": _("Revoke the role"),
            "back": _back_to_list(request.user),
        },
    )


@secretariat_required
@require_http_methods(["GET", "HEAD", "POST"])
def user_deactivate_view(request, pk: int):
    account = get_object_or_404(User, pk=pk)
    problem = None
    if account.pk == request.user.pk:
        problem = _("You cannot deactivate your own account.")
    elif not account.is_active:
        problem = _("This account is already deactivated.")
    if request.method == "POST" and problem is None:
        user_deactivate(user=account, deactivated_by=request.user)
        messages.success(
            request,
            _("%(user)s can no longer sign in. Their sessions have ended.")
            % {"user": account.email},
        )
        return redirect("copgirls:people")
    return render(
        request,
        "copgirls/confirm.html",
        {
            "title": _("Deactivate an account"),
            "question": _("Deactivate the account of %(user)s?") % {"user": account.email},
            "explanation": _(
                "They can no longer sign in and their sessions end at once. Their roles and "
                "the audit log stay on record."
            ),
            "button": _("Deactivate the account"),
            "problem": problem,
            "back": _back_to_list(request.user),
        },
        status=400 if problem and request.method == "POST" else 200,
    )


@staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_cancel_view(request, pk: int):
    invitation = in_scope(invitations_manageable_by(request.user), pk=pk)
    if request.method == "POST":
        try:
            invitation_cancel(invitation=invitation, cancelled_by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email},
            )
        return redirect(_back_to_list(request.user))
    return render(
        request,
        "copgirls/confirm.html",
        {
            "title": _("Withdraw an invitation"),
            "question": _("Withdraw the invitation of %(email)s as %(role)s (%(scope)s)?")
            % {
                "email": invitation.email,
                "role": invitation.get_role_display(),
                "scope": invitation.scope,
            },
            "explanation": _("The link in the e-mail stops working."),
            "button": _("Withdraw the invitation"),
            "back": _back_to_list(request.user),
        },
    )


# --- Following an invitation ----------------------------------------------------------


def _invitation_status(invitation: Invitation | None, refusal: str | None) -> int:
    if invitation is None:
        return 404
    if refusal:
        return 410
    return 200


@require_http_methods(["GET", "HEAD", "POST"])
def invitation(request, token: str):
    """Where the e-mailed link leads: sign up or sign in, then accept the role."""
    found = invitation_find(token=token)
    refusal = invitation_refusal(found)
    context = {"invitation": found, "problem": refusal, "token": token}
    if refusal:
        request.session.pop(INVITATION_SESSION_KEY, None)
        return render(
            request,
            "copgirls/invitation.html",
            context,
            status=_invitation_status(found, refusal),
        )
    request.session[INVITATION_SESSION_KEY] = token
    here = request.get_full_path()
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect(f"{reverse('account_login')}?{urlencode({'next': here})}")
        context["signup_url"] = (
            f"{reverse('account_signup')}?{urlencode({'email': found.email, 'next': here})}"
        )
        context["login_url"] = f"{reverse('account_login')}?{urlencode({'next': here})}"
        return render(request, "copgirls/invitation.html", context)
    wrong_account = invitation_refusal(found, request.user)
    if request.method == "POST" and not wrong_account:
        try:
            assignment = invitation_accept(token=token, user=request.user)
        except InvitationRefused as exc:
            wrong_account = " ".join(exc.messages)
        else:
            request.session.pop(INVITATION_SESSION_KEY, None)
            messages.success(
                request,
                _("You are now %(role)s (%(scope)s).")
                % {
                    "role": assignment.get_role_display(),
                    "scope": assignment.region or assignment.member_state or assignment.event,
                },
            )
            return HttpResponseRedirect(reverse("copgirls:dashboard"))
    context["wrong_account"] = wrong_account
    status = 403 if wrong_account and request.method == "POST" else 200
    return render(request, "copgirls/invitation.html", context, status=status)


# --- Audit log ------------------------------------------------------------------------


@secretariat_required
@require_safe
def audit_log(request):
    require(can_view_audit_log, request.user)
    form = AuditFilterForm(
        request.GET or None, actions=audit_actions(), object_types=audit_object_types()
    )
    if form.is_bound and not form.is_valid():
        entries = audit_entries().none()
    else:
        filters = {k: v for k, v in (form.cleaned_data if form.is_bound else {}).items() if v}
        entries = audit_entries(**filters)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "copgirls/audit_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
