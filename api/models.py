"""Personal access tokens of the API and the record of their use."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from copgirls.validators import no_invisible_controls


class TokenScope(models.TextChoices):
    """What a token may do, on top of what its owner's roles allow (never more)."""

    EVENTS_READ = "events:read", _("read celebrations, COP modules and COP sessions")
    EVENTS_WRITE = "events:write", _("create, update and publish celebrations; log COP sessions")
    REPORTS_READ = "reports:read", _("read reports and download their files")
    REPORTS_REQUEST = "reports:request", _("request reports")
    POLICIES_READ = "policies:read", _("read national COP policy records")


class AccessTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class AccessToken(models.Model):
    """A staff member's personal access token. Only its SHA-256 digest is stored: the token
    itself is shown once, when it is created (``api.tokens.token_create``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="access_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=100, validators=[no_invisible_controls])
    #: The first characters of the token, shown in lists so its owner recognises it.
    prefix = models.CharField(_("starts with"), max_length=16)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    #: Why it was revoked: "owner", "role revoked", "account deactivated".
    revoked_because = models.CharField(max_length=32, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    objects = AccessTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("personal access token")
        verbose_name_plural = _("personal access tokens")
        indexes = [models.Index(fields=["user", "revoked_at"], name="access_token_user")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now=None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())


class TokenUse(models.Model):
    """One request made with a token: when, what, and the answer's status (the audit of
    every use). The path of an API route holds no secret (tokens travel in a header)."""

    token = models.ForeignKey(AccessToken, on_delete=models.CASCADE, related_name="uses")
    at = models.DateTimeField(default=timezone.now)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    status = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["token", "-at"], name="token_use_recent")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} → {self.status}"
