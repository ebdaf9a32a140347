"""The ITU-D regions and member states shipped with the portal (data/itu_member_states.csv)."""

from __future__ import annotations

import csv
from pathlib import Path

from django.utils.translation import gettext_noop

MEMBER_STATES_CSV = Path(__file__).resolve().parent / "data" / "itu_member_states.csv"

#: ITU-D region name -> short code, in the order BDT lists them.
REGION_CODES = {
    gettext_noop("Africa"): "AFR",
    gettext_noop("Americas"): "AMS",
    gettext_noop("Arab States"): "ARB",
    gettext_noop("Asia and the Pacific"): "ASP",
    gettext_noop("CIS"): "CIS",
    gettext_noop("Europe"): "EUR",
}


def member_state_rows() -> list[dict[str, str]]:
    with MEMBER_STATES_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    unknown = {row["itu_d_region"] for row in rows} - REGION_CODES.keys()
    if unknown:
        raise ValueError(f"{MEMBER_STATES_CSV.name}: unknown ITU-D regions {sorted(unknown)}")
    return rows


def load_reference_data(region_model, member_state_model) -> None:
    """Insert or update the regions and member states (idempotent)."""
    regions = {}
    for name, code in REGION_CODES.items():
        regions[name], _ = region_model.objects.update_or_create(code=code, defaults={"name": name})
    for row in member_state_rows():
        member_state_model.objects.update_or_create(
            iso2=row["iso2"].strip().upper(),
            defaults={
                "iso3": row["iso3"].strip().upper(),
                "name": row["name"].strip(),
                "region": regions[row["itu_d_region"]],
                "is_member": row["itu_member_state"].strip().lower() == "yes",
            },
        )
