"""Requested CWG-COP impact reports and the files that answer them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from copgirls.models import MemberState, Region, TimeStampedModel
from copgirls.names import name_of
from copgirls.validators import no_invisible_controls


class ReportScope(models.TextChoices):
    GLOBAL = "global", _("global")
    REGION = "region", _("ITU-D region")
    MEMBER_STATE = "member_state", _("member state")


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    READY = "ready", _("ready")
    FAILED = "failed", _("failed")


class ReportStage(models.TextChoices):
    QUEUED = "queued", _("queued")
    AGGREGATING = "aggregating", _("aggregating")
    RENDERING = "rendering", _("rendering")
    READY = "ready", _("ready")
    FAILED = "failed", _("failed")


class Report(TimeStampedModel):
    """A CWG-COP impact report: what was asked, by whom, and the PDF that answers it.

    ``figures`` keeps the suppressed aggregates the PDF was rendered from, so an issued
    report's numbers survive the erasure of raw responses.
    """

    scope = models.CharField(_("scope"), max_length=16, choices=ReportScope.choices)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT)
    member_state = models.ForeignKey(MemberState, null=True, blank=True, on_delete=models.PROTECT)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    language = models.CharField(_("language"), max_length=8)
    meeting_name = models.CharField(
        _("meeting"), max_length=200, validators=[no_invisible_controls]
    )
    document_number = models.CharField(
        _("document number"), max_length=64, validators=[no_invisible_controls]
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="reports"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    stage = models.CharField(
        _("stage"), max_length=16, choices=ReportStage.choices, default=ReportStage.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    data_cutoff = models.DateTimeField(_("data cut-off"), null=True, blank=True)
    #: The cut-off as the data saw it: the largest response id when the report was asked
    #: for. The figures count responses up to it (``data_cutoff``, which is minute-coarse on
    #: the responses' side, stays for display), so producing the report again gives the same
    #: figures and bytes whatever arrived, or was imported with an older date, since.
    response_mark = models.BigIntegerField(_("last response counted"), null=True, blank=True)
    #: An earlier issued (ready) report of the same scope whose figures this one is compared
    #: with: the summary and the tables then show the change since it (the resolution asks
    #: for a periodic review). Its stored figures are read, so the comparison stays the same.
    compared_with = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="compared_by",
        verbose_name=_("compared with the report"),
    )
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    pdf = models.FileField(_("PDF"), upload_to="reports/", blank=True, max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    #: The one-page brief beside the full report: produced by the same task from the same
    #: figures (headline indicators, one chart, the key findings).
    brief = models.FileField(_("brief (PDF)"), upload_to="reports/", blank=True, max_length=255)
    brief_sha256 = models.CharField(_("SHA-256 of the brief"), max_length=64, blank=True)
    #: Why a report failed, in words for whoever may see the report (no technical detail).
    error = models.TextField(_("error"), blank=True)
    #: The last failed attempt's exception (hosts, database users, paths may be in it): for
    #: the secretariat, who runs the portal, only.
    error_detail = models.TextField(_("technical detail of the error"), blank=True)
    #: The Celery worker (node name) that holds the report while it runs, and since when.
    #: A worker that restarts under the same name gives back what it held (it died).
    claimed_by = models.CharField(_("claimed by worker"), max_length=255, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    #: The Celery task (message) id of the claim. The broker hands that message out again
    #: only when the process running it was lost (or after the visibility timeout, which
    #: outlasts the hard time limit): a claim met again by its own message is a dead one.
    claimed_task = models.CharField(_("claimed by task"), max_length=255, blank=True)
    #: Refreshed every few seconds by the attempt holding the claim (``REPORTS_HEARTBEAT_SECONDS``):
    #: a claim whose heartbeat is older than ``REPORTS_CLAIM_STALE_SECONDS`` is a dead worker's.
    heartbeat_at = models.DateTimeField(_("claim last confirmed at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("CWG-COP report")
        verbose_name_plural = _("CWG-COP reports")
        constraints = [
            models.CheckConstraint(
                name="report_scope_matches_target",
                condition=(
                    models.Q(scope="global", region__isnull=True, member_state__isnull=True)
                    | models.Q(scope="region", region__isnull=False, member_state__isnull=True)
                    | models.Q(
                        scope="member_state", region__isnull=True, member_state__isnull=False
                    )
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="report_period_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="report_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_number} ({self.get_scope_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in {ReportStatus.READY, ReportStatus.FAILED}

    @property
    def scope_label(self) -> str:
        if self.scope == ReportScope.REGION and self.region_id:
            return str(self.region)
        if self.scope == ReportScope.MEMBER_STATE and self.member_state_id:
            return name_of(self.member_state)  # in the active language (CLDR)
        return str(_("global"))


class FrozenYear(TimeStampedModel):
    """A closed year whose response-derived figures are frozen (issue 20).

    Once a year closes (:func:`copgirls.publication.year_closes_at`) its figures are final and
    identical in every output for ever: :func:`reports.freezing.year_freeze` stores, once, what
    a report reads from the year's responses — the pairs (:class:`FrozenPair`) and the response
    counts per publication grid cell (:class:`FrozenResponseCount`) — and every report reads
    the year from them, so an erasure on request or by retention changes no figure.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    frozen_at = models.DateTimeField(_("frozen at"))
    pairs = models.PositiveIntegerField(_("paired participants"), default=0)
    responses = models.PositiveIntegerField(_("responses"), default=0)
    links_closed = models.PositiveIntegerField(_("collection links closed"), default=0)

    class Meta:
        ordering = ["year"]
        verbose_name = _("frozen year")
        verbose_name_plural = _("frozen years")

    def __str__(self) -> str:
        return str(self.year)


