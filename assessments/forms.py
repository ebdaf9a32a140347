"""Forms of the assessments app: the participant's questionnaire and the staff pages."""

from __future__ import annotations

import datetime
import uuid

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.answers import MEMORABLE_CODE_MAX, Submission, clean_answers, clean_profile
from assessments.models import ItemKind
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


def item_choices(item) -> list[tuple[str, str]]:
    if item.kind == ItemKind.KNOWLEDGE_CHOICE:
        return [(option["key"], option["text"]) for option in item.options]
    if item.kind == ItemKind.KNOWLEDGE_TRUE_FALSE:
        return TRUE_FALSE_CHOICES
    if item.kind in (ItemKind.SELF_EFFICACY, ItemKind.INTENTION):
        return LIKERT_CHOICES
    return []


class ParticipantForm(forms.Form):
    """The whole questionnaire on one page: works without JavaScript, one POST.

    ``client_submission_id`` is drawn on the server when the page is shown and travels in a
    hidden field, so a resent form (double tap, flaky network) is recognised.
    """

    client_submission_id = forms.UUIDField(widget=forms.HiddenInput)
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
            "animal and a number (\u201cpanda 27\u201d). Not your name, not your birthday. You "
            "type the same code before and after, so we can see what changed. Nobody can "
            "read it."
        ),
        error_messages={"required": _("Please type your memorable code.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            name = f"{ITEM_PREFIX}{item.key}"
            if item.kind == ItemKind.FREE_TEXT:
                self.fields[name] = forms.CharField(
                    label=item.text,
                    required=False,
                    max_length=2000,
                    widget=forms.Textarea(attrs={"rows": 3}),
                )
            else:
                self.fields[name] = forms.ChoiceField(
                    label=item.text,
                    choices=item_choices(item),
                    widget=forms.RadioSelect,
                    error_messages={
                        "required": _("Please answer this question."),
                        "invalid_choice": _("Please choose one of the answers shown."),
                    },
                )
            self.fields[name].item = item

    @classmethod
    def initial_for(cls) -> dict:
        return {"client_submission_id": uuid.uuid4()}

    def profile_choice_fields(self):
        return [self["age_band"], self["gender"]]

    def item_fields(self):
        return [self[f"{ITEM_PREFIX}{item.key}"] for item in self.items]

    def clean(self):
        cleaned = super().clean()
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
