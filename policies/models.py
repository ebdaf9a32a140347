"""Resolve 1: national COP strategies, policies and programmes.

The catalogue of **COP areas** a national response covers (ITU Guidelines for
policy-makers on COP, 2020; WeProtect Global Alliance Model National Response), the
**instruments** of each member state (strategies, action plans, laws, regulations,
policies, programmes), the **self-assessment** each state makes per CWG-COP reporting
**cycle** (one maturity level per area, evidenced by instruments), the state's
**roadmap** (target level per area, Resolution 179), the ITU-D **regional initiatives**
(WTDC-22) and the **RDF discussions** where they are reviewed.

These are public policy records, not personal data: no suppression applies to them.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from copgirls.i18n import TEXT, validate_translations
from copgirls.models import MemberState, Region, TimeStampedModel
from copgirls.validators import no_invisible_controls

http_link = URLValidator(schemes=["http", "https"])


class Level(models.IntegerChoices):
    """Maturity of a member state in one COP area (see :data:`LEVEL_DEFINITIONS`)."""

    NONE = 0, pgettext_lazy("maturity level", "none")
    PLANNED = 1, _("planned")
    IN_DEVELOPMENT = 2, _("in development")
    ADOPTED = 3, _("adopted")
    IMPLEMENTED = 4, _("implemented")
    REVIEWED = 5, _("reviewed or evaluated")


LEVEL_DEFINITIONS = {
    Level.NONE: _("Nothing exists or is planned in this area."),
    Level.PLANNED: _(
        "The government has decided to act in this area (a mandate, a commitment or a "
        "work plan), but no text is being drafted yet."
    ),
    Level.IN_DEVELOPMENT: _(
        "A strategy, law, policy or programme for this area is being drafted or consulted on."
    ),
    Level.ADOPTED: _(
        "An instrument covering this area has been formally adopted (signed, enacted or approved)."
    ),
    Level.IMPLEMENTED: _(
        "The adopted instrument is in force and applied: a responsible body, a budget and "
        "activities exist."
    ),
    Level.REVIEWED: _(
        "Its implementation has been reviewed or evaluated, and the results are published "
        "or used to revise it."
    ),
}

AREA_TRANSLATED_FIELDS = {"title": TEXT, "guidance": TEXT, "evidence": TEXT}
TITLE_TRANSLATED_FIELDS = {"title": TEXT}
NAME_TRANSLATED_FIELDS = {"name": TEXT}


def _clean_translations(instance, fields) -> None:
    try:
        validate_translations(instance.translations, fields)
    except ValidationError as exc:
        raise ValidationError({"translations": exc.error_list}) from exc


class CopArea(TimeStampedModel):
    """One area a national COP response covers: the catalogue the secretariat keeps."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    slug = models.SlugField(_("slug"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=200, validators=[no_invisible_controls])
    guidance = models.TextField(_("guidance"))
    evidence = models.TextField(_("what evidence counts"))
    sources = models.JSONField(_("sources"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_retired = models.BooleanField(_("retired"), default=False)
    #: ``{language: {"title", "guidance", "evidence"}}`` — see copgirls.i18n.
    translations = models.JSONField(_("translations"), default=dict, blank=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("COP area")
        verbose_name_plural = _("COP areas")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def clean(self) -> None:
        super().clean()
        _clean_translations(self, AREA_TRANSLATED_FIELDS)


class PartnerKind(models.TextChoices):
    UN_AGENCY = "un_agency", _("UN agency")
    INTERGOVERNMENTAL = "intergovernmental", _("intergovernmental organisation")
    SECTOR_MEMBER = "sector_member", _("ITU-D Sector Member")
    NGO = "ngo", _("non-governmental organisation")
    ACADEMIA = "academia", _("academia")
    OTHER = "other", _("other")


class PartnerOrganisation(TimeStampedModel):
    """An organisation that takes part in instruments: a kept list, not free text."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200, validators=[no_invisible_controls])
    kind = models.CharField(_("kind"), max_length=32, choices=PartnerKind.choices)
    translations = models.JSONField(_("translations"), default=dict, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        _clean_translations(self, NAME_TRANSLATED_FIELDS)


#: The years a regional initiative's period may start and end in.
INITIATIVE_YEARS = (1990, 2100)


class RegionalInitiative(TimeStampedModel):
    """An ITU-D regional initiative (WTDC-22, Kigali Action Plan)."""

    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="regional_initiatives",
        verbose_name=_("region"),
    )
    code = models.CharField(_("code"), max_length=16, unique=True)
    title = models.CharField(_("title"), max_length=500, validators=[no_invisible_controls])
    period_start = models.PositiveSmallIntegerField(_("from (year)"))
    period_end = models.PositiveSmallIntegerField(_("to (year)"))
    touches_cop = models.BooleanField(_("concerns COP or cybersecurity"), default=False)
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    #: The region's member states that take part; kept by the region's officers.
    member_states = models.ManyToManyField(
        MemberState,
        through="InitiativeMemberState",
        related_name="cop_regional_initiatives",
        verbose_name=_("member states taking part"),
        blank=True,
    )
    #: Girls in ICT celebrations of the region's member states held under the initiative.
    celebrations = models.ManyToManyField(
        "events.Event",
        through="InitiativeCelebration",
        related_name="regional_initiatives",
        verbose_name=_("celebrations"),
        blank=True,
    )

    class Meta:
        ordering = ["region__code", "code"]
        verbose_name = _("regional initiative")
        verbose_name_plural = _("regional initiatives")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="initiative_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def clean(self) -> None:
        super().clean()
        _clean_translations(self, TITLE_TRANSLATED_FIELDS)
        errors = {}
        for name in ("period_start", "period_end"):
            year = getattr(self, name)
            if year is not None and not INITIATIVE_YEARS[0] <= year <= INITIATIVE_YEARS[1]:
                errors[name] = _("Give a year from %(first)s to %(last)s.") % {
                    "first": INITIATIVE_YEARS[0],
                    "last": INITIATIVE_YEARS[1],
                }
        if (
            not errors
            and self.period_start
            and self.period_end
            and self.period_end < self.period_start
        ):
            errors["period_end"] = _(
                "The period ends before it starts (%(end)s is before %(start)s)."
            ) % {"end": self.period_end, "start": self.period_start}
        if errors:
            raise ValidationError(errors)


class InitiativeMemberState(TimeStampedModel):
    """A member state taking part in a regional initiative (since ``created_at``: a report
    counts the links made by its data cut-off)."""

    initiative = models.ForeignKey(
        RegionalInitiative, on_delete=models.CASCADE, related_name="state_links"
    )
    member_state = models.ForeignKey(
        MemberState, on_delete=models.CASCADE, related_name="initiative_links"
    )

    class Meta:
        verbose_name = _("member state of a regional initiative")
        verbose_name_plural = _("member states of regional initiatives")
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "member_state"], name="initiative_state_once"
            )
        ]


class InitiativeCelebration(TimeStampedModel):
    """A celebration held under a regional initiative (since ``created_at``)."""

    initiative = models.ForeignKey(
        RegionalInitiative, on_delete=models.CASCADE, related_name="celebration_links"
    )
    celebration = models.ForeignKey(
        "events.Event", on_delete=models.CASCADE, related_name="initiative_links"
    )

    class Meta:
        verbose_name = _("celebration of a regional initiative")
        verbose_name_plural = _("celebrations of regional initiatives")
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "celebration"], name="initiative_celebration_once"
            )
        ]


class InstrumentKind(models.TextChoices):
    STRATEGY = "strategy", _("strategy")
    ACTION_PLAN = "action_plan", _("action plan")
    LAW = "law", _("law")
    REGULATION = "regulation", _("regulation")
    POLICY = "policy", _("policy")
    PROGRAMME = "programme", _("programme")


class InstrumentStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PREPARATION = "in_preparation", _("in preparation")
    ADOPTED = "adopted", _("adopted")
    IN_FORCE = "in_force", _("in force")
    UNDER_REVIEW = "under_review", _("under review")
    EXPIRED = "expired", _("expired")


#: Statuses of an instrument that has been adopted (and so has a past adoption year).
ADOPTED_STATUSES = frozenset(
    {
        InstrumentStatus.ADOPTED,
        InstrumentStatus.IN_FORCE,
        InstrumentStatus.UNDER_REVIEW,
        InstrumentStatus.EXPIRED,
    }
)


class Instrument(TimeStampedModel):
    """A national (or multi-state) COP strategy, action plan, law, regulation, policy or
    programme. ``member_state`` keeps it (her coordinator edits it); ``member_states``
    holds every state it applies to, the keeper included."""

    member_state = models.ForeignKey(
        MemberState,
        on_delete=models.PROTECT,
        related_name="cop_instruments_kept",
        verbose_name=_("member state"),
    )
    member_states = models.ManyToManyField(
        MemberState,
        related_name="cop_instruments",
        verbose_name=_("member states it applies to"),
        blank=True,
    )
    reference = models.CharField(
        _("reference"),
        max_length=64,
        blank=True,
        validators=[no_invisible_controls],
        help_text=_(
            "The state's own short reference (e.g. KE-COP-STRATEGY-2025): it names the "
            "instrument in imports and exports."
        ),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=InstrumentKind.choices)
    title = models.CharField(
        _("title in its original language"), max_length=300, validators=[no_invisible_controls]
    )
    title_en = models.CharField(
        _("English title"), max_length=300, blank=True, validators=[no_invisible_controls]
    )
    adoption_year = models.PositiveSmallIntegerField(_("adoption year"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=InstrumentStatus.choices)
    responsible_body = models.CharField(
        _("responsible body"), max_length=200, blank=True, validators=[no_invisible_controls]
    )
    areas = models.ManyToManyField(
        CopArea, related_name="instruments", verbose_name=_("COP areas covered"), blank=True
    )
    link = models.URLField(
        _("link to the official text"), max_length=500, blank=True, validators=[http_link]
    )
    names_girls = models.BooleanField(_("names Girls in ICT or awareness for girls"), default=False)
    regional_initiative = models.ForeignKey(
        RegionalInitiative,
        on_delete=models.PROTECT,
        related_name="instruments",
        verbose_name=_("regional initiative it contributes to"),
        null=True,
        blank=True,
    )
    partners = models.ManyToManyField(
        PartnerOrganisation,
        related_name="instruments",
        verbose_name=_("partner organisations"),
        blank=True,
    )

    class Meta:
        ordering = ["member_state__name", "title"]
        verbose_name = _("COP instrument")
        verbose_name_plural = _("COP instruments")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=sorted(s.value for s in ADOPTED_STATUSES))
                | Q(adoption_year__isnull=False),
                name="instrument_adopted_has_year",
            ),
            models.CheckConstraint(
                condition=Q(adoption_year__isnull=True) | Q(adoption_year__gte=1900),
                name="instrument_adoption_year_plausible",
            ),
            models.UniqueConstraint(
                fields=["member_state", "reference"],
                condition=~Q(reference=""),
                name="instrument_reference_unique_per_state",
                violation_error_message=_("This state has another instrument with this reference."),
            ),
        ]

    def __str__(self) -> str:
        return self.title_en or self.title

    def clean(self) -> None:
        super().clean()
        errors = adoption_errors(self.status, self.adoption_year)
        if errors:
            raise ValidationError(errors)


def adoption_errors(status: str | None, adoption_year: int | None) -> dict[str, str]:
    """What is wrong with an instrument's status and adoption year (forms show it beside
    their own errors; :meth:`Instrument.clean` refuses it)."""
    errors: dict[str, str] = {}
    this_year = datetime.date.today().year
    if status in ADOPTED_STATUSES:
        if adoption_year is None:
            errors["adoption_year"] = _("An adopted instrument needs its adoption year.")
        elif adoption_year > this_year:
            errors["adoption_year"] = _(
                "An adopted instrument cannot have been adopted in the future (%(year)s "
                "is after %(this_year)s)."
            ) % {"year": adoption_year, "this_year": this_year}
    if adoption_year is not None and adoption_year < 1900:
        errors["adoption_year"] = _("The adoption year must be 1900 or later.")
    return errors


class CycleStatus(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class Cycle(TimeStampedModel):
    """One CWG-COP reporting period. The secretariat opens and closes it; a closed cycle is
    frozen (no self-assessment in it can change)."""

    code = models.CharField(
        _("code"),
        max_length=16,
        unique=True,
        validators=[no_invisible_controls],
        help_text=_("For example 2025-2026."),
    )
    title = models.CharField(_("title"), max_length=200, validators=[no_invisible_controls])
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(
        _("status"), max_length=8, choices=CycleStatus.choices, default=CycleStatus.OPEN
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["starts_on", "code"]
        verbose_name = _("reporting cycle")
        verbose_name_plural = _("reporting cycles")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="cycle_period_ordered"
            ),
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="open"), name="one_open_cycle"
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.code

    @property
    def is_open(self) -> bool:
        return self.status == CycleStatus.OPEN

    def clean(self) -> None:
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            raise ValidationError({"ends_on": _("The cycle must end after it starts.")})


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted for review")
    RETURNED = "returned", _("returned with comments")
    ACCEPTED = "accepted", _("accepted")


#: Statuses in which the coordinator may still change her answers.
EDITABLE_STATUSES = frozenset({AssessmentStatus.DRAFT, AssessmentStatus.RETURNED})


class SelfAssessment(TimeStampedModel):
    """A member state's self-assessment of one cycle: one :class:`AreaStatus` per area.

    The coordinator fills and submits it; the regional officer of her region (or the
    secretariat) accepts it or returns it with a comment. Accepted statuses are public.
    """

    member_state = models.ForeignKey(
        MemberState,
        on_delete=models.PROTECT,
        related_name="cop_self_assessments",
        verbose_name=_("member state"),
    )
    cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("cycle")
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.DRAFT,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    review_comment = models.TextField(
        _("reviewer's comment"), blank=True, max_length=4000, validators=[no_invisible_controls]
    )

    class Meta:
        ordering = ["cycle__starts_on", "member_state__name"]
        verbose_name = _("COP policy self-assessment")
        verbose_name_plural = _("COP policy self-assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["member_state", "cycle"], name="one_self_assessment_per_cycle"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="self_assessment_submitted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_state} — {self.cycle}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES and self.cycle.is_open


class AreaStatus(TimeStampedModel):
    """A member state's maturity in one COP area in one cycle, with its evidence."""

    assessment = models.ForeignKey(
        SelfAssessment,
        on_delete=models.CASCADE,
        related_name="area_statuses",
        verbose_name=_("self-assessment"),
    )
    area = models.ForeignKey(
        CopArea, on_delete=models.PROTECT, related_name="statuses", verbose_name=_("COP area")
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    instruments = models.ManyToManyField(
        Instrument, related_name="area_statuses", verbose_name=_("evidence"), blank=True
    )
    note = models.TextField(
        _("note"), blank=True, max_length=4000, validators=[no_invisible_controls]
    )

    class Meta:
        ordering = ["area__position", "area__code"]
        verbose_name = _("COP area status")
        verbose_name_plural = _("COP area statuses")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "area"], name="one_status_per_area"),
            models.CheckConstraint(condition=Q(level__lte=5), name="area_status_level_known"),
        ]

    def __str__(self) -> str:
        return f"{self.area.code}: {self.get_level_display()}"


