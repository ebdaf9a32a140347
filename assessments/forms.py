"""Forms of the assessments app: the participant's questionnaire and the staff pages."""

from __future__ import annotations

import datetime
import uuid

from django import forms
from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from assessments.answers import (
    AGE_BANDS,
    GENDERS,
    MEMORABLE_CODE_MAX,
    Submission,
    clean_answers,
    clean_profile,
)
from assessments.models import ItemKind
from copgirls.i18n import languages_named, localized, localized_option, translation_languages
from events.models import AgeBand, Gender

ITEM_PREFIX = "item-"

TRUE_FALSE_CHOICES = [("true", _("True")), ("false", _("False")), ("dont_know", _("I don't know"))]
LIKERT_CHOICES = [
    ("1", _("1 — strongly disagree")),
    ("2", _("2 — disagree")),
    ("3", _("3 — not sure")),
    ("4", _("4 — agree")),
    ("5", _("5 — strongly agree")),
]
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def item_choices(item, language: str | None = None) -> list[tuple[str, str]]:
    """The answers of ``item``, labelled in ``language`` (default: the active one).

    Multiple-choice options come from the item (its translation, else English); the
    implicit answers of true/false and 1–5 items are the portal's own translated strings.
    Only labels change with the language: the keys, and so the scores, never do.
    """
    if item.kind == ItemKind.KNOWLEDGE_CHOICE:
        return [
            (option["key"], localized_option(item, option["key"], language))
            for option in item.options
        ]
    if item.kind == ItemKind.KNOWLEDGE_TRUE_FALSE:
        return TRUE_FALSE_CHOICES
    if item.kind in (ItemKind.SELF_EFFICACY, ItemKind.INTENTION):
        return LIKERT_CHOICES
    return []


_TRUE_FALSE_KEYS = frozenset(key for key, _label in TRUE_FALSE_CHOICES)
_LIKERT_KEYS = frozenset(key for key, _label in LIKERT_CHOICES)


def _answer_keys(item) -> frozenset[str]:
    """The answers the form offers for a choice item (its radio buttons' values)."""
    if item.kind == ItemKind.KNOWLEDGE_CHOICE:
        return frozenset(option["key"] for option in item.options)
    if item.kind == ItemKind.KNOWLEDGE_TRUE_FALSE:
        return _TRUE_FALSE_KEYS
    return _LIKERT_KEYS


def _sealer() -> signing.Signer:
    """Built at each use: it reads the secret key (and its fallbacks) of the moment."""
    return signing.Signer(salt="assessments.submission_id")


def submission_seal(submission_id: uuid.UUID | str) -> str:
    """The portal's signature of a submission id it issued (with the page's form)."""
    return _sealer().signature(str(submission_id))


def submission_sealed(submission_id: uuid.UUID | str, seal: str) -> bool:
    """Whether ``seal`` is the portal's signature of ``submission_id`` (current or earlier
    secret key). It never expires: a page, or a phone's queue of answers written offline,
    sends it as long as its link is open."""
    sealer = _sealer()
    try:
        sealer.unsign(f"{submission_id}{sealer.sep}{seal}")
    except signing.BadSignature:
        return False
    return True


def _issued() -> dict:
    submission_id = uuid.uuid4()
    return {
        "client_submission_id": submission_id,
        "submission_seal": submission_seal(submission_id),
    }


