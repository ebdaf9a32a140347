"""The portal core: staff users, the ITU-D regions and the member states."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Value
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from copgirls.validators import no_invisible_controls


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("A user needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A staff account (secretariat, regional officer, coordinator, facilitator).

    Participants never have an account. The e-mail address is the login and is
    unique whatever its case.
    """

    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    full_name = models.CharField(
        _("full name"), max_length=150, blank=True, validators=[no_invisible_controls]
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("staff status"), default=False, help_text=_("May sign in to the admin site.")
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    session_generation = models.PositiveIntegerField(
        _("session generation"),
        default=0,
        editable=False,
        help_text=_("Raised to end every session of the user at once."),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Stored in lower case, so the unique index is case-insensitive too.
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")), name="user_email_lower"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.full_name

    def _get_session_auth_hash(self, secret=None):
        # Django ends a session whose stored hash no longer matches; mixing the generation
        # into the hash lets ``session_generation += 1`` end all of the user's sessions,
        # whatever the session backend, without finding them.
        key_salt = "copgirls.models.User.get_session_auth_hash"
        value = f"{self.password}:{self.session_generation}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Region(models.Model):
    """One of the six ITU-D regions."""

    code = models.CharField(_("code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=64, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("ITU-D region")
        verbose_name_plural = _("ITU-D regions")

    def __str__(self) -> str:
        return gettext(self.name)  # the six names are in the catalogues (reference_data)


class MemberState(models.Model):
    """An ITU member state (or observer, such as Palestine) in its ITU-D region."""

    iso2 = models.CharField(_("ISO 3166 alpha-2 code"), max_length=2, unique=True)
    iso3 = models.CharField(_("ISO 3166 alpha-3 code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=128)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="member_states", verbose_name=_("region")
    )
    is_member = models.BooleanField(
        _("ITU member state"), default=True, help_text=_("False for observers such as Palestine.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("member state")
        verbose_name_plural = _("member states")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(iso2__regex=r"^[A-Z]{2}$"), name="member_state_iso2_upper"
            ),
            models.CheckConstraint(
                condition=models.Q(iso3__regex=r"^[A-Z]{3}$"), name="member_state_iso3_upper"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class WorkerHeartbeat(models.Model):
    """The last time a Celery worker ran the heartbeat task; /healthz reports its age."""

    hostname = models.CharField(max_length=255, unique=True)
    seen_at = models.DateTimeField()
    token = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"{self.hostname} at {self.seen_at:%Y-%m-%d %H:%M:%S}"


class Role(models.TextChoices):
    SECRETARIAT = "secretariat", _("ITU secretariat")
    REGIONAL_OFFICER = "regional_officer", _("Regional officer")
    COORDINATOR = "coordinator", _("Member-state coordinator")
    FACILITATOR = "facilitator", _("Facilitator")


#: The scope each role's assignment (and invitation) names; the secretariat's is everything.
ROLE_SCOPE = {
    "secretariat": None,
    "regional_officer": "region",
    "coordinator": "member_state",
    "facilitator": "event",
}
#: Roles one is invited to (the secretariat is appointed, never invited).
INVITED_ROLES = ("regional_officer", "coordinator", "facilitator")


def scope_matches_role(roles) -> models.Q:
    """A row names exactly the scope its role needs, and no other (a check constraint)."""
    condition = models.Q()
    for role in roles:
        scope = ROLE_SCOPE[role]
        condition |= models.Q(
            role=role,
            **{f"{name}__isnull": name != scope for name in ("region", "member_state", "event")},
        )
    return condition


class RoleAssignmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class RoleAssignment(TimeStampedModel):
    """One role a user holds, with its scope: global, a region, a member state or an event.

    Revoking sets ``revoked_at``; the row stays for the record.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("region")
    )
    member_state = models.ForeignKey(
        MemberState, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("member state")
    )
    event = models.ForeignKey(
        "events.Event",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        verbose_name=_("celebration"),
    )
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.CheckConstraint(
                name="role_assignment_scope_matches_role",
                condition=scope_matches_role(ROLE_SCOPE),
            ),
            # One active assignment per user, role and scope (one constraint per role, so
            # no NULL takes part: portable to SQLite, which has no NULLS NOT DISTINCT).
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(role="secretariat", revoked_at__isnull=True),
                name="role_assignment_active_secretariat_unique",
            ),
            models.UniqueConstraint(
                fields=["user", "region"],
                condition=models.Q(role="regional_officer", revoked_at__isnull=True),
                name="role_assignment_active_officer_unique",
            ),
            models.UniqueConstraint(
                fields=["user", "member_state"],
                condition=models.Q(role="coordinator", revoked_at__isnull=True),
                name="role_assignment_active_coordinator_unique",
            ),
            models.UniqueConstraint(
                fields=["user", "event"],
                condition=models.Q(role="facilitator", revoked_at__isnull=True),
                name="role_assignment_active_facilitator_unique",
            ),
        ]
        indexes = [models.Index(fields=["user", "role"], name="role_assignment_user_role")]

    def __str__(self) -> str:
        scope = self.region or self.member_state or self.event or _("global")
        return f"{self.user} — {self.get_role_display()} ({scope})"


class AuditEntry(models.Model):
    """Who did what to which object, when, with the changed fields. Append-only."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_email = models.CharField(_("who (e-mail)"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_email} {self.action} {self.object_repr}"


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(
            accepted_at__isnull=True, cancelled_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(TimeStampedModel):
    """An invitation to take a role, sent to one e-mail address; single-use, it expires.

    Only a SHA-256 digest of the token is stored: the link in the e-mail is the only copy.
    """

    email = models.EmailField(_("e-mail address"), max_length=254)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("region")
    )
    member_state = models.ForeignKey(
        MemberState, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("member state")
    )
    event = models.ForeignKey(
        "events.Event",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("celebration"),
    )
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("invited by"),
    )
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                name="invitation_scope_matches_role",
                condition=scope_matches_role(INVITED_ROLES),
            ),
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")), name="invitation_email_lower"
            ),
        ]
        indexes = [models.Index(fields=["email"], name="invitation_email")]

    def __str__(self) -> str:
        scope = self.region or self.member_state or self.event
        return f"{self.email} — {self.get_role_display()} ({scope})"

    @property
    def scope(self):
        return self.region or self.member_state or self.event

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


#: Where a member state without a helpline of its own sends a girl (issue 19).
CHILD_HELPLINE_DIRECTORY = "https://childhelplineinternational.org/helplines/"


def validate_phone_number(value: str) -> None:
    """A number to dial from a phone: digits with spaces, dashes, brackets and a leading +,
    3 to 15 digits (E.164's longest; 116 111 and 1098 are real helplines)."""
    allowed = set("0123456789 -()")
    body = value[1:] if value.startswith("+") else value
    digits = sum(character.isdigit() for character in body)
    if not body or set(body) - allowed or not 3 <= digits <= 15:
        raise ValidationError(
            _(
                "Enter a phone number of 3 to 15 digits, such as 116 111 or +254 800 723 253: "
                "digits, spaces, dashes, brackets and a leading + only."
            ),
            code="invalid_phone",
        )


_WEB_ADDRESS = URLValidator(
    schemes=["http", "https"],
    message=_(
        "Enter a web address starting with https:// or http://, such as "
        "https://childhelplineinternational.org/."
    ),
)


class ChildHelpline(TimeStampedModel):
    """A member state's child helpline and where to report online abuse, kept by its
    coordinator and shown to the girls after their answers (issue 19). The one row without
    a member state is the secretariat's default, shown where a state has none."""

    member_state = models.OneToOneField(
        MemberState,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="child_helpline",
        verbose_name=_("member state"),
    )
    name = models.CharField(_("helpline name"), max_length=200, validators=[no_invisible_controls])
    phone = models.CharField(
        _("phone number"),
        max_length=32,
        blank=True,
        validators=[validate_phone_number],
        help_text=_("The number a child dials, free of charge if it is, e.g. 116 111."),
    )
    website = models.CharField(
        _("web address"), max_length=300, blank=True, validators=[_WEB_ADDRESS]
    )
    report_abuse = models.TextField(
        _("how to report online abuse"),
        max_length=600,
        blank=True,
        validators=[no_invisible_controls],
        help_text=_(
            "One or two sentences in the language the girls read, e.g. where to report an "
            "image or a message: a hotline, the police, the platform's report button."
        ),
    )
    report_url = models.CharField(
        _("reporting web address"), max_length=300, blank=True, validators=[_WEB_ADDRESS]
    )

    class Meta:
        ordering = ["member_state__name"]
        verbose_name = _("child helpline")
        verbose_name_plural = _("child helplines")
        constraints = [
            models.UniqueConstraint(
                Value(True),
                condition=models.Q(member_state__isnull=True),
                name="child_helpline_one_default",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_default(self) -> bool:
        return self.member_state_id is None

    def clean(self) -> None:
        if not (self.phone or self.website):
            raise ValidationError(
                {"phone": _("Give a phone number or a web address (or both): a girl needs one.")}
            )