class FrozenPair(models.Model):
    """``count`` identical pairs of a frozen year: what
    :class:`reports.aggregation.PairColumns` carries of a pair but the region (read from the
    member state, as the live rows do). No participant key, COP session or celebration."""

    frozen_year = models.ForeignKey(FrozenYear, on_delete=models.CASCADE, related_name="pairs_set")
    year = models.PositiveSmallIntegerField(_("year"))
    member_state = models.ForeignKey(MemberState, on_delete=models.PROTECT, related_name="+")
    module = models.ForeignKey("events.CopModule", on_delete=models.PROTECT, related_name="+")
    #: "" for none (a pair always has one: her pre's).
    age_band = models.CharField(_("age band"), max_length=16, blank=True)
    knowledge_pre = models.FloatField(null=True, blank=True)
    knowledge_post = models.FloatField(null=True, blank=True)
    self_efficacy_pre = models.FloatField(null=True, blank=True)
    self_efficacy_post = models.FloatField(null=True, blank=True)
    intention_pre = models.FloatField(null=True, blank=True)
    intention_post = models.FloatField(null=True, blank=True)
    count = models.PositiveIntegerField(_("identical pairs"))

    class Meta:
        verbose_name = _("frozen pairs")
        verbose_name_plural = _("frozen pairs")
        indexes = [models.Index(fields=["year", "member_state"], name="frozen_pair_year_state")]
        constraints = [
            models.CheckConstraint(condition=models.Q(count__gte=1), name="frozen_pair_count_1")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.member_state_id} {self.module_id} ×{self.count}"


class FrozenResponseCount(models.Model):
    """A frozen year's response counts in one publication grid cell (member state, year):
    those :func:`reports.aggregation.impact_by_cell` gives per cell (``COUNT_KEYS``)."""

    frozen_year = models.ForeignKey(
        FrozenYear, on_delete=models.CASCADE, related_name="response_counts"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    member_state = models.ForeignKey(MemberState, on_delete=models.PROTECT, related_name="+")
    pre = models.PositiveIntegerField(default=0)
    post = models.PositiveIntegerField(default=0)
    counted_pre = models.PositiveIntegerField(default=0)
    counted_post = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("frozen response counts")
        verbose_name_plural = _("frozen response counts")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "member_state"], name="frozen_response_count_per_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.member_state_id}"
