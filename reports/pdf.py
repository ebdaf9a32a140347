"""The CWG-COP contribution as a PDF: a Django template rendered by WeasyPrint.

The writer is the core's (copgirls/pdf.py): only the portal's static files are loaded, and
every timestamp of the file, fonts included, is the one given. Here the PDF's dates come
from the report's data cut-off, so the same figures and cut-off give the same bytes.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from copgirls.pdf import BASE_URL, StaticOnlyFetcher, source_date_epoch, static_path, write_pdf
from reports import charts, presentation
from reports import policy as policy_section

__all__ = [
    "BASE_URL",
    "StaticOnlyFetcher",
    "cutoff_epoch",
    "render_pdf",
    "brief_html",
    "render_brief",
    "report_html",
    "report_identifier",
    "source_date_epoch",
    "static_path",
    "write_pdf",
]


def report_html(report, figures: dict[str, Any]) -> str:
    """The report's HTML, in the report's language (the PDF and its tests read it)."""
    with translation.override(report.language):
        context = {
            "report": report,
            "figures": figures,
            "charts": charts.for_report(figures),
            "layout": presentation.layout(figures),
            "key_findings": presentation.key_findings(figures),
            "comparison": presentation.comparison(figures),
            "phrases": presentation.summary_phrases(figures),
            "language_bidi": translation.get_language_bidi(),
            "language_name": translation.get_language_info(report.language)["name_local"],
            "pdf_date": report.data_cutoff.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            **_policy_context(figures),
        }
        return render_to_string("reports/pdf/report.html", context)


#: The charts a brief may show, the first the scope makes meaningful: the resolution's
#: indicator by region, then by year, then what the girls learned by module.
BRIEF_CHARTS = ("cop_share_by_region", "cop_share_by_year", "knowledge_by_module")


def brief_html(report, figures: dict[str, Any]) -> str:
    """The one-page brief's HTML: the headline indicators, one chart and the key findings,
    from the same figures as the report."""
    with translation.override(report.language):
        drawn = charts.for_report(figures)
        chart = next((drawn[key] for key in BRIEF_CHARTS if key in drawn), None)
        context = {
            "report": report,
            "figures": figures,
            "chart": chart,
            "key_findings": presentation.key_findings(figures),
            "comparison": presentation.comparison(figures),
            "language_bidi": translation.get_language_bidi(),
            "language_name": translation.get_language_info(report.language)["name_local"],
            "pdf_date": report.data_cutoff.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        return render_to_string("reports/pdf/brief.html", context)


def render_brief(report, figures: dict[str, Any]) -> bytes:
    identifier = hashlib.md5(  # not a secret: a stable file identifier
        json.dumps({**report.parameters, "document": "brief"}, sort_keys=True).encode(),
        usedforsecurity=False,
    )
    return write_pdf(
        brief_html(report, figures),
        identifier=identifier.hexdigest().encode(),
        epoch=cutoff_epoch(report),
    )


def _policy_context(figures: dict[str, Any]) -> dict[str, Any]:
    """The resolve-1 section (reports issued before it existed have none) and the numbers
    of the sections after it."""
    policy = figures.get("policy")
    first = 3 if policy else 2
    return {
        "policy": policy,
        "strategy_groups": policy_section.group_labels(),
        "section_numbers": {"reach": first, "impact": first + 1, "trends": first + 2},
    }


def render_pdf(report, figures: dict[str, Any]) -> bytes:
    html = report_html(report, figures)
    return write_pdf(html, identifier=report_identifier(report), epoch=cutoff_epoch(report))


def cutoff_epoch(report) -> int:
    return int(report.data_cutoff.timestamp())


def report_identifier(report) -> bytes:
    """A stable PDF file identifier: the same parameters (cut-off included), the same /ID."""
    seed = json.dumps(report.parameters, sort_keys=True)
    return hashlib.md5(seed.encode(), usedforsecurity=False).hexdigest().encode()
