"""Reading and validating a celebrations spreadsheet (CSV or XLSX) before anything is written.

:func:`read_table` turns an upload into a header and rows of text, or refuses the file as
a whole (:class:`ImportRefused`); :func:`validate_rows` checks every row and column and
returns the celebrations to write or the list of :class:`RowError`. Writing is
:func:`events.services.events_import`'s job.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from copgirls.tables import (  # noqa: F401 -- ImportRefused, RowError, csv_problem: re-exported
    ImportRefused,
    RowError,
    Table,
    cell_text,
    csv_problem,
)
from copgirls.tables import read_table as _read_table
from events.columns import (
    EXAMPLE_REFERENCE,
    EXPORT_NAMES,
    IMPORT_COLUMNS,
    IMPORT_NAMES,
    LIST_SEPARATOR,
    REQUIRED_NAMES,
    example_titles,
)
from events.labels import ChoiceReader, DateProblem, MemberStateReader, normalise, read_date
from events.models import FIRST_GIRLS_IN_ICT_YEAR, Event, EventStatus

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")
DESCRIPTION_MAX = Event._meta.get_field("description").max_length
#: At most this many row errors are listed; the count of the rest is given.
MAX_LISTED_ERRORS = 200


@dataclass
class Validated:
    """The outcome of validating a whole table: celebrations to write, or errors."""

    events: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0

    def add(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(RowError(row, column, message))


# --- Reading the file --------------------------------------------------------------------


def read_table(upload) -> Table:
    """Header and rows of an uploaded celebrations file, or :class:`ImportRefused`."""
    table = _read_table(
        upload,
        max_bytes=settings.EVENTS_IMPORT_MAX_BYTES,
        max_rows=settings.EVENTS_IMPORT_MAX_ROWS,
        too_many_rows=_(
            "The file has more than %(max)s rows of celebrations; split it into smaller files."
        )
        % {"max": number_format(settings.EVENTS_IMPORT_MAX_ROWS, force_grouping=True)},
    )
    _check_table(table)
    return table


def _check_table(table: Table) -> None:
    if not table.header or not any(table.header):
        raise ImportRefused(_("The file is empty."))
    known = set(EXPORT_NAMES)
    missing = [name for name in IMPORT_NAMES if name not in table.header]
    extra = [name for name in table.header if name not in known]
    duplicated = sorted({name for name in table.header if name and table.header.count(name) > 1})
    problems = []
    if missing:
        problems.append(_("missing columns: %(names)s") % {"names": ", ".join(missing)})
    if extra:
        shown = ", ".join(f"'{name}'" if name else _("(a column without a name)") for name in extra)
        problems.append(_("unknown columns: %(names)s") % {"names": shown})
    if duplicated:
        problems.append(_("repeated columns: %(names)s") % {"names": ", ".join(duplicated)})
    if problems:
        raise ImportRefused(
            _("The header row does not match the template (%(problems)s). Download the template.")
            % {"problems": "; ".join(problems)}
        )
    if not table.rows:
        raise ImportRefused(_("The file has a header row but no celebrations."))


# --- Validating the rows -------------------------------------------------------------------


def _whole_number(value: Any) -> int | None:
    text = cell_text(value).strip()
    if not re.fullmatch(r"\d{1,9}", text):
        raise ValueError
    return int(text)


def _single(codes: list[str]) -> str:
    return codes[0] if codes else ""


def _is_example(text: dict[str, str]) -> bool:
    """The template's example row, left in the file (in any of the portal's languages)."""
    return (
        text["organiser_reference"].upper() == EXAMPLE_REFERENCE
        or normalise(text["title"]) in example_titles()
    )


def validate_rows(table: Table, *, member_states: dict[str, Any], allowed_state_ids) -> Validated:
    """Check every cell of every row; return celebrations ready to write, or every error.

    Coded columns take the code or its label in any portal language, the member state its
    ISO code or name, dates YYYY-MM-DD or day first (:mod:`events.labels`); a table from
    the API (``kind == "api"``) takes codes and ISO dates only. The template's example row
    left in the file is refused.

    ``member_states`` maps upper-case alpha-2 and alpha-3 codes to member states;
    ``allowed_state_ids`` are those the importing user may register celebrations for.
    Row numbers are the spreadsheet's (:attr:`Table.numbers`).
    """
    result = Validated()
    index = {name: table.header.index(name) for name in IMPORT_NAMES}
    # People type labels ("in person", "Kenya", 23/04/2027); the API sends codes.
    labels = table.kind != "api"
    readers = {
        column.name: ChoiceReader(column.choices, labels=labels)
        for column in IMPORT_COLUMNS
        if column.choices is not None
    }
    states = MemberStateReader(member_states, labels=labels)
    last_year = timezone.localdate().year + 1
    seen_keys: dict[tuple[int, int, str], int] = {}
    for row_number, raw in zip(table.numbers, table.rows, strict=True):
        cells = {name: raw[i] if i < len(raw) else None for name, i in index.items()}
        text = {name: cell_text(value).strip() for name, value in cells.items()}
        errors_before = result.error_count
        for name, value in text.items():
            if "\x00" in value:
                result.add(row_number, name, _("contains a character that is not text (NUL)"))
        for name in REQUIRED_NAMES:
            if not text[name]:
                result.add(row_number, name, _("a value is required"))
        if _is_example(text):
            result.add(
                row_number,
                "title",
                _(
                    "row %(row)s is the template's example, not a celebration: delete it, "
                    "or write one of your celebrations over it"
                )
                % {"row": row_number},
            )
            continue
        codes: dict[str, list[str]] = {}
        for name, reader in readers.items():
            if name == "target_age_bands":
                values = [part.strip() for part in text[name].split(LIST_SEPARATOR)]
            else:
                values = [text[name]]
            codes[name] = []
            for value in values:
                if not value:
                    continue
                reading = reader.read(value)
                if reading.code is not None:
                    codes[name].append(reading.code)
                elif reading.ambiguous:
                    result.add(row_number, name, reader.ambiguity(value, reading.ambiguous))
                else:
                    result.add(
                        row_number,
                        name,
                        _("'%(value)s' is not one of: %(allowed)s")
                        % {"value": value, "allowed": reader.allowed()},
                    )
        state = None
        if text["member_state"]:
            state, several = states.read(text["member_state"])
            if several:
                result.add(
                    row_number, "member_state", states.ambiguity(text["member_state"], several)
                )
            elif state is None:
                result.add(
                    row_number,
                    "member_state",
                    (
                        _("'%(value)s' is neither the ISO code nor the name of an ITU member state")
                        if labels
                        else _("'%(value)s' is not the ISO code of an ITU member state")
                    )
                    % {"value": text["member_state"]},
                )
            elif state.pk not in allowed_state_ids:
                result.add(
                    row_number,
                    "member_state",
                    _("you may not register celebrations for %(state)s") % {"state": state.name},
                )
        dates: dict[str, datetime.date | None] = {}
        for name in ("start_date", "end_date"):
            if not text[name]:
                dates[name] = None
                continue
            try:
                dates[name] = read_date(cells[name], day_first=labels)
            except DateProblem as problem:
                dates[name] = None
                result.add(row_number, name, problem.message)
                continue
            if dates[name] and not FIRST_GIRLS_IN_ICT_YEAR <= dates[name].year <= last_year:
                result.add(
                    row_number,
                    name,
                    _("'%(value)s' is outside %(first)s to %(last)s")
                    % {"value": text[name], "first": FIRST_GIRLS_IN_ICT_YEAR, "last": last_year},
                )
        start, end = dates["start_date"], dates["end_date"] or dates["start_date"]
        if start and end and end < start and result.error_count == errors_before:
            result.add(
                row_number,
                "end_date",
                _("the end date %(end)s is before the start date %(start)s")
                % {"end": end.isoformat(), "start": start.isoformat()},
            )
        numbers: dict[str, int | None] = {}
        for name in ("expected_girls", "actual_girls"):
            numbers[name] = None
            if text[name]:
                try:
                    numbers[name] = _whole_number(cells[name])
                except ValueError:
                    result.add(
                        row_number,
                        name,
                        _("'%(value)s' is not a whole number of 0 or more") % {"value": text[name]},
                    )
        languages = [part.strip().lower() for part in text["languages"].split(LIST_SEPARATOR)]
        languages = [code for code in languages if code]
        for code in languages:
            if not LANGUAGE_CODE.match(code):
                result.add(
                    row_number,
                    "languages",
                    _("'%(value)s' is not a language code such as en or fr") % {"value": code},
                )
        # A TextField's max_length is no validator of the model (only forms check it).
        try:
            MaxLengthValidator(DESCRIPTION_MAX)(text["description"])
        except ValidationError as exc:
            result.add(row_number, "description", exc.messages[0])
        if result.error_count != errors_before:
            continue
        data = {
            "member_state": state,
            "organiser_reference": text["organiser_reference"],
            "title": text["title"],
            "city": text["city"],
            "organiser": text["organiser"],
            "organiser_type": _single(codes["organiser_type"]),
            "format": _single(codes["format"]),
            "activity_type": _single(codes["activity_type"]),
            "start_date": start,
            "end_date": end,
            "target_age_bands": list(dict.fromkeys(codes["target_age_bands"])),
            "expected_girls": numbers["expected_girls"] or 0,
            "actual_girls": numbers["actual_girls"],
            "languages": languages,
            "description": text["description"],
            "link": text["link"],
            # Empty: a new celebration is a draft; an existing one keeps its status.
            "status": _single(codes["status"]) or None,
        }
        try:
            event = Event(
                **{**data, "status": data["status"] or EventStatus.DRAFT}, year=start.year
            )
            # The member state is checked above; excluding it spares a query per row.
            event.clean_fields(exclude=["member_state", "pairing_secret", "created_by", "year"])
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    result.add(row_number, name, message)
            continue
        key = (state.pk, start.year, data["organiser_reference"])
        if key in seen_keys:
            result.add(
                row_number,
                "organiser_reference",
                _("'%(reference)s' for %(state)s in %(year)s is already on row %(row)s")
                % {
                    "reference": data["organiser_reference"],
                    "state": state.iso2,
                    "year": start.year,
                    "row": seen_keys[key],
                },
            )
            continue
        seen_keys[key] = row_number
        data["row"] = row_number
        result.events.append(data)
    return result