class RoadmapTarget(TimeStampedModel):
    """A state's COP roadmap (Resolution 179): the level it aims at in an area, by a cycle."""

    member_state = models.ForeignKey(
        MemberState,
        on_delete=models.PROTECT,
        related_name="cop_roadmap",
        verbose_name=_("member state"),
    )
    area = models.ForeignKey(
        CopArea, on_delete=models.PROTECT, related_name="targets", verbose_name=_("COP area")
    )
    level = models.PositiveSmallIntegerField(_("target level"), choices=Level.choices)
    cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, related_name="targets", verbose_name=_("by cycle")
    )

    class Meta:
        ordering = ["area__position", "area__code"]
        verbose_name = _("roadmap target")
        verbose_name_plural = _("roadmap targets")
        constraints = [
            models.UniqueConstraint(fields=["member_state", "area"], name="one_target_per_area"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="target_level"),
        ]

    def __str__(self) -> str:
        return f"{self.member_state} {self.area.code} → {self.get_level_display()}"


class RdfDiscussion(TimeStampedModel):
    """A discussion of COP at a Regional Development Forum or another regional meeting."""

    class Kind(models.TextChoices):
        RDF = "rdf", _("Regional Development Forum")
        REGIONAL_MEETING = "regional_meeting", _("other regional meeting")

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="rdf_discussions", verbose_name=_("region")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.RDF)
    meeting = models.CharField(_("meeting"), max_length=200, validators=[no_invisible_controls])
    held_on = models.DateField(_("date"))
    place = models.CharField(
        _("place"), max_length=200, blank=True, validators=[no_invisible_controls]
    )
    agenda_item = models.CharField(
        _("agenda item on COP"), max_length=300, validators=[no_invisible_controls]
    )
    document_link = models.URLField(
        _("link to the document"), max_length=500, blank=True, validators=[http_link]
    )
    member_states = models.ManyToManyField(
        MemberState,
        related_name="rdf_discussions",
        verbose_name=_("participating member states"),
        blank=True,
    )
    outcomes = models.TextField(_("outcomes"), max_length=8000, validators=[no_invisible_controls])
    commitments = models.TextField(
        _("commitments"), blank=True, max_length=8000, validators=[no_invisible_controls]
    )
    validated_at = models.DateTimeField(_("validated at"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-held_on", "meeting"]
        verbose_name = _("RDF discussion")
        verbose_name_plural = _("RDF discussions")

    def __str__(self) -> str:
        return f"{self.meeting} ({self.held_on:%Y-%m-%d})"

    @property
    def is_validated(self) -> bool:
        return self.validated_at is not None

    def clean(self) -> None:
        super().clean()
        if self.held_on and self.held_on > datetime.date.today() + datetime.timedelta(days=3650):
            raise ValidationError({"held_on": _("This date is too far in the future.")})
