"""The columns of the celebrations spreadsheet: one definition for the template, import and export.

A file exported from the portal can be imported again unchanged: the export adds only the
columns listed in :data:`EXPORT_ONLY_COLUMNS`, which the import accepts and ignores.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    allowed: tuple[str, ...] = ()


IMPORT_COLUMNS: tuple[Column, ...] = (
    Column("member_state", True, _("ISO 3166 code of the member state, alpha-2 or alpha-3 (KE)")),
    Column(
        "organiser_reference",
        True,
        _("Your own reference, unique per member state and year; re-importing updates it"),
    ),
    Column("title", True, _("Name of the celebration")),
    Column("city", False, _("City")),
    Column("organiser", True, _("Organiser")),
    Column("organiser_type", True, _("Organiser type"), tuple(OrganiserType.values)),
    Column("format", True, _("Format"), tuple(EventFormat.values)),
    Column("activity_type", True, _("Activity type"), tuple(ActivityType.values)),
    Column("start_date", True, _("Start date, YYYY-MM-DD (2011 to next year)")),
    Column("end_date", False, _("End date, YYYY-MM-DD; empty means the start date")),
    Column(
        "target_age_bands",
        False,
        _("Target age bands separated by ';'"),
        tuple(AgeBand.values),
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
        tuple(EventStatus.values),
    ),
)

EXPORT_ONLY_COLUMNS: tuple[Column, ...] = (
    Column("member_state_name", False, _("Export only (ignored on import): member state name")),
    Column("region", False, _("Export only (ignored on import): ITU-D region")),
    Column("cop_sessions", False, _("Export only (ignored on import): COP sessions logged")),
    Column(
        "integrates_cop", False, _("Export only (ignored on import): yes once a COP session exists")
    ),
)

IMPORT_NAMES = tuple(column.name for column in IMPORT_COLUMNS)
EXPORT_NAMES = IMPORT_NAMES + tuple(column.name for column in EXPORT_ONLY_COLUMNS)
REQUIRED_NAMES = frozenset(column.name for column in IMPORT_COLUMNS if column.required)

#: One example row for the template (Kenya, Girls in ICT Day 2026).
EXAMPLE_ROW = {
    "member_state": "KE",
    "organiser_reference": "NBO-2026-01",
    "title": "Girls in ICT Day Nairobi",
    "city": "Nairobi",
    "organiser": "Communications Authority of Kenya",
    "organiser_type": "regulator",
    "format": "in_person",
    "activity_type": "coding_class",
    "start_date": "2026-04-23",
    "end_date": "2026-04-23",
    "target_age_bands": "13_18;19_24",
    "expected_girls": "120",
    "actual_girls": "",
    "languages": "en;sw",
    "description": "Coding and robotics for secondary-school girls, with a COP discussion.",
    "link": "https://example.org/girls-in-ict",
    "status": "draft",
}
