"""A revoked role or a deactivated account revokes the person's tokens at once.

Signals, because the core (which revokes roles and deactivates accounts) knows nothing of
the API; the receivers only hand over to :func:`api.tokens.tokens_revoke_for`, inside the
core service's transaction.
"""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from api.tokens import tokens_revoke_for
from copgirls.models import RoleAssignment, User


@receiver(post_save, sender=RoleAssignment, dispatch_uid="api-tokens-role-revoked")
def role_revoked(sender, instance: RoleAssignment, **kwargs) -> None:
    if instance.revoked_at is not None:
        tokens_revoke_for(user=instance.user, because="role revoked")


@receiver(post_save, sender=User, dispatch_uid="api-tokens-account-deactivated")
def account_deactivated(sender, instance: User, **kwargs) -> None:
    if not instance.is_active:
        tokens_revoke_for(user=instance, because="account deactivated")
