"""Questionnaires, collection links and the girls' anonymous responses.

What is never stored with a response: names, e-mail, phone, birth date, IP address,
user agent, or a timestamp finer than the minute. ``participant_key`` is an HMAC of the
girl's self-chosen memorable code with her event's secret: it pairs her pre and post
responses within one event and cannot be reversed or linked across events.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Func
from django.utils.translation import gettext_lazy as _

from copgirls.i18n import OPTIONS, TEXT, validate_translations
from copgirls.models import TimeStampedModel
from copgirls.validators import no_invisible_controls
from events.models import AgeBand, CopModule, CopSession, Gender


class QuestionnaireStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    RETIRED = "retired", _("retired")


class Questionnaire(TimeStampedModel):
    """One version of a module's questionnaire. Frozen (``frozen_at`` set) once answered."""

    module = models.ForeignKey(
        CopModule, on_delete=models.PROTECT, related_name="questionnaires", verbose_name=_("module")
    )
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200, validators=[no_invisible_controls])
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=QuestionnaireStatus.choices,
        default=QuestionnaireStatus.DRAFT,
    )
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)
    #: ``{language: {"title"}}`` — see copgirls.i18n.
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    #: After post, the girl is shown the right answers of the knowledge questions she
    #: missed (issue 19). A display setting, not content: it may change once frozen.
    shows_missed_answers = models.BooleanField(
        _("show the girls the answers they missed after the session"), default=True
    )

    class Meta:
        ordering = ["module", "-version"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        constraints = [
            models.UniqueConstraint(
                fields=["module", "version"], name="questionnaire_version_unique"
            ),
            models.UniqueConstraint(
                fields=["module"],
                condition=models.Q(status="published"),
                name="questionnaire_one_published_per_module",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.module.code} v{self.version}"

    def clean(self) -> None:
        super().clean()
        try:
            validate_translations(self.translations, {"title": TEXT}, max_length=200)
        except ValidationError as exc:
            raise ValidationError({"translations": exc.error_list}) from exc


class ItemKind(models.TextChoices):
    KNOWLEDGE_CHOICE = "knowledge_choice", _("knowledge: multiple choice")
    KNOWLEDGE_TRUE_FALSE = "knowledge_true_false", _("knowledge: true / false / don't know")
    SELF_EFFICACY = "self_efficacy", _("self-efficacy (1–5)")
    INTENTION = "intention", _("behavioural intention (1–5)")
    # No free-text kind (issue 20): an answer typed by a girl can hold her name or a
    # disclosure of abuse, so the portal asks for none and stores none (migration 0012
    # removed the kind and every text stored through it).


KNOWLEDGE_KINDS = (ItemKind.KNOWLEDGE_CHOICE, ItemKind.KNOWLEDGE_TRUE_FALSE)
LIKERT_KINDS = (ItemKind.SELF_EFFICACY, ItemKind.INTENTION)

#: The answers of a true/false/don't know item; its ``correct_option`` is "true" or "false".
TRUE_FALSE_OPTIONS = ("true", "false", "dont_know")
#: Option keys of a multiple-choice item, in order.
CHOICE_KEYS = "abcdef"


class Item(models.Model):
    """A question. Knowledge items have a correct option; Likert items take 1–5."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="items")
    key = models.CharField(_("key"), max_length=32)
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=32, choices=ItemKind.choices)
    text = models.TextField(_("text"), max_length=1000)
    options = models.JSONField(_("options"), default=list, blank=True)
    correct_option = models.CharField(_("correct option"), max_length=16, blank=True)
    is_retired = models.BooleanField(_("retired"), default=False)
    #: ``{language: {"text", "options": {key: text}}}`` — see copgirls.i18n.
    translations = models.JSONField(_("translations"), default=dict, blank=True)

    class Meta:
        ordering = ["questionnaire", "position"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "key"], name="item_key_unique"),
            models.CheckConstraint(
                name="item_knowledge_has_correct_option",
                condition=~models.Q(kind__in=["knowledge_choice", "knowledge_true_false"])
                | ~models.Q(correct_option=""),
            ),
            models.CheckConstraint(
                name="item_kind_known", condition=models.Q(kind__in=ItemKind.values)
            ),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def is_knowledge(self) -> bool:
        return self.kind in KNOWLEDGE_KINDS

    @property
    def is_likert(self) -> bool:
        return self.kind in LIKERT_KINDS

    def option_keys(self) -> list[str]:
        if self.kind == ItemKind.KNOWLEDGE_TRUE_FALSE:
            return list(TRUE_FALSE_OPTIONS)
        if self.kind == ItemKind.KNOWLEDGE_CHOICE:
            return [option["key"] for option in self.options]
        return []

    def clean(self) -> None:
        """A multiple-choice item has 2–6 options keyed a, b, c… and one of them correct;
        a true/false item's correct answer is "true" or "false"; other kinds have neither."""
        super().clean()
        errors: dict[str, str] = {}
        try:
            validate_translations(
                self.translations, {"text": TEXT, "options": OPTIONS}, max_length=1000
            )
        except ValidationError as exc:
            errors["translations"] = exc.messages[0]
        else:
            options = self.options if isinstance(self.options, list) else []
            keys = {o.get("key") for o in options if isinstance(o, dict)}
            for language, texts in self.translations.items():
                unknown = set(texts.get("options") or {}) - keys
                if unknown:
                    errors["translations"] = _(
                        "The %(language)s translation has options this question does not "
                        "have: %(keys)s."
                    ) % {"language": language, "keys": ", ".join(sorted(unknown))}
        if self.kind == ItemKind.KNOWLEDGE_CHOICE:
            options = self.options if isinstance(self.options, list) else []
            keys = [o.get("key") for o in options if isinstance(o, dict)]
            texts = [str(o.get("text", "")).strip() for o in options if isinstance(o, dict)]
            if not 2 <= len(options) <= len(CHOICE_KEYS) or len(keys) != len(options):
                errors["options"] = _("A multiple-choice question needs 2 to 6 options.")
            elif keys != list(CHOICE_KEYS[: len(keys)]) or not all(texts):
                errors["options"] = _("Each option needs a text (options are keyed a, b, c…).")
            elif self.correct_option not in keys:
                errors["correct_option"] = _("Mark one of the options (%(keys)s) as correct.") % {
                    "keys": ", ".join(keys)
                }
        elif self.kind == ItemKind.KNOWLEDGE_TRUE_FALSE:
            if self.options:
                errors["options"] = _("A true/false question has no options of its own.")
            if self.correct_option not in ("true", "false"):
                errors["correct_option"] = _("The correct answer must be true or false.")
        else:
            if self.options:
                errors["options"] = _("Only multiple-choice questions have options.")
            if self.correct_option:
                errors["correct_option"] = _("Only knowledge questions have a correct answer.")
        if errors:
            raise ValidationError(errors)


class Phase(models.TextChoices):
    PRE = "pre", _("before the discussion (pre)")
    POST = "post", _("after the discussion (post)")


class CollectionLink(TimeStampedModel):
    """The short code a facilitator projects so the girls can answer one phase of a session."""

    session = models.ForeignKey(
        CopSession, on_delete=models.CASCADE, related_name="collection_links"
    )
    phase = models.CharField(_("phase"), max_length=8, choices=Phase.choices)
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("code"), max_length=8, unique=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("collection link")
        verbose_name_plural = _("collection links")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "phase"], name="collection_link_one_per_phase"
            ),
        ]

    def __str__(self) -> str:
        # Not the code: it opens the class's questionnaire, and an object's name ends up in
        # logs, tracebacks and admin histories (copgirls.log_redaction).
        return f"{self.phase} link of COP session {self.session_id}"

    def is_open_at(self, moment: datetime.datetime) -> bool:
        """Open once opened, until closed by hand or until ``closes_at`` has passed."""
        return (
            self.opened_at is not None
            and self.opened_at <= moment
            and self.closed_at is None
            and (self.closes_at is None or self.closes_at > moment)
        )


