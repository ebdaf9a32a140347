"""Importing and exporting instruments and area statuses (CSV or XLSX), for the secretariat.

An import is all or nothing: every row is parsed (codes looked up, levels and yes/no read)
and written through the services — the same rules as the forms — inside one transaction;
if any row fails, the transaction is rolled back and every bad row and column is listed.
Instruments are matched on (member state, reference): a known one is updated. Area
statuses go into the cycle's self-assessment of their state, which must still be editable
(a submitted or accepted one, or a closed cycle, is refused for that row).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from copgirls.models import MemberState, User
from copgirls.tables import ImportRefused, RowError, Table, cell_text, neutralise, read_table
from policies import services
from policies.models import (
    CopArea,
    Cycle,
    Instrument,
    InstrumentKind,
    InstrumentStatus,
    Level,
    PartnerOrganisation,
    RegionalInitiative,
)

SEPARATOR = ";"
INSTRUMENT_COLUMNS = (
    "member_state",
    "reference",
    "kind",
    "title",
    "title_en",
    "status",
    "adoption_year",
    "responsible_body",
    "areas",
    "link",
    "names_girls",
    "regional_initiative",
    "partners",
    "other_member_states",
)
INSTRUMENT_REQUIRED = ("member_state", "reference", "kind", "title", "status")
STATUS_COLUMNS = ("cycle", "member_state", "area", "level", "evidence", "note")
STATUS_REQUIRED = ("cycle", "member_state", "area", "level")
KINDS = {
    "instruments": (INSTRUMENT_COLUMNS, INSTRUMENT_REQUIRED),
    "statuses": (STATUS_COLUMNS, STATUS_REQUIRED),
}
#: At most this many row errors are listed; the count of the rest is given.
MAX_LISTED_ERRORS = 200
YES = {"yes", "y", "true", "1", "oui", "sí", "si", "да", "是", "نعم"}
NO = {"no", "n", "false", "0", "", "non", "нет", "否", "لا"}
LEVEL_NAMES = {level.name.lower(): level for level in Level} | {
    str(level.label).lower(): level for level in Level
}


@dataclass
class ImportOutcome:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    refused: str = ""

    @property
    def ok(self) -> bool:
        return not self.refused and not self.error_count

    def add(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(RowError(row, column, message))


class _RowFailed(Exception):
    pass


def policy_import(*, actor: User, upload, kind: str) -> ImportOutcome:
    """Import ``kind`` ("instruments" or "statuses") from an uploaded file, all or nothing."""
    outcome = ImportOutcome()
    columns, required = KINDS[kind]
    try:
        table = read_table(
            upload,
            max_bytes=settings.EVENTS_IMPORT_MAX_BYTES,
            max_rows=settings.EVENTS_IMPORT_MAX_ROWS,
            too_many_rows=_("The file has more than %(max)s rows; split it into smaller files.")
            % {"max": number_format(settings.EVENTS_IMPORT_MAX_ROWS, force_grouping=True)},
        )
        _check_header(table, columns, required)
    except ImportRefused as refused:
        outcome.refused = refused.message
        return outcome
    lookups = _Lookups()
    with transaction.atomic():
        for number, cells in _records(table):
            try:
                if kind == "instruments":
                    _import_instrument(actor, number, cells, lookups, outcome)
                else:
                    _import_status(actor, number, cells, lookups, outcome)
            except _RowFailed:
                continue
        if outcome.error_count:
            transaction.set_rollback(True)
            outcome.created = outcome.updated = 0
    return outcome


def _check_header(table: Table, columns: tuple[str, ...], required: tuple[str, ...]) -> None:
    if not table.header or not any(table.header):
        raise ImportRefused(_("The file is empty."))
    missing = [name for name in required if name not in table.header]
    unknown = [name for name in table.header if name and name not in columns]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(_("missing columns: %(names)s") % {"names": ", ".join(missing)})
        if unknown:
            parts.append(_("unknown columns: %(names)s") % {"names": ", ".join(unknown)})
        raise ImportRefused(
            _("The first row must name the columns (%(expected)s); %(problems)s.")
            % {"expected": ", ".join(columns), "problems": "; ".join(parts)}
        )


def _records(table: Table) -> Iterator[tuple[int, dict[str, str]]]:
    for number, row in zip(table.numbers, table.rows, strict=True):
        cells = {
            name: cell_text(row[index]).strip() if index < len(row) else ""
            for index, name in enumerate(table.header)
            if name
        }
        yield number, cells


class _Lookups:
    """Codes → objects, read once per import."""

    def __init__(self) -> None:
        self.states = {state.iso2: state for state in MemberState.objects.all()}
        self.areas = {area.code: area for area in CopArea.objects.all()}
        self.partners = {
            partner.code.upper(): partner for partner in PartnerOrganisation.objects.all()
        }
        self.initiatives = {i.code.upper(): i for i in RegionalInitiative.objects.all()}
        self.cycles = {cycle.code: cycle for cycle in Cycle.objects.all()}


def _list(text: str) -> list[str]:
    return [part.strip() for part in text.split(SEPARATOR) if part.strip()]


def _one(mapping, code: str, number, column, outcome, what: str, *, upper=True):
    found = mapping.get(code.upper() if upper else code)
    if found is None:
        outcome.add(
            number, column, _("%(code)s is not a known %(what)s.") % {"code": code, "what": what}
        )
    return found


def _many(mapping, text, number, column, outcome, what):
    found, bad = [], False
    for code in _list(text):
        item = _one(mapping, code, number, column, outcome, what)
        bad = bad or item is None
        found.append(item)
    return found, bad


def _choice(value: str, choices, number, column, outcome):
    known = {choice.value: choice.value for choice in choices} | {
        str(choice.label).lower(): choice.value for choice in choices
    }
    found = known.get(value.lower().replace(" ", "_")) or known.get(value.lower())
    if found is None:
        outcome.add(
            number,
            column,
            _("%(value)s is not one of: %(choices)s.")
            % {"value": value or "—", "choices": ", ".join(c.value for c in choices)},
        )
    return found


def _record_errors(error: ValidationError, number: int, outcome, columns: dict[str, str]) -> None:
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            for message in messages:
                outcome.add(number, columns.get(name, ""), message)
    else:
        for message in error.messages:
            outcome.add(number, "", message)


def _import_instrument(actor, number, cells, lookups, outcome) -> None:
    before = outcome.error_count
    state = _one(
        lookups.states,
        cells.get("member_state", ""),
        number,
        "member_state",
        outcome,
        _("member state (ISO code)"),
    )
    kind = _choice(cells.get("kind", ""), InstrumentKind, number, "kind", outcome)
    status = _choice(cells.get("status", ""), InstrumentStatus, number, "status", outcome)
    year = None
    if cells.get("adoption_year"):
        try:
            year = int(cells["adoption_year"])
        except ValueError:
            outcome.add(number, "adoption_year", _("Write the year as a number, e.g. 2024."))
    areas, _bad = _many(
        lookups.areas, cells.get("areas", ""), number, "areas", outcome, _("COP area")
    )
    partners, _bad = _many(
        lookups.partners,
        cells.get("partners", ""),
        number,
        "partners",
        outcome,
        _("partner organisation"),
    )
    others, _bad = _many(
        lookups.states,
        cells.get("other_member_states", ""),
        number,
        "other_member_states",
        outcome,
        _("member state (ISO code)"),
    )
    initiative = None
    if cells.get("regional_initiative"):
        initiative = _one(
            lookups.initiatives,
            cells["regional_initiative"],
            number,
            "regional_initiative",
            outcome,
            _("regional initiative"),
        )
    names_girls = cells.get("names_girls", "").lower()
    if names_girls not in YES | NO:
        outcome.add(number, "names_girls", _("Write yes or no."))
    if outcome.error_count > before:
        raise _RowFailed
    data = {
        "reference": cells["reference"],
        "kind": kind,
        "title": cells["title"],
        "title_en": cells.get("title_en", ""),
        "status": status,
        "adoption_year": year,
        "responsible_body": cells.get("responsible_body", ""),
        "areas": areas,
        "link": cells.get("link", ""),
        "names_girls": names_girls in YES,
        "regional_initiative": initiative,
        "partners": partners,
        "member_states": others,
    }
    columns = {name: name for name in INSTRUMENT_COLUMNS} | {"member_states": "other_member_states"}
    existing = Instrument.objects.filter(member_state=state, reference=cells["reference"]).first()
    try:
        with transaction.atomic():
            if existing is None:
                services.instrument_create(actor=actor, member_state=state, data=data)
                outcome.created += 1
            else:
                services.instrument_update(actor=actor, instrument=existing, data=data)
                outcome.updated += 1
    except ValidationError as error:
        _record_errors(error, number, outcome, columns)
        raise _RowFailed from None


def _import_status(actor, number, cells, lookups, outcome) -> None:
    before = outcome.error_count
    cycle = _one(
        lookups.cycles,
        cells.get("cycle", ""),
        number,
        "cycle",
        outcome,
        _("reporting cycle"),
        upper=False,
    )
    state = _one(
        lookups.states,
        cells.get("member_state", ""),
        number,
        "member_state",
        outcome,
        _("member state (ISO code)"),
    )
    area = _one(lookups.areas, cells.get("area", ""), number, "area", outcome, _("COP area"))
    text = cells.get("level", "")
    level = None
    if text.isdigit() and int(text) in Level.values:
        level = int(text)
    else:
        level = LEVEL_NAMES.get(text.lower().replace(" ", "_")) or LEVEL_NAMES.get(text.lower())
        if level is None:
            outcome.add(
                number,
                "level",
                _("%(value)s is not a level: write 0 to 5 or %(names)s.")
                % {"value": text or "—", "names": ", ".join(str(lv.label) for lv in Level)},
            )
    evidence = []
    references = _list(cells.get("evidence", ""))
    if state is not None and references:
        found = {
            i.reference: i
            for i in Instrument.objects.filter(member_states=state, reference__in=references)
        }
        for reference in references:
            if reference not in found:
                outcome.add(
                    number,
                    "evidence",
                    _("No instrument of %(state)s has the reference %(reference)s.")
                    % {"state": state, "reference": reference},
                )
            else:
                evidence.append(found[reference])
    if outcome.error_count > before:
        raise _RowFailed
    columns = {"level": "level", "instruments": "evidence", "note": "note", "area": "area"}
    try:
        with transaction.atomic():
            assessment = services.self_assessment_start(
                actor=actor, member_state=state, cycle=cycle
            )
            existed = assessment.area_statuses.filter(area=area).exists()
            services.area_status_set(
                actor=actor,
                assessment=assessment,
                area=area,
                level=level,
                instruments=evidence,
                note=cells.get("note", ""),
            )
            if existed:
                outcome.updated += 1
            else:
                outcome.created += 1
    except ValidationError as error:
        _record_errors(error, number, outcome, columns)
        raise _RowFailed from None


# --- Export ---------------------------------------------------------------------------------


def instrument_rows() -> Iterator[list[Any]]:
    instruments = (
        Instrument.objects.select_related("member_state", "regional_initiative")
        .prefetch_related("areas", "partners", "member_states")
        .order_by("member_state__iso2", "reference", "pk")
    )
    for i in instruments.iterator(chunk_size=500):
        yield [
            neutralise(value)
            for value in [
                i.member_state.iso2,
                i.reference,
                i.kind,
                i.title,
                i.title_en,
                i.status,
                i.adoption_year or "",
                i.responsible_body,
                SEPARATOR.join(a.code for a in i.areas.all()),
                i.link,
                "yes" if i.names_girls else "no",
                i.regional_initiative.code if i.regional_initiative else "",
                SEPARATOR.join(p.code for p in i.partners.all()),
                SEPARATOR.join(s.iso2 for s in i.member_states.all() if s.pk != i.member_state_id),
            ]
        ]


def status_rows() -> Iterator[list[Any]]:
    from policies.models import AreaStatus

    statuses = (
        AreaStatus.objects.select_related("assessment__cycle", "assessment__member_state", "area")
        .prefetch_related("instruments")
        .order_by(
            "assessment__cycle__starts_on", "assessment__member_state__iso2", "area__position"
        )
    )
    for status in statuses.iterator(chunk_size=2000):
        yield [
            neutralise(value)
            for value in [
                status.assessment.cycle.code,
                status.assessment.member_state.iso2,
                status.area.code,
                status.level,
                SEPARATOR.join(i.reference or str(i.pk) for i in status.instruments.all()),
                status.note,
            ]
        ]
