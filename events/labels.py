"""Codes and the words people read for them, in the six languages; dates as people write them.

A spreadsheet is typed by people: a coordinator in Dakar writes "en présentiel" and "13-18",
one in Cairo "حضوريًا", a date 23/04/2027. :class:`ChoiceReader` and
:class:`MemberStateReader` accept the code or its label in any of the portal's languages
(case, accents of spacing, dashes and apostrophes aside) and refuse a label that names two
codes, rather than pick one. :func:`read_date` accepts ISO dates and day-first dates (the
UN's and ITU's convention) and refuses a date that reads two ways (03/04/2027: 3 April or
4 March), naming both. The API is for machines: it keeps codes and ISO dates
(``labels=False``).
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from copgirls.names import babel_locale, name_of

_DASHES = re.compile(r"[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")
_APOSTROPHES = re.compile(r"[\u2018\u2019\u02bc\u0060\u00b4]")
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """The form two spellings of one label share: "13–18 " and "13-18", "Côte d’Ivoire"
    and "côte d'ivoire"."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _DASHES.sub("-", text)
    text = _APOSTROPHES.sub("'", text)
    text = _SPACES.sub(" ", text).strip()
    return text.casefold()


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def label_of(choices: type[models.TextChoices], code: str) -> str:
    """The label of ``code`` in the active language; the code itself if unknown."""
    try:
        return str(choices(code).label)
    except ValueError:
        return code


def labels_of(choices: type[models.TextChoices], codes: Iterable[str] | None) -> str:
    """``["13_18", "19_24"]`` → "13–18, 19–24" in the active language."""
    return ", ".join(label_of(choices, code) for code in codes or [])


@dataclass(frozen=True)
class Reading:
    """What a cell says: its code, or the codes a label names when it names several."""

    code: str | None
    ambiguous: tuple[str, ...] = ()


class ChoiceReader:
    """Reads a coded column: a code, or a label in any portal language."""

    def __init__(self, choices: type[models.TextChoices], *, labels: bool = True):
        self.choices = choices
        self.codes = {code: code for code in choices.values}
        self.by_label: dict[str, set[str]] = {}
        if labels:
            self.by_label = _labels(choices)

    def read(self, value: str) -> Reading:
        if value in self.codes:
            return Reading(value)
        key = normalise(value)
        codes = self.by_label.get(key) or ({key} if key in self.codes else set())
        if len(codes) == 1:
            return Reading(next(iter(codes)))
        return Reading(None, tuple(sorted(codes)))

    def allowed(self) -> str:
        """What the column accepts, as the error message shows it."""
        if not self.by_label:
            return ", ".join(self.choices.values)
        return ", ".join(label_of(self.choices, code) for code in self.choices.values)

    def ambiguity(self, value: str, codes: tuple[str, ...]) -> str:
        return _("'%(value)s' could mean %(choices)s: write one of them as the list shows it") % {
            "value": value,
            "choices": _or_list(label_of(self.choices, code) for code in codes),
        }


@functools.cache
def _labels(choices: type[models.TextChoices]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for language in _languages():
        with translation.override(language):
            for code, label in choices.choices:
                found.setdefault(normalise(str(label)), set()).add(code)
    return found


def _or_list(parts: Iterable[str]) -> str:
    parts = [f"'{part}'" for part in parts]
    if len(parts) < 2:
        return "".join(parts)
    return _("%(first)s or %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}


class MemberStateReader:
    """Reads the member-state column: ISO alpha-2 or alpha-3 code, or the state's name in
    any portal language (the portal's English name, and CLDR's names through Babel)."""

    def __init__(self, states: dict[str, Any], *, labels: bool = True):
        self.by_code = states
        self.by_name: dict[str, dict[int, Any]] = {}
        if labels:
            unique = {state.pk: state for state in states.values()}
            for state in unique.values():
                for name in _state_names(state.iso2, state.name):
                    self.by_name.setdefault(normalise(name), {})[state.pk] = state

    def read(self, value: str) -> tuple[Any | None, tuple[Any, ...]]:
        state = self.by_code.get(value.upper())
        if state is not None:
            return state, ()
        found = self.by_name.get(normalise(value), {})
        if len(found) == 1:
            return next(iter(found.values())), ()
        return None, tuple(sorted(found.values(), key=lambda state: state.iso2))

    def ambiguity(self, value: str, states: tuple[Any, ...]) -> str:
        return _("'%(value)s' could mean %(choices)s: write its ISO code") % {
            "value": value,
            "choices": _or_list(f"{name_of(state)} ({state.iso2})" for state in states),
        }


def _state_names(iso2: str, english: str) -> set[str]:
    names = {english}
    for language in _languages():
        name = babel_locale(language).territories.get(iso2.upper())
        if name:
            names.add(name)
    return names


# --- Dates -----------------------------------------------------------------------------------

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DAY_FIRST = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")


class DateProblem(ValueError):
    """The cell is no date, or one that reads two ways; ``message`` says which."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _calendar(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def read_date(value: Any, *, day_first: bool = True) -> datetime.date | None:
    """A date cell or text as a date; ``None`` for an empty cell; :class:`DateProblem` else.

    Text is YYYY-MM-DD, or (``day_first``) DD/MM/YYYY, DD.MM.YYYY or DD-MM-YYYY, day first
    as the UN writes dates. A day-first date whose day and month could be swapped
    (03/04/2027) is refused with both readings: a month-first habit would silently move the
    celebration by weeks.
    """
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    hint = (
        _("write it as DD/MM/YYYY, day first, or YYYY-MM-DD")
        if day_first
        else _("write it as YYYY-MM-DD")
    )
    match = _ISO.fullmatch(text)
    if match and (found := _calendar(*(int(part) for part in match.groups()))):
        return found
    match = _DAY_FIRST.fullmatch(text) if day_first else None
    if match:
        day, month, year = (int(part) for part in match.groups())
        found = _calendar(year, month, day)
        swapped = _calendar(year, day, month)
        if found and swapped and found != swapped:
            raise DateProblem(
                _(
                    "'%(value)s' could be %(first)s or %(second)s: write it as %(iso)s "
                    "(year-month-day) if you mean %(first)s"
                )
                % {
                    "value": text,
                    "first": date_format(found, "DATE_FORMAT"),
                    "second": date_format(swapped, "DATE_FORMAT"),
                    "iso": found.isoformat(),
                }
            )
        if found:
            return found
    raise DateProblem(_("'%(value)s' is not a date (%(hint)s)") % {"value": text, "hint": hint})