class ResponseSource(models.TextChoices):
    WEB = "web", _("web")
    PAPER = "paper", _("paper, typed in")
    IMPORT = "import", _("imported file")


class Bytewise(Func):
    """A text compared byte by byte: PostgreSQL's "C" collation, SQLite's default one.

    Participant keys are hex digests: their byte order is the only meaningful one, and
    PostgreSQL compares bytes far faster than through the database's locale."""

    arity = 1
    template = '%(expressions)s COLLATE "C"'

    def as_sqlite(self, compiler, connection, **extra_context):
        return compiler.compile(self.get_source_expressions()[0])


class Response(models.Model):
    """One participant's answers to one phase of one COP session. Anonymous by design."""

    # No index of its own: the unique (session, client id) and the pairing index lead with it.
    session = models.ForeignKey(
        CopSession, on_delete=models.CASCADE, related_name="responses", db_index=False
    )
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="responses"
    )
    phase = models.CharField(_("phase"), max_length=8, choices=Phase.choices)
    age_band = models.CharField(_("age band"), max_length=8, choices=AgeBand.choices)
    gender = models.CharField(_("gender"), max_length=16, choices=Gender.choices, blank=True)
    assent = models.BooleanField(_("assent given"))
    source = models.CharField(_("source"), max_length=8, choices=ResponseSource.choices)
    client_submission_id = models.UUIDField(_("client submission id"))
    payload_digest = models.CharField(max_length=64)
    participant_key = models.CharField(max_length=64)  # looked up within a session only
    submitted_at = models.DateTimeField(_("submitted (to the minute)"))
    # Translators: a column label; "%" is the per-cent sign, not a placeholder.
    # xgettext:no-python-format
    knowledge_score = models.FloatField(_("knowledge score (% correct)"), null=True, blank=True)
    self_efficacy_mean = models.FloatField(_("self-efficacy mean"), null=True, blank=True)
    intention_mean = models.FloatField(_("intention mean"), null=True, blank=True)
    counts_for_pairing = models.BooleanField(
        _("counts for pairing"),
        default=True,
        help_text=_("False for repeats: only the first pre and the last post of a key count."),
    )

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "client_submission_id"], name="response_submission_once"
            ),
            models.CheckConstraint(
                condition=models.Q(assent=True), name="response_requires_assent"
            ),
            models.CheckConstraint(
                condition=models.Q(submitted_at__second=0), name="response_time_to_the_minute"
            ),
        ]
        indexes = [
            models.Index(fields=["session", "phase", "participant_key"], name="response_pairing"),
            # The report's pass over the responses (reports.aggregation.response_groups_
            # queryset) reads this index alone, already in its GROUP BY order: no sort, no
            # table access.
            models.Index(
                F("session"),
                Bytewise("participant_key"),
                F("counts_for_pairing"),
                include=[
                    "phase",
                    "submitted_at",
                    "age_band",
                    "knowledge_score",
                    "self_efficacy_mean",
                    "intention_mean",
                ],
                name="response_pair_groups",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session_id} {self.phase} {self.pk}"


class Answer(models.Model):
    """One answer: ``option`` (knowledge) or ``likert`` (1–5 items). ``text`` is always
    empty (``answer_stores_no_text``): the column is kept only because the released
    submission functions write it."""

    # No index of its own: the unique (response, item) constraint leads with it.
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", db_index=False
    )
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="answers")
    option = models.CharField(max_length=16, blank=True)
    likert = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True, max_length=2000)
    is_correct = models.BooleanField(null=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="answer_once_per_item"),
            models.CheckConstraint(
                condition=models.Q(likert__isnull=True) | models.Q(likert__gte=1, likert__lte=5),
                name="answer_likert_1_to_5",
            ),
            # Free text typed by a girl is never stored (issue 20); the column stays empty.
            models.CheckConstraint(condition=models.Q(text=""), name="answer_stores_no_text"),
        ]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.item_id}"


