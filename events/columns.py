"""The columns of the celebrations spreadsheet: one definition for the template, import and export.

A file exported from the portal can be imported again unchanged: the export adds only the
columns listed in :data:`EXPORT_ONLY_COLUMNS`, which the import accepts and ignores.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from copgirls.tables import neutralise  # noqa: F401 -- re-exported (exports, annexes, API)
from events.models import ActivityType, AgeBand, EventFormat, EventStatus, OrganiserType

#: Lists inside one cell (age bands, languages) are separated by this character.
LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    help: str
    #: The codes a coded column holds; a cell may hold the code or its label.
    choices: type[models.TextChoices] | None = None

    @property
    def allowed(self) -> tuple[tuple[str, str], ...]:
        """``(code, label)`` of each value, the label in the active language."""
        if self.choices is None:
            return ()
        return tuple((code, str(label)) for code, label in self.choices.choices)


IMPORT_COLUMNS: tuple[Column, ...] = (
    Column(
        "member_state",
        True,
        _("Member state: its name (Kenya) or ISO 3166 code, alpha-2 or alpha-3 (KE)"),
    ),
    Column(
        "organiser_reference",
        True,
        _("Your own reference, unique per member state and year; re-importing updates it"),
    ),
    Column("title", True, _("Name of the celebration")),
    Column("city", False, _("City")),
    Column("organiser", True, _("Organiser")),
    Column("organiser_type", True, _("Organiser type"), OrganiserType),
    Column("format", True, _("Format"), EventFormat),
    Column("activity_type", True, _("Activity type"), ActivityType),
    Column(
        "start_date",
        True,
        _(
            "Start date (2011 to next year): a date cell, DD/MM/YYYY day first (23/04/2027) "
            "or YYYY-MM-DD; a date whose day and month could be swapped (03/04/2027) is "
            "refused unless written YYYY-MM-DD"
        ),
    ),
    Column("end_date", False, _("End date, written as the start date; empty means the start date")),
    Column(
        "target_age_bands",
        False,
        _("Target age bands separated by ';'"),
        AgeBand,
    ),
    Column("expected_girls", False, _("Expected number of girls (whole number)")),
    Column("actual_girls", False, _("Actual number of girls (whole number), once known")),
    Column("languages", False, _("Language codes separated by ';' (en;fr)")),
    Column("description", False, _("Description (up to 5,000 characters)")),
    Column("link", False, _("Web address starting with https:// or http://")),
    Column(
        "status",
        False,
        _("Status; empty: draft for a new celebration, unchanged for an existing one"),
        EventStatus,
    ),
)

EXPORT_ONLY_COLUMNS: tuple[Column, ...] = (
    Column(
        "member_state_name",
        False,
        _("Export only (ignored on import): member state name, in your language"),
    ),
    Column("region", False, _("Export only (ignored on import): ITU-D region, in your language")),
    Column("cop_sessions", False, _("Export only (ignored on import): COP sessions logged")),
    Column(
        "integrates_cop", False, _("Export only (ignored on import): yes once a COP session exists")
    ),
    # The coded columns as people read them, beside the codes machines and re-imports read.
    Column("organiser_type_label", False, _("Export only (ignored on import): organiser type")),
    Column("format_label", False, _("Export only (ignored on import): format")),
    Column("activity_type_label", False, _("Export only (ignored on import): activity type")),
    Column("target_age_bands_label", False, _("Export only (ignored on import): target age bands")),
    Column("status_label", False, _("Export only (ignored on import): status")),
)

#: Export-only label columns and the coded column each one reads out.
LABEL_COLUMNS = {
    "organiser_type_label": "organiser_type",
    "format_label": "format",
    "activity_type_label": "activity_type",
    "target_age_bands_label": "target_age_bands",
    "status_label": "status",
}

IMPORT_NAMES = tuple(column.name for column in IMPORT_COLUMNS)
EXPORT_NAMES = IMPORT_NAMES + tuple(column.name for column in EXPORT_ONLY_COLUMNS)
REQUIRED_NAMES = frozenset(column.name for column in IMPORT_COLUMNS if column.required)

#: The template's example row is obviously no celebration, and an import refuses it left
#: in the file (its reference, or its title in any language): a coordinator who forgets to
#: delete it must not register a plausible "Girls in ICT Day Nairobi" nobody held.
EXAMPLE_REFERENCE = "EXAMPLE-DELETE-ME"
EXAMPLE_TITLE = _("EXAMPLE — DELETE THIS ROW")


@functools.cache
def example_titles() -> frozenset[str]:
    from events.labels import normalise

    titles = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            titles.add(normalise(str(EXAMPLE_TITLE)))
    return frozenset(titles)


def example_row(member_state: str, day: datetime.date) -> dict[str, Any]:
    """The template's example row in the active language: labels, not codes, and a date."""
    return {
        "member_state": member_state,
        "organiser_reference": EXAMPLE_REFERENCE,
        "title": str(EXAMPLE_TITLE),
        "city": str(_("Exampletown")),
        "organiser": str(_("Example organiser (not a real one)")),
        "organiser_type": str(OrganiserType.REGULATOR.label),
        "format": str(EventFormat.IN_PERSON.label),
        "activity_type": str(ActivityType.CODING_CLASS.label),
        "start_date": day,
        "end_date": day,
        "target_age_bands": LIST_SEPARATOR.join(
            str(band.label) for band in (AgeBand.AGE_13_18, AgeBand.AGE_19_24)
        ),
        "expected_girls": 120,
        "actual_girls": "",
        "languages": "en;sw",
        "description": str(_("Replace this row with your celebration, one celebration per row.")),
        "link": "https://example.org/",
        "status": str(EventStatus.DRAFT.label),
    }
