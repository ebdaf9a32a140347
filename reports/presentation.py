"""What a report shows, given its scope and figures, and its key findings in plain words.

Shared by the PDF (:mod:`reports.pdf`) and the report's web page, both in the report's
language. Everything here reads the stored, suppressed figures: a withheld statistic is
``None`` there and never becomes a finding.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from babel.lists import format_list
from django.utils import translation
from django.utils.formats import number_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from copgirls.names import babel_locale, long_date
from reports.templatetags.reports_format import cell, decimal, p_statement, percent, signed

#: Below this many rows a table is kept on one page (no page holding only its tail).
SHORT_TABLE_ROWS = 24
#: Significance level of the plain-words findings.
ALPHA = 0.05


@dataclass(frozen=True)
class Layout:
    """Which breakdowns the scope makes meaningful, and why the others are left out."""

    by_region: bool
    impact_by_region: bool
    by_member_state: bool
    by_age_band: bool
    trends: bool
    reach_notes: list[str] = field(default_factory=list)
    impact_notes: list[str] = field(default_factory=list)
    trend_notes: list[str] = field(default_factory=list)


def layout(figures: dict[str, Any]) -> Layout:
    reach, impact, trends = figures["reach"], figures["impact"], figures["trends"]
    by_region = len(reach["by_region"]) > 1
    by_member_state = len(reach["by_member_state"]) > 1
    reach_notes: list[str] = []
    if not by_member_state and reach["by_member_state"]:
        reach_notes.append(
            _(
                "All the celebrations of this report are in one member state, %(name)s: the "
                "tables and charts by region and by member state would repeat the totals, so "
                "they are left out."
            )
            % {"name": reach["by_member_state"][0]["label"]}
        )
    elif not by_region and reach["by_region"]:
        reach_notes.append(
            _(
                "All the celebrations of this report are in one region, %(name)s: the table "
                "and charts by region would repeat the totals, so they are left out."
            )
            % {"name": reach["by_region"][0]["label"]}
        )
    impact_notes = []
    by_age_band = len(impact["by_age_band"]) > 1
    if impact["by_age_band"] and not by_age_band:
        impact_notes.append(
            _(
                "All paired participants are in one age band, %(name)s: the table by age band "
                "would repeat the overall figures, so it is left out."
            )
            % {"name": impact["by_age_band"][0]["label"]}
        )
    modules = impact["by_module"]
    if len(modules) == 1:
        impact_notes.append(
            _(
                "All paired participants discussed one module, %(name)s: a chart by module "
                "would hold one row, so it is left out; the tables give its figures."
            )
            % {"name": modules[0]["label"]}
        )
    elif modules and not any(row.get("knowledge") for row in modules):
        impact_notes.append(
            _(
                "Every module has too few paired participants for its statistics to be "
                "published, so the chart by module is left out."
            )
        )
    trend_notes = []
    if len(trends) == 1:
        trend_notes.append(
            _(
                "The period covers one year, %(year)s: there is no trend to draw, and the "
                "figures of that year are those of the summary."
            )
            % {"year": trends[0]["label"]}
        )
    return Layout(
        by_region=by_region,
        impact_by_region=len(impact["by_region"]) > 1,
        by_member_state=by_member_state,
        by_age_band=by_age_band,
        trends=len(trends) > 1,
        reach_notes=reach_notes,
        impact_notes=impact_notes,
        trend_notes=trend_notes,
    )


def _significant(stats: dict) -> bool:
    return stats.get("p_value") is not None and stats["p_value"] < ALPHA


def _certainty(stats: dict) -> str:
    if _significant(stats):
        return _("a change this large is very unlikely to be chance (%(p)s)") % {
            "p": p_statement(stats["p_value"])
        }
    return _("the data cannot rule out that it is chance (%(p)s)") % {
        "p": p_statement(stats["p_value"])
    }


def key_findings(figures: dict[str, Any]) -> list[str]:
    """Three to six sentences a delegate reads first: what rose, for whom, how sure."""
    if figures["empty"]:
        return []
    reach, impact, trends = figures["reach"], figures["impact"], figures["trends"]
    total, overall = reach["total"], impact["overall"]
    findings = []
    if total["celebrations"] == 1:
        findings.append(
            _("The one celebration of this report integrated a Child Online Protection discussion.")
            if total["with_cop"]
            else _("The one celebration of this report held no Child Online Protection discussion.")
        )
    elif total["celebrations"]:
        findings.append(
            ngettext(
                "%(share)s of the %(count)s celebration integrated a Child Online Protection "
                "discussion.",
                "%(share)s of the %(count)s celebrations integrated a Child Online Protection "
                "discussion.",
                total["celebrations"],
            )
            % {"share": percent(total["share_cop"]), "count": total["celebrations"]}
        )
    knowledge = overall.get("knowledge")
    if knowledge:
        values = {
            "pre": decimal(knowledge["mean_pre"]),
            "post": decimal(knowledge["mean_post"]),
            "gain": decimal(abs(knowledge["gain"])),
            "n": cell(overall["n"]),
            "certainty": _certainty(knowledge),
        }
        pairs = overall["n"]["value"]
        if knowledge["gain"] >= 0:
            text = ngettext(
                "Knowledge rose: the %(n)s participant assessed before and after answered "
                "%(post)s %% of the questions correctly after the discussion, against "
                "%(pre)s %% before (+%(gain)s points); %(certainty)s.",
                "Knowledge rose: the %(n)s participants assessed before and after answered "
                "%(post)s %% of the questions correctly after the discussion, against "
                "%(pre)s %% before (+%(gain)s points); %(certainty)s.",
                pairs,
            )
        else:
            text = ngettext(
                "Knowledge fell: the %(n)s participant assessed before and after answered "
                "%(post)s %% of the questions correctly after the discussion, against "
                "%(pre)s %% before (−%(gain)s points); %(certainty)s.",
                "Knowledge fell: the %(n)s participants assessed before and after answered "
                "%(post)s %% of the questions correctly after the discussion, against "
                "%(pre)s %% before (−%(gain)s points); %(certainty)s.",
                pairs,
            )
        findings.append(text % values)
    for key, name in (
        ("self_efficacy", _("Confidence to act safely online (self-efficacy)")),
        ("intention", _("The intention to act safely online")),
    ):
        stats = overall.get(key)
        if not stats:
            continue
        if not _significant(stats):
            text = _("%(measure)s changed little, from %(pre)s to %(post)s on the 1–5 scale.")
        elif stats["gain"] >= 0:
            text = _("%(measure)s rose from %(pre)s to %(post)s on the 1–5 scale.")
        else:
            text = _("%(measure)s fell from %(pre)s to %(post)s on the 1–5 scale.")
        findings.append(
            text
            % {
                "measure": name,
                "pre": decimal(stats["mean_pre"], 2),
                "post": decimal(stats["mean_post"], 2),
            }
        )
    for breakdown, text in (
        (
            "by_module",
            _(
                "By module, the gain in knowledge was largest for %(high)s (%(high_gain)s "
                "points) and smallest for %(low)s (%(low_gain)s points)."
            ),
        ),
        (
            "by_age_band",
            _(
                "By age, the gain in knowledge was largest for %(high)s (%(high_gain)s points) "
                "and smallest for %(low)s (%(low_gain)s points)."
            ),
        ),
    ):
        rows = [row for row in impact[breakdown] if row.get("knowledge")]
        if len(rows) < 2:
            continue
        rows.sort(key=lambda row: row["knowledge"]["gain"])
        low, high = rows[0], rows[-1]
        findings.append(
            text
            % {
                "high": high["label"],
                "high_gain": decimal(high["knowledge"]["gain"]),
                "low": low["label"],
                "low_gain": decimal(low["knowledge"]["gain"]),
            }
        )
    shares = [row for row in trends if row["share_cop"] is not None]
    if len(shares) > 1:
        first, last = shares[0], shares[-1]
        findings.append(
            _(
                "The share of celebrations integrating COP went from %(first)s in %(first_year)s "
                "to %(last)s in %(last_year)s."
            )
            % {
                "first": percent(first["share_cop"]),
                "first_year": first["label"],
                "last": percent(last["share_cop"]),
                "last_year": last["label"],
            }
        )
    return findings


def is_short(rows) -> bool:
    return len(rows or ()) <= SHORT_TABLE_ROWS


def summary_phrases(figures: dict[str, Any]) -> dict[str, str]:
    """The counted nouns of the summary, each in its plural form ("1 member state",
    "3 member states"; Arabic's six forms, Russian's three). A withheld count ("<10")
    takes the form of its threshold."""
    total = figures["reach"]["total"]
    girls = total["girls"]
    girls_count = girls["value"] if girls.get("value") is not None else figures["threshold"]
    return {
        "member_states": ngettext(
            "%(count)s member state", "%(count)s member states", total["member_states"]
        )
        % {"count": total["member_states"]},
        "girls": ngettext(
            "%(count)s girl or young woman", "%(count)s girls and young women", girls_count
        )
        % {"count": cell(girls)},
        "sessions": ngettext("%(count)s COP session", "%(count)s COP sessions", total["sessions"])
        % {"count": total["sessions"]},
    }


# --- The change since an earlier report (reports.comparison) --------------------------------


def comparison_labels() -> dict[str, str]:
    return {
        "celebrations": _("Celebrations"),
        "member_states": _("Member states"),
        "share_cop": _("Integrating COP"),
        "girls": _("Girls reached"),
        "sessions": _("COP sessions"),
        "pairs": _("Paired participants"),
        "knowledge_gain": _("Knowledge gain (points)"),
    }


def _shown(key: str, value) -> str:
    if value is None:
        return "—"
    if key == "share_cop":
        return percent(value)
    if key == "knowledge_gain":
        return decimal(value)
    return number_format(value, force_grouping=True)  # as the tables write counts


def _shown_change(key: str, change) -> str:
    if key == "share_cop":
        if change is None:
            return "—"
        return _("%(change)s points") % {"change": signed(change, 1)}
    return signed(change, 1 if key == "knowledge_gain" else 0)


def _change_phrases(change: dict[str, Any]) -> list[str]:
    """The summary's changes in words ("3 more celebrations", "a share 7.8 points lower"):
    a sign inside an Arabic sentence would be set on the wrong side of its number."""
    phrases = []
    celebrations = change["celebrations"]
    if celebrations > 0:
        text = ngettext("%(count)s more celebration", "%(count)s more celebrations", celebrations)
    elif celebrations < 0:
        text = ngettext(
            "%(count)s fewer celebration", "%(count)s fewer celebrations", -celebrations
        )
    else:
        text = _("as many celebrations")
    phrases.append(text % {"count": number_format(abs(celebrations), force_grouping=True)})
    share = change["share_cop"]
    if share is not None:
        points = decimal(abs(share), 1)
        if round(share, 1) > 0:
            text = _("a share integrating COP %(points)s points higher")
        elif round(share, 1) < 0:
            text = _("a share integrating COP %(points)s points lower")
        else:
            text = _("the same share integrating COP")
        phrases.append(text % {"points": points})
    girls = change["girls"]
    if girls:
        text = (
            ngettext(
                "%(count)s more girl or young woman reached",
                "%(count)s more girls and young women reached",
                girls,
            )
            if girls > 0
            else ngettext(
                "%(count)s fewer girl or young woman reached",
                "%(count)s fewer girls and young women reached",
                -girls,
            )
        )
        phrases.append(text % {"count": number_format(abs(girls), force_grouping=True)})
    gain = change["knowledge_gain"]
    if gain is not None and round(gain, 1):
        text = (
            _("a knowledge gain %(points)s points larger")
            if gain > 0
            else _("a knowledge gain %(points)s points smaller")
        )
        phrases.append(text % {"points": decimal(abs(gain), 1)})
    return phrases


def comparison(figures: dict[str, Any]) -> dict[str, Any] | None:
    """The change since the earlier report, as the summary and its table write it (in the
    active language): ``sentence``, ``rows`` (indicator, this report, the earlier one, the
    change) and the earlier report's ``number`` and ``date``; ``None`` without one."""
    data = figures.get("comparison")
    if not data:
        return None
    labels = comparison_labels()
    rows = [
        {
            "key": item["key"],
            "label": labels[item["key"]],
            "now": _shown(item["key"], item["now"]),
            "before": _shown(item["key"], item["before"]),
            "change": _shown_change(item["key"], item["change"]),
        }
        for item in data["headline"]
    ]
    change = {item["key"]: item["change"] for item in data["headline"]}
    phrases = _change_phrases(change)
    date = long_date(datetime.date.fromisoformat(data["data_cutoff"]))
    number_html = format_html('<span class="nowrap">{}</span>', data["document_number"])
    locale = babel_locale(translation.get_language())
    return {
        "number": data["document_number"],
        "date": date,
        "rows": rows,
        "reach": data["reach"],
        # The document number is never cut at its hyphen ("CWG-" / "COP/23/5").
        "number_html": number_html,
        "sentence": mark_safe(  # noqa: S308 - every part is escaped
            conditional_escape(_("Since the report of %(date)s (%(number)s): %(changes)s."))
            % {
                "date": conditional_escape(date),
                "number": number_html,
                "changes": conditional_escape(format_list(phrases, locale=locale)),
            }
        ),
    }