class ParticipantForm(forms.Form):
    """The whole questionnaire on one page: works without JavaScript, one POST.

    ``client_submission_id`` is drawn on the server when the page is shown and travels in a
    hidden field, so a resent form (double tap, flaky network) is recognised; its
    ``submission_seal`` (an HMAC with the secret key) proves the portal issued it, so a
    client cannot mint ids — to send answers without opening the page, or to take the id of
    someone else's submission. A form without a valid seal is shown again, her answers kept,
    with a new id and seal: sent again, it is stored.
    """

    client_submission_id = forms.UUIDField(widget=forms.HiddenInput)
    submission_seal = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)
    assent = forms.BooleanField(
        label=_("I agree to answer these questions. I know my answers are anonymous."),
        error_messages={
            "required": _(
                "Please tick this box to take part. If you do not want to take part, you "
                "can close this page."
            )
        },
    )
    age_band = forms.ChoiceField(
        label=_("How old are you?"),
        choices=AgeBand.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose your age group.")},
    )
    gender = forms.ChoiceField(
        label=_("Gender (optional)"),
        choices=Gender.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    memorable_code = forms.CharField(
        label=_("Your memorable code"),
        max_length=MEMORABLE_CODE_MAX,
        help_text=_(
            "Choose a code you will remember after the discussion, for example your favourite "
            "animal and a number (“panda 27”). Not your name, not your birthday. You "
            "type the same code before and after, so we can see what changed. Nobody can "
            "read it."
        ),
        error_messages={"required": _("Please type your memorable code.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, items, language: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            name = f"{ITEM_PREFIX}{item.key}"
            label = localized(item, "text", language)
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=item_choices(item, language),
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Please answer this question."),
                    "invalid_choice": _("Please choose one of the answers shown."),
                },
            )
            self.fields[name].item = item

    @classmethod
    def initial_for(cls) -> dict:
        return _issued()

    @classmethod
    def initial_from(cls, data) -> dict:
        """What she has typed and chosen so far (a POST), as the initial values of a new form
        — for the page shown again in another language, without checking anything yet."""
        try:
            submission_id = uuid.UUID(str(data.get("client_submission_id", "")))
        except ValueError:
            issued = _issued()
        else:
            seal = str(data.get("submission_seal", ""))
            issued = (
                {"client_submission_id": submission_id, "submission_seal": seal}
                if submission_sealed(submission_id, seal)
                else _issued()
            )
        initial = {**issued, "assent": bool(data.get("assent"))}
        for name in ("age_band", "gender", "memorable_code"):
            initial[name] = str(data.get(name, ""))[: MEMORABLE_CODE_MAX * 4]
        for key in data:
            if key.startswith(ITEM_PREFIX):
                initial[key] = str(data.get(key, ""))[:2000]
        return initial

    @classmethod
    def submission_from(cls, data, items) -> tuple[Submission, uuid.UUID] | None:
        """What she sent, read without building the form — or ``None`` whenever the form
        itself must be shown or must speak (a missing answer, a value the form does not
        offer, an unexpected field).

        The submission's hot path (issue 7): every web submission is checked again by the
        service (``clean_profile``, ``clean_answers``), so this only has to refuse what the
        form's fields would refuse and the service would not (a true/false synonym, a
        letter in capitals). For the answers the form accepts, it reads the same values.
        """
        try:
            submission_id = uuid.UUID(str(data.get("client_submission_id", "")).strip())
        except ValueError:
            return None
        if not submission_sealed(submission_id, str(data.get("submission_seal", ""))):
            return None
        expected = {f"{ITEM_PREFIX}{item.key}" for item in items}
        if any(key.startswith(ITEM_PREFIX) and key not in expected for key in data):
            return None
        age_band, gender = data.get("age_band", ""), data.get("gender", "")
        code = str(data.get("memorable_code", "")).strip()
        if (
            data.get("assent") not in ("on", "true")
            or age_band not in AGE_BANDS
            or (gender and gender not in GENDERS)
            or not code
            or len(code) > MEMORABLE_CODE_MAX
        ):
            return None
        answers = {}
        for item in items:
            value = data.get(f"{ITEM_PREFIX}{item.key}", "")
            if value not in _answer_keys(item):
                return None
            if value:
                answers[item.key] = value
        return Submission(True, age_band, gender, code, answers), submission_id

    def profile_choice_fields(self):
        return [self["age_band"], self["gender"]]

    def item_fields(self):
        return [self[f"{ITEM_PREFIX}{item.key}"] for item in self.items]

    def error_summary(self) -> list[dict]:
        """The fields in error in page order, for the summary at the top of the page: each
        question with its number as on the page, so nine unanswered questions are nine
        different links ("Question 4: … — Please answer this question.")."""
        numbers = {f"{ITEM_PREFIX}{item.key}": n for n, item in enumerate(self.items, 1)}
        return [
            {
                "anchor": f"{field.auto_id}-group",
                "number": numbers.get(field.name),
                "label": field.label,
                "error": field.errors[0],
            }
            for field in self.visible_fields()
            if field.errors
        ]

    def clean(self):
        cleaned = super().clean()
        submission_id = cleaned.get("client_submission_id")
        if submission_id is not None and not submission_sealed(
            submission_id, cleaned.get("submission_seal", "")
        ):
            self.add_error(
                "submission_seal",
                _(
                    "This page could not be sent as it was. Your answers are still here: "
                    "send them again."
                ),
            )
            # Shown again with an id the portal issues now, so that sending again stores it.
            self.data = self.data.copy()
            for name, value in _issued().items():
                self.data[name] = str(value)
        if self.data:
            extra = sorted(
                key[len(ITEM_PREFIX) :]
                for key in self.data
                if key.startswith(ITEM_PREFIX) and key not in self.fields
            )
            if extra:
                raise forms.ValidationError(
                    _("Answers to questions that are not in this questionnaire: %(keys)s."),
                    params={"keys": ", ".join(extra)},
                )
        if not self.errors:
            submission = self.submission()
            for field, messages in clean_profile(submission).items():
                for message in messages:
                    self.add_error(field, message)
            try:
                clean_answers(self.items, submission.answers, require_all=True)
            except forms.ValidationError as exc:
                for key, errors in exc.error_dict.items():
                    self.add_error(None if key == "__all__" else f"{ITEM_PREFIX}{key}", errors)
        return cleaned

    def submission(self) -> Submission:
        data = self.cleaned_data
        return Submission(
            assent=bool(data.get("assent")),
            age_band=data.get("age_band", ""),
            gender=data.get("gender", ""),
            memorable_code=data.get("memorable_code", ""),
            answers={
                item.key: data.get(f"{ITEM_PREFIX}{item.key}", "")
                for item in self.items
                if data.get(f"{ITEM_PREFIX}{item.key}", "")
            },
        )


class EnterCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code on the screen"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class OpenLinkForm(forms.Form):
    close_after_minutes = forms.IntegerField(
        label=_("Close automatically after (minutes, optional)"),
        required=False,
        min_value=1,
        max_value=24 * 60,
    )

    def closes_at(self) -> datetime.datetime | None:
        minutes = self.cleaned_data.get("close_after_minutes")
        return timezone.now() + datetime.timedelta(minutes=minutes) if minutes else None


class AriaErrorsMixin:
    """Tie each field's error to its input (``aria-describedby`` / ``aria-invalid``)."""

    def add_error(self, field, error):
        super().add_error(field, error)
        names = [field] if field else []
        if field is None and hasattr(error, "error_dict"):
            names = list(error.error_dict)
        for name in names:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}-error"


class ItemForm(AriaErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ItemKind.choices)
    text = forms.CharField(
        label=_("Question"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    options = forms.CharField(
        label=_("Options (multiple choice only, one per line: a, b, c…)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    correct_option = forms.CharField(
        label=_("Correct answer (a letter, or true / false)"), required=False, max_length=16
    )

    def data_for_service(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "text": data["text"],
            "options": data["options"].splitlines(),
            "correct_option": data["correct_option"],
        }


class ItemTranslationsForm(AriaErrorsMixin, forms.Form):
    """An item's question (and options) in each language but English; empty = English."""

    def __init__(self, *args, item, disabled: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        self.languages = []
        for language in languages_named(translation_languages()):
            code = language["code"]
            texts = (item.translations or {}).get(code, {})
            attrs = {"lang": code, "dir": "rtl" if get_language_info(code)["bidi"] else "ltr"}
            names = [f"text_{code}"]
            self.fields[f"text_{code}"] = forms.CharField(
                label=_("Question"),
                required=False,
                max_length=1000,
                initial=texts.get("text", ""),
                disabled=disabled,
                widget=forms.Textarea(attrs={"rows": 3, **attrs}),
            )
            if item.kind == ItemKind.KNOWLEDGE_CHOICE:
                for option in item.options:
                    name = f"option_{code}_{option['key']}"
                    names.append(name)
                    self.fields[name] = forms.CharField(
                        label=_("Option %(key)s (%(english)s)")
                        % {"key": option["key"], "english": option["text"]},
                        required=False,
                        max_length=1000,
                        initial=(texts.get("options") or {}).get(option["key"], ""),
                        disabled=disabled,
                        widget=forms.TextInput(attrs=attrs),
                    )
            self.languages.append({**language, "fields": [self[name] for name in names]})

    def translations(self) -> dict:
        data = self.cleaned_data
        result = {}
        for language in self.languages:
            code = language["code"]
            texts: dict = {"text": data.get(f"text_{code}", "")}
            if self.item.kind == ItemKind.KNOWLEDGE_CHOICE:
                texts["options"] = {
                    option["key"]: data.get(f"option_{code}_{option['key']}", "")
                    for option in self.item.options
                }
            result[code] = texts
        return result


class EraseResponsesForm(forms.Form):
    confirm_title = forms.CharField(label=_("Type the name of the celebration to confirm"))

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event

    def clean_confirm_title(self):
        typed = " ".join(self.cleaned_data["confirm_title"].split())
        if typed.casefold() != " ".join(self.event.title.split()).casefold():
            raise forms.ValidationError(
                _("This is not the name of the celebration. Type it exactly as shown above.")
            )
        return typed


class PaperUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))
