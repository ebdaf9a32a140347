"""Creating, checking and revoking personal access tokens.

A token is ``cgpat_`` followed by 43 URL-safe characters (256 random bits). The portal keeps
its SHA-256 digest only — a token has far too much entropy for a slow hash to matter, and a
digest lets a request find its token with one indexed read. Creating and revoking a token
are audited; each use is recorded by the API views (:class:`api.models.TokenUse`).
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import AccessToken, TokenScope
from copgirls.audit import audit_record
from copgirls.log_redaction import ACCESS_TOKEN_PREFIX
from copgirls.models import User
from copgirls.permissions import roles_of

#: How long a new token may live, in days (the account page's choices).
LIFETIMES = (30, 90, 180, 365)
#: A person keeps at most this many usable tokens.
MAX_TOKENS_PER_USER = 20


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_token(value: str) -> bool:
    return value.startswith(ACCESS_TOKEN_PREFIX) and 40 <= len(value) <= 80


@transaction.atomic
def token_create(
    *, user: User, name: str, scopes: Iterable[str], days: int
) -> tuple[AccessToken, str]:
    """A new token of ``user`` and its text, which is never shown or stored again."""
    scopes = sorted(set(scopes))
    errors: dict[str, list[str]] = {}
    if not roles_of(user).is_staff_member:
        raise ValidationError(_("Only people with a role in the portal can create API tokens."))
    unknown = [scope for scope in scopes if scope not in TokenScope.values]
    if not scopes:
        errors["scopes"] = [_("Choose at least one scope.")]
    elif unknown:
        errors["scopes"] = [_("Unknown scope: %(scope)s.") % {"scope": ", ".join(unknown)}]
    if days not in LIFETIMES or days > settings.API_TOKEN_MAX_DAYS:
        errors["days"] = [
            _("A token lives %(choices)s days.") % {"choices": ", ".join(str(d) for d in LIFETIMES)}
        ]
    if not (name or "").strip():
        errors["name"] = [_("Give the token a name, such as the system that will use it.")]
    # Serialise a person's concurrent creations, so the limit holds.
    User.objects.select_for_update().filter(pk=user.pk).exists()
    if AccessToken.objects.usable().filter(user=user).count() >= MAX_TOKENS_PER_USER:
        errors.setdefault("name", []).append(
            _("You have %(count)s tokens already: revoke one you no longer use.")
            % {"count": MAX_TOKENS_PER_USER}
        )
    if errors:
        raise ValidationError(errors)
    text = ACCESS_TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = AccessToken(
        user=user,
        name=name.strip(),
        prefix=text[: len(ACCESS_TOKEN_PREFIX) + 6],
        digest=digest_of(text),
        scopes=scopes,
        created_at=now,
        expires_at=now + datetime.timedelta(days=days),
    )
    token.full_clean(exclude=["digest"])
    token.save()
    audit_record(
        actor=user,
        action="api_token.create",
        obj=token,
        changes={"scopes": scopes, "expires_at": token.expires_at.isoformat()},
    )
    return token, text


def token_find(text: str) -> AccessToken | None:
    """The token whose text is ``text`` (usable or not), with its owner, or ``None``."""
    if not looks_like_token(text):
        return None
    return AccessToken.objects.select_related("user").filter(digest=digest_of(text)).first()


@transaction.atomic
def token_revoke(*, token: AccessToken, actor: User | None, because: str = "owner") -> AccessToken:
    token = AccessToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise ValidationError(_("This token was already revoked."))
    token.revoked_at = timezone.now()
    token.revoked_because = because
    token.save(update_fields=["revoked_at", "revoked_because"])
    audit_record(actor=actor, action="api_token.revoke", obj=token, changes={"because": because})
    return token


def tokens_revoke_for(*, user: User, because: str) -> int:
    """Revoke every usable token of ``user`` (a role revoked, the account deactivated)."""
    now = timezone.now()
    revoked = AccessToken.objects.usable(now).filter(user=user)
    ids = list(revoked.values_list("pk", flat=True))
    if ids:
        AccessToken.objects.filter(pk__in=ids).update(revoked_at=now, revoked_because=because)
        audit_record(
            actor=None,
            action="api_token.revoke",
            object_type="api.accesstoken",
            object_repr=user.email[:255],
            changes={"because": because, "tokens": ids},
        )
    return len(ids)
