"""allauth forms adapted to the portal (settings.ACCOUNT_FORMS)."""

from __future__ import annotations

from allauth.account.forms import SignupForm
from allauth.core import context
from django import forms
from django.utils.translation import gettext_lazy as _


class InvitedSignupForm(SignupForm):
    """Sign-up is reached only through an invitation, and only with the invited address."""

    def clean_email(self) -> str:
        from copgirls.adapters import pending_invitation

        email = super().clean_email()
        invitation = pending_invitation(context.request) if context.request else None
        if invitation is not None and email and email != invitation.email:
            raise forms.ValidationError(
                _(
                    "Your invitation is for %(email)s: create your account with that address, "
                    "or ask for an invitation to this one."
                ),
                params={"email": invitation.email},
                code="not_invited",
            )
        return email
