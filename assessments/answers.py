"""Reading, checking and scoring one participant's answers (web form, paper grid or CSV).

Scores are computed once, when a response is stored:

* ``knowledge_score`` — % of the questionnaire's knowledge items answered correctly; an
  unanswered knowledge item counts as not correct ("don't know" is never correct);
* ``self_efficacy_mean`` / ``intention_mean`` — the mean of the answered Likert items of
  that kind (``None`` when none is answered).

Nothing a girl types is stored but her memorable code's keyed hash: no item takes free text.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from assessments.models import ItemKind
from assessments.pairing import normalise_memorable_code
from events.models import AgeBand, Gender

MEMORABLE_CODE_MIN = 4
MEMORABLE_CODE_MAX = 40
#: The values a girl may pick (read once: an enum's ``values`` is a new list at each call).
AGE_BANDS = frozenset(AgeBand.values)
GENDERS = frozenset(Gender.values)

_TRUE_FALSE_SYNONYMS = {
    "true": "true",
    "t": "true",
    "yes": "true",
    "false": "false",
    "f": "false",
    "no": "false",
    "dont_know": "dont_know",
    "don't know": "dont_know",
    "dk": "dont_know",
    "?": "dont_know",
}
_DATE_LIKE = re.compile(
    r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|(?:19|20)\d{2}[01]\d[0-3]\d|[0-3]\d[01]\d(?:19|20)\d{2}"
)


@dataclass(frozen=True)
class ParsedAnswer:
    item: object  # assessments.models.Item
    option: str = ""
    likert: int | None = None
    is_correct: bool | None = None

    def canonical(self) -> str:
        if self.likert is not None:
            return str(self.likert)
        return self.option


@dataclass(frozen=True)
class Submission:
    """What a participant sent, before it is checked: raw strings keyed by item key."""

    assent: bool
    age_band: str
    gender: str
    memorable_code: str = field(repr=False)  # never in a traceback or a log
    answers: Mapping[str, str] = field(default_factory=dict)


def parse_answer(item, raw: str) -> ParsedAnswer:
    """One non-empty answer; raises ``ValidationError`` saying what is accepted."""
    value = raw.strip()
    if item.kind == ItemKind.KNOWLEDGE_CHOICE:
        keys = item.option_keys()
        option = value.lower()
        if option not in keys:
            raise ValidationError(
                _("Choose one of the options %(options)s."), params={"options": ", ".join(keys)}
            )
        return ParsedAnswer(item, option=option, is_correct=option == item.correct_option)
    if item.kind == ItemKind.KNOWLEDGE_TRUE_FALSE:
        option = _TRUE_FALSE_SYNONYMS.get(value.lower())
        if option is None:
            raise ValidationError(_("Answer true, false or don't know."))
        return ParsedAnswer(item, option=option, is_correct=option == item.correct_option)
    if item.kind in (ItemKind.SELF_EFFICACY, ItemKind.INTENTION):
        if value not in {"1", "2", "3", "4", "5"}:
            raise ValidationError(_("Choose a number from 1 to 5."))
        return ParsedAnswer(item, likert=int(value))
    # An item of another kind (none exists since migration 0012) takes no answer: a text
    # would be stored verbatim.
    raise ValidationError(_("This question takes no answer."))


def clean_answers(
    items: Sequence, raw: Mapping[str, str], *, require_all: bool
) -> list[ParsedAnswer]:
    """Check every answer against the questionnaire's (active) items.

    Raises one ``ValidationError`` keyed by item key (``__all__`` for answers to items that
    are not in the questionnaire).
    """
    errors: dict[str, list] = {}
    known = {item.key: item for item in items}
    unknown = sorted(key for key in raw if key not in known)
    if unknown:
        errors["__all__"] = [
            ValidationError(
                _("Answers to questions that are not in this questionnaire: %(keys)s."),
                params={"keys": ", ".join(unknown)},
            )
        ]
    parsed: list[ParsedAnswer] = []
    for item in items:
        value = str(raw.get(item.key) or "")
        if "\x00" in value:
            errors[item.key] = [
                ValidationError(_("This answer contains characters that are not text."))
            ]
            continue
        if not value.strip():
            if require_all:
                errors[item.key] = [ValidationError(_("Please answer this question."))]
            continue
        try:
            parsed.append(parse_answer(item, value))
        except ValidationError as exc:
            errors[item.key] = exc.error_list
    if errors:
        raise ValidationError(errors)
    return parsed


def memorable_code_problem(code: str):
    """Why ``code`` cannot be her memorable code, or ``None``."""
    if "\x00" in code or len(code) > MEMORABLE_CODE_MAX:
        return _("Please use at most %(max)s letters and numbers.") % {"max": MEMORABLE_CODE_MAX}
    if "@" in code:
        return _("This looks like an e-mail address. Please choose a code that is not about you.")
    if _DATE_LIKE.search(code):
        return _("This looks like a date. Please do not use your birthday: choose another code.")
    if sum(ch.isdigit() for ch in code) >= 7:
        return _("This looks like a phone number. Please choose a code that is not about you.")
    if len(normalise_memorable_code(code)) < MEMORABLE_CODE_MIN:
        return _("Please use at least %(min)s letters or numbers.") % {"min": MEMORABLE_CODE_MIN}
    return None


def clean_profile(submission: Submission) -> dict[str, list]:
    """Errors in assent, age band, gender and memorable code (empty when all is well)."""
    errors: dict[str, list] = {}
    if submission.assent is not True:
        errors["assent"] = [_("A response can only be stored when she agrees to take part.")]
    if submission.age_band not in AGE_BANDS:
        errors["age_band"] = [_("Choose an age band.")]
    if submission.gender and submission.gender not in GENDERS:
        errors["gender"] = [_("Choose one of the listed answers or leave it empty.")]
    problem = memorable_code_problem(submission.memorable_code or "")
    if not (submission.memorable_code or "").strip():
        problem = _("Please type your memorable code.")
    if problem:
        errors["memorable_code"] = [problem]
    return errors


def compute_scores(items: Sequence, answers: Sequence[ParsedAnswer]) -> dict[str, float | None]:
    knowledge_items = sum(1 for item in items if item.is_knowledge)
    correct = sum(1 for answer in answers if answer.is_correct)

    def mean(kind: str) -> float | None:
        values = [a.likert for a in answers if a.item.kind == kind and a.likert is not None]
        return round(sum(values) / len(values), 4) if values else None

    return {
        "knowledge_score": round(100 * correct / knowledge_items, 4) if knowledge_items else None,
        "self_efficacy_mean": mean(ItemKind.SELF_EFFICACY),
        "intention_mean": mean(ItemKind.INTENTION),
    }


def payload_digest(
    *, phase: str, age_band: str, gender: str, participant_key: str, answers: Sequence[ParsedAnswer]
) -> str:
    """SHA-256 of what was sent, canonically: the same answers give the same digest."""
    payload = {
        "phase": phase,
        "age_band": age_band,
        "gender": gender,
        "participant_key": participant_key,
        "answers": {answer.item.key: answer.canonical() for answer in answers},
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
