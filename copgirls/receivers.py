"""allauth's ``user_logged_in`` signal: the one hook outside services, as allauth performs
the sign-in itself. It only hands over to the service that writes the audit entry."""

from __future__ import annotations

from allauth.account.signals import user_logged_in
from django.dispatch import receiver

from copgirls.services import login_record


@receiver(user_logged_in, dispatch_uid="copgirls-audit-login")
def audit_login(sender, request, user, **kwargs) -> None:
    login_record(user=user)
