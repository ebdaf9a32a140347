"""Girls in ICT celebrations (events), the COP module catalogue and COP sessions."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from copgirls.i18n import LINES, TEXT, validate_translations
from copgirls.models import MemberState, TimeStampedModel
from copgirls.validators import no_invisible_controls
from events.timezones import day_end, is_time_zone, session_zones

FIRST_GIRLS_IN_ICT_YEAR = 2011


def girls_in_ict_day(year: int) -> datetime.date:
    """International Girls in ICT Day: the fourth Thursday of April."""
    first = datetime.date(year, 4, 1)
    first_thursday = first + datetime.timedelta(days=(3 - first.weekday()) % 7)
    return first_thursday + datetime.timedelta(weeks=3)


class AgeBand(models.TextChoices):
    UNDER_9 = "under_9", _("under 9")
    AGE_9_12 = "9_12", _("9–12")
    AGE_13_18 = "13_18", _("13–18")
    AGE_19_24 = "19_24", _("19–24")


class RiskArea(models.TextChoices):
    """The 4Cs of the ITU Guidelines on Child Online Protection (2020)."""

    CONTENT = "content", _("content")
    CONTACT = "contact", _("contact")
    CONDUCT = "conduct", _("conduct")
    CONTRACT = "contract", _("contract")


class Gender(models.TextChoices):
    GIRL = "girl", _("girl or young woman")
    BOY = "boy", _("boy or young man")
    OTHER = "other", _("another gender")
    UNDISCLOSED = "undisclosed", _("prefers not to say")


class OrganiserType(models.TextChoices):
    GOVERNMENT = "government", _("government")
    REGULATOR = "regulator", _("regulator")
    PRIVATE_SECTOR = "private_sector", _("private sector")
    ACADEMIA = "academia", _("academia")
    NGO = "ngo", _("NGO")
    UN = "un", _("UN")
    OTHER = "other", _("other")


class EventFormat(models.TextChoices):
    IN_PERSON = "in_person", _("in person")
    ONLINE = "online", _("online")
    HYBRID = "hybrid", _("hybrid")


class ActivityType(models.TextChoices):
    WORKSHOP = "workshop", _("workshop")
    CODING_CLASS = "coding_class", _("coding or robotics class")
    HACKATHON = "hackathon", _("hackathon")
    CAREER_DAY = "career_day", _("career day")
    OPEN_DAY = "open_day", _("open day")
    MENTORING = "mentoring", _("mentoring")
    ROLE_MODEL_TALK = "role_model_talk", _("role-model talk")
    CONTEST = "contest", _("contest")
    CONFERENCE = "conference", _("conference")
    OTHER = "other", _("other")


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    COMPLETED = "completed", _("completed")


#: The secrets of celebrations whose participant keys also depend on the portal's pepper
#: and on the session (assessments.pairing) start with this; older ones are 64 hex digits.
PEPPERED_PAIRING = "v2:"
#: An older secret once its celebration's keys were re-keyed with the pepper and the session
#: (assessments.services.rekey): this mark, then the older secret.
REKEYED_PAIRING = "r1:"


def new_pairing_secret() -> str:
    return PEPPERED_PAIRING + secrets.token_hex(30)


class Event(TimeStampedModel):
    """One Girls in ICT celebration in a member state.

    It *integrates COP* once at least one :class:`CopSession` is logged for it:
    ``cop_session_count`` counts them. The COP-session services keep it in the same
    transaction as the session they write or delete (and the seed generator writes it), so
    the dashboards read one column instead of counting sessions per celebration.
    ``pairing_secret`` keys the HMAC that pairs a participant's pre and post responses
    within this event only; it never leaves the server.
    """

    member_state = models.ForeignKey(
        MemberState, on_delete=models.PROTECT, related_name="events", verbose_name=_("member state")
    )
    title = models.CharField(
        _("name of the celebration"), max_length=200, validators=[no_invisible_controls]
    )
    organiser_reference = models.CharField(
        _("organiser reference"),
        max_length=64,
        help_text=_("Your own reference; unique per member state and year (used by imports)."),
    )
    city = models.CharField(
        _("city"), max_length=120, blank=True, validators=[no_invisible_controls]
    )
    organiser = models.CharField(_("organiser"), max_length=200, validators=[no_invisible_controls])
    organiser_type = models.CharField(
        _("organiser type"), max_length=32, choices=OrganiserType.choices
    )
    format = models.CharField(_("format"), max_length=16, choices=EventFormat.choices)
    activity_type = models.CharField(
        _("activity type"), max_length=32, choices=ActivityType.choices
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    year = models.PositiveSmallIntegerField(_("year"), editable=False, db_index=True)
    target_age_bands = models.JSONField(_("target age bands"), default=list, blank=True)
    expected_girls = models.PositiveIntegerField(_("expected number of girls"), default=0)
    actual_girls = models.PositiveIntegerField(_("actual number of girls"), null=True, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    link = models.URLField(
        _("link"), blank=True, max_length=500, validators=[URLValidator(schemes=["http", "https"])]
    )
    status = models.CharField(
        _("status"), max_length=16, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    #: Emptied once the pairing window has passed (assessments.services.pairing_secrets):
    #: the celebration's participant keys can then never be recomputed. Room for the
    #: re-keying mark (assessments.services.rekey).
    pairing_secret = models.CharField(
        max_length=80, default=new_pairing_secret, editable=False, blank=True
    )
    cop_session_count = models.PositiveIntegerField(_("COP sessions"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = _("celebration")
        verbose_name_plural = _("celebrations")
        constraints = [
            models.UniqueConstraint(
                fields=["member_state", "year", "organiser_reference"],
                name="event_reference_unique_per_state_year",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="event_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=FIRST_GIRLS_IN_ICT_YEAR), name="event_year_from_2011"
            ),
        ]
        indexes = [
            models.Index(fields=["member_state", "year"], name="event_state_year"),
            models.Index(fields=["status", "year"], name="event_status_year"),
            # The lists' order: a page of the staff or public list reads 25 index entries
            # instead of sorting every celebration.
            models.Index(fields=["-start_date", "title", "id"], name="event_listing_order"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # ``year`` is the start date's year, stored for indexes and the import key.
        self.year = self.start_date.year
        super().save(*args, **kwargs)


#: The translated fields of a COP module and their kinds.
MODULE_TRANSLATED_FIELDS = {"title": TEXT, "summary": TEXT, "learning_objectives": LINES}


class CopModule(TimeStampedModel):
    """A COP discussion topic of the catalogue (ITU Guidelines on COP, 2020; the 4Cs)."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    slug = models.SlugField(_("slug"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=200, validators=[no_invisible_controls])
    summary = models.TextField(_("summary"))
    risk_areas = models.JSONField(_("risk areas (4Cs)"), default=list, blank=True)
    age_bands = models.JSONField(_("age bands"), default=list)
    learning_objectives = models.JSONField(_("learning objectives"), default=list)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_retired = models.BooleanField(
        _("retired"),
        default=False,
        help_text=_("A retired module cannot be chosen for new sessions."),
    )
    #: ``{language: {"title", "summary", "learning_objectives"}}`` — see copgirls.i18n.
    translations = models.JSONField(_("translations"), default=dict, blank=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("COP module")
        verbose_name_plural = _("COP modules")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def clean(self) -> None:
        super().clean()
        try:
            validate_translations(self.translations, MODULE_TRANSLATED_FIELDS)
        except ValidationError as exc:
            raise ValidationError({"translations": exc.error_list}) from exc


class Delivery(models.TextChoices):
    IN_PERSON = "in_person", _("in person")
    ONLINE = "online", _("online")


def validate_time_zone(value: str) -> None:
    if value and not is_time_zone(value):
        raise ValidationError(
            _("%(zone)s is not a time zone. Choose one such as Africa/Nairobi."),
            params={"zone": value[:64]},
        )


class CopSession(TimeStampedModel):
    """A COP discussion held at a celebration. Attendance is counted, never named."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="cop_sessions", verbose_name=_("celebration")
    )
    module = models.ForeignKey(
        CopModule, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("module")
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cop_sessions",
        verbose_name=_("facilitator"),
    )
    starts_at = models.DateTimeField(_("start"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(5), MaxValueValidator(600)]
    )
    delivery = models.CharField(_("delivery"), max_length=16, choices=Delivery.choices)
    language = models.CharField(_("language"), max_length=16)
    guardian_consent_confirmed = models.BooleanField(
        _("guardian consent arranged as national rules require"), default=False
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_(
            "Where the session is held: its assessment links close by themselves at the end "
            "of its day there. Empty: the member state's (the last of its time zones to end "
            "the day)."
        ),
    )

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("COP session")
        verbose_name_plural = _("COP sessions")
        indexes = [models.Index(fields=["event", "module"], name="cop_session_event_module")]

    def __str__(self) -> str:
        return f"{self.module.code} · {self.event} · {self.starts_at:%Y-%m-%d}"

    @property
    def clock_zone(self) -> str:
        """The zone its start is shown in: its own; without one (a state of several zones
        left unchosen) UTC, the clock such a start was read on."""
        return self.time_zone if is_time_zone(self.time_zone) else "UTC"

    def day_ends_at(self, now: datetime.datetime) -> datetime.datetime:
        """When the session's day ends where it is held (:mod:`events.timezones`)."""
        zones = session_zones(self.time_zone, self.event.member_state.iso2)
        return day_end(starts_at=self.starts_at, zones=zones, now=now)


class Attendance(models.Model):
    """How many people of one age band and gender attended a COP session."""

    session = models.ForeignKey(CopSession, on_delete=models.CASCADE, related_name="attendance")
    age_band = models.CharField(_("age band"), max_length=8, choices=AgeBand.choices)
    gender = models.CharField(_("gender"), max_length=16, choices=Gender.choices)
    count = models.PositiveIntegerField(_("count"))

    class Meta:
        verbose_name = _("attendance count")
        verbose_name_plural = _("attendance counts")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "age_band", "gender"], name="attendance_unique_cell"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session_id} {self.age_band} {self.gender}: {self.count}"
