"""The report's resolve-1 section: national COP strategies, policies and programmes.

The policy records are public, not personal data (DESIGN.md, "The CWG-COP impact
report"): their counts are member states, instruments and meetings, never participants, so
no suppression applies. The one figure built from celebrations, the cross-tabulation of COP
integration against strategy status, counts celebrations (as the Reach section does), not
girls. It is descriptive: the report labels it so.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.utils.translation import gettext as _

from policies.models import Level
from policies.selectors import report_figures
from reports.aggregation import ReachRow, Selection

#: The cross-tabulation's groups of member states, in the order the report shows them.
STRATEGY_GROUPS = ("strategy", "no_strategy", "not_reported")


def figures(
    selection: Selection, reach_by_state: Mapping[Any, ReachRow], *, language: str
) -> dict[str, Any]:
    policy = report_figures(
        period_start=selection.period_start,
        period_end=selection.period_end,
        cutoff=selection.cutoff,
        region_id=selection.region_id,
        member_state_id=selection.member_state_id,
        language=language,
    )
    strategy = set(policy.pop("strategy_states"))
    reported = set(policy.pop("reported_states"))
    groups = {
        key: {"key": key, "states": 0, "celebrations": 0, "with_cop": 0} for key in STRATEGY_GROUPS
    }
    for state_id, row in reach_by_state.items():
        if not row.celebrations:
            continue
        key = (
            "strategy"
            if state_id in strategy
            else "no_strategy"
            if state_id in reported
            else "not_reported"
        )
        group = groups[key]
        group["states"] += 1
        group["celebrations"] += row.celebrations
        group["with_cop"] += row.with_cop
    for group in groups.values():
        group["share_cop"] = (
            100.0 * group["with_cop"] / group["celebrations"] if group["celebrations"] else None
        )
    policy["by_strategy"] = [groups[key] for key in STRATEGY_GROUPS]
    for region in policy["by_region"]:
        region["label"] = _(region["label"]) if region["label"] else ""
    for initiative in policy["initiatives"]["rows"]:
        initiative["region"] = _(initiative["region"]) if initiative["region"] else ""
    policy["share_strategy"] = (
        100.0 * policy["with_strategy"] / policy["reported"] if policy["reported"] else None
    )
    return policy


def group_labels() -> dict[str, str]:
    return {
        "strategy": _("National COP strategy adopted or better"),
        "no_strategy": _("Reported, no adopted strategy"),
        "not_reported": _("Did not report in this cycle"),
    }


def tables(policy: Mapping[str, Any] | None) -> Iterator[tuple[str, list[str], list[list[Any]]]]:
    """The section's tables for the annex (machine names, as the CSV writes them)."""
    if not policy or not policy.get("cycle"):
        return
    levels = [f"level_{index}" for index in range(len(policy["level_labels"]))]
    yield (
        "policy_by_area",
        [
            "area",
            "title",
            "reported",
            *levels,
            "adopted",
            "adopted_previous_cycle",
            "improved",
            "declined",
        ],
        [
            [
                row["code"],
                row["label"],
                row["reported"],
                *row["levels"],
                row["adopted"],
                row["adopted_before"],
                row["improved"],
                row["declined"],
            ]
            for row in policy["by_area"]
        ],
    )
    yield (
        "policy_by_region",
        ["region", "member_states", "reported", "strategy", "strategy_previous_cycle"],
        [
            [row["label"], row["states"], row["reported"], row["strategy"], row["strategy_before"]]
            for row in policy["by_region"]
        ]
        + [
            [
                "total",
                policy["states"],
                policy["reported"],
                policy["with_strategy"],
                policy["with_strategy_before"],
            ]
        ],
    )
    yield (
        "policy_celebrations_by_strategy",
        ["group", "member_states", "celebrations", "with_cop", "share_cop"],
        [
            [
                row["key"],
                row["states"],
                row["celebrations"],
                row["with_cop"],
                "" if row["share_cop"] is None else float(f"{row['share_cop']:.6g}"),
            ]
            for row in policy["by_strategy"]
        ],
    )
    yield (
        "policy_instruments",
        ["indicator", "value"],
        [[key, value] for key, value in policy["instruments"].items()],
    )
    yield (
        "policy_rdf_discussions",
        ["meeting", "date", "region", "agenda_item", "commitments"],
        [
            [d["meeting"], d["held_on"], d["region"], d["agenda_item"], d["commitments"]]
            for d in policy["rdf_discussions"]
        ],
    )
    initiatives = policy.get("initiatives")
    if initiatives:
        yield (
            "policy_regional_initiatives",
            ["initiative", "title", "region", "period", "member_states", "celebrations"],
            [
                [row["code"], row["label"], row["region"], row["period"], row["states"]]
                + [row["celebrations"]]
                for row in initiatives["rows"]
            ]
            + [
                [
                    "total",
                    "",
                    "",
                    "",
                    initiatives["member_states"],
                    initiatives["celebrations"],
                ]
            ],
        )


def sheets(
    policy_tables: list[tuple[str, list[str], list[list[Any]]]],
) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The section's XLSX sheets, titled and headed in the active language (a sheet title
    is at most 31 characters in Excel)."""
    titles = {
        "policy_by_area": _("Policy by COP area"),
        "policy_by_region": _("Policy by region"),
        "policy_celebrations_by_strategy": _("COP by strategy status"),
        "policy_instruments": _("COP instruments"),
        "policy_rdf_discussions": _("RDF discussions"),
        "policy_regional_initiatives": _("COP regional initiatives"),
    }
    headers = {
        "area": _("COP area"),
        "title": _("Title"),
        "reported": _("Member states that reported"),
        "adopted": _("Adopted or better"),
        "adopted_previous_cycle": _("Adopted or better, previous cycle"),
        "improved": _("Moved up"),
        "declined": _("Moved down"),
        "region": _("Region"),
        "member_states": _("Member states"),
        "strategy": _("With a national COP strategy"),
        "strategy_previous_cycle": _("With a national COP strategy, previous cycle"),
        "group": _("Group"),
        "celebrations": _("Celebrations"),
        "with_cop": _("Celebrations integrating COP"),
        "share_cop": _("Integrating COP (%)"),
        "indicator": _("Indicator"),
        "value": _("Value"),
        "meeting": _("Meeting"),
        "date": _("Date"),
        "agenda_item": _("Agenda item"),
        "commitments": _("Commitments"),
        "initiative": _("Regional initiative"),
        "period": _("Period"),
    }
    indicators = instrument_labels()
    groups = group_labels()
    result = []
    for name, header, rows in policy_tables:
        columns = []
        for column in header:
            if column.startswith("level_"):
                columns.append(str(Level(int(column.removeprefix("level_"))).label))
            else:
                columns.append(headers.get(column, column))
        body = [list(row) for row in rows]
        if name == "policy_instruments":
            body = [[indicators.get(row[0], row[0]), row[1]] for row in body]
        elif name == "policy_celebrations_by_strategy":
            body = [[groups.get(row[0], row[0]), *row[1:]] for row in body]
        elif name in ("policy_by_region", "policy_regional_initiatives") and body:
            body[-1][0] = _("Total")
        result.append((titles[name][:31], columns, body))
    return result


def instrument_labels() -> dict[str, str]:
    return {
        "total": _("Instruments recorded"),
        "multi_state": _("Applying to several member states"),
        "multi_stakeholder": _("With partner organisations"),
        "naming_girls": _("Naming Girls in ICT or awareness for girls"),
    }