class HeldStatus(models.TextChoices):
    HELD = "held", _("held")
    VOIDED = "voided", _("voided")


class HeldResponse(models.Model):
    """A web submission held back: one client sent a link more answers than a girl (or a
    phone passed round a few girls) plausibly does (``assessments.ratelimit``).

    Kept apart from :class:`Response`, so it is in no figure — no count, score, pair, page,
    report or export reads this table — until the session's facilitator releases its batch
    (then it is stored as any response, by the repeat rule) or voids it (its answers are
    dropped; the row stays so that a resend of it is recognised, and counts nowhere).

    ``batch`` is a random id drawn for the client that crossed the bound, never derived from
    its address or cookie: it groups what one phone or script sent and links nothing else.
    ``response`` holds what storing it needs: the response's columns and its answers.
    """

    session = models.ForeignKey(
        CopSession, on_delete=models.CASCADE, related_name="held_responses", db_index=False
    )
    phase = models.CharField(_("phase"), max_length=8, choices=Phase.choices)
    batch = models.UUIDField(_("batch"))
    status = models.CharField(
        _("status"), max_length=8, choices=HeldStatus.choices, default=HeldStatus.HELD
    )
    client_submission_id = models.UUIDField(_("client submission id"))
    payload_digest = models.CharField(max_length=64)
    submitted_at = models.DateTimeField(_("submitted (to the minute)"))
    response = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("held response")
        verbose_name_plural = _("held responses")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "client_submission_id"], name="held_response_submission_once"
            ),
            models.CheckConstraint(
                condition=models.Q(submitted_at__second=0), name="held_response_to_the_minute"
            ),
        ]
        indexes = [
            models.Index(fields=["session", "status", "batch"], name="held_response_batches"),
        ]

    def __str__(self) -> str:
        return f"held {self.phase} response of COP session {self.session_id}"
