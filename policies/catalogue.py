"""The catalogues shipped with the portal (``data/*.json``, English, with ``*.i18n.json``
translations keyed by code): COP areas, ITU-D regional initiatives (WTDC-22), partner
organisations. Loaded by a data migration; ``update_or_create`` on ``code`` so loading
again refreshes the shipped texts without touching what the secretariat added.
"""

from __future__ import annotations

import json
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def _read(name: str):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _translations(shipped: dict, code: str, fields: tuple[str, ...]) -> dict:
    return {
        language: {field: texts[field] for field in fields if texts.get(field)}
        for language, texts in shipped.get(code, {}).items()
    }


def load(apps) -> None:
    """Create or refresh the shipped catalogues (``apps``: a migration's app registry)."""
    area_model = apps.get_model("policies", "CopArea")
    initiative_model = apps.get_model("policies", "RegionalInitiative")
    partner_model = apps.get_model("policies", "PartnerOrganisation")
    region_model = apps.get_model("copgirls", "Region")

    shipped = _read("cop_areas.i18n.json")
    for position, area in enumerate(_read("cop_areas.json"), start=1):
        area_model.objects.update_or_create(
            code=area["code"],
            defaults={
                "slug": area["slug"],
                "title": area["title"],
                "guidance": area["guidance"],
                "evidence": area["evidence"],
                "sources": area.get("sources", []),
                "position": position,
                "translations": _translations(
                    shipped, area["code"], ("title", "guidance", "evidence")
                ),
            },
        )
    regions = {region.code: region for region in region_model.objects.all()}
    shipped = _read("regional_initiatives.i18n.json")
    for initiative in _read("regional_initiatives.json"):
        initiative_model.objects.update_or_create(
            code=initiative["code"],
            defaults={
                "region": regions[initiative["region"]],
                "title": initiative["title"],
                "period_start": initiative["period_start"],
                "period_end": initiative["period_end"],
                "touches_cop": initiative["touches_cop"],
                "translations": _translations(shipped, initiative["code"], ("title",)),
            },
        )
    shipped = _read("partner_organisations.i18n.json")
    for partner in _read("partner_organisations.json"):
        partner_model.objects.update_or_create(
            code=partner["code"],
            defaults={
                "name": partner["name"],
                "kind": partner["kind"],
                "translations": _translations(shipped, partner["code"], ("name",)),
            },
        )
