"""The CWG-COP contribution as a PDF: a Django template rendered by WeasyPrint.

WeasyPrint may load only the portal's own static files (the stylesheet): its URL
fetcher refuses every other URL — no network, no ``file://``, no ``data:`` beyond
what the template itself holds. Fonts come from the system (fontconfig: Noto Sans,
Noto Sans Arabic, Noto Sans CJK). The PDF's dates come from the report's data
cut-off, so the same figures and cut-off give the same bytes.

One more clock hides in the fonts: where WeasyPrint rewrites an embedded font with fontTools
(subsetting without HarfBuzz-Subset, instancing a variable font, dropping colour glyphs),
fontTools stamps the font's ``head.modified`` with the time of the render (and with it
``head.checkSumAdjustment``) unless ``SOURCE_DATE_EPOCH`` is set. :func:`render_pdf` sets it
to the data cut-off for the length of every render, so that path gives the same bytes too.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import os
import posixpath
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from reports import charts, presentation
from reports import policy as policy_section

#: The base URL the report's HTML is rendered against; only its static path is served.
BASE_URL = "https://copgirls.invalid/"
CONTENT_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}


class StaticOnlyFetcher(URLFetcher):
    """Serve ``BASE_URL + STATIC_URL + path`` from the portal's static files; refuse the rest."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=["https"], allow_redirects=False, timeout=1)

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        path = static_path(url)
        if path is None:
            raise ValueError(f"the report may load only the portal's static files, not {url!r}")
        return URLFetcherResponse(
            url,
            path.read_bytes(),
            headers={"Content-Type": CONTENT_TYPES.get(path.suffix, "application/octet-stream")},
        )


def static_path(url: str) -> Path | None:
    """The file a static URL names, or ``None`` if the URL is anything else."""
    prefix = BASE_URL.rstrip("/") + settings.STATIC_URL
    if not url.startswith(prefix):
        return None
    parts = urlsplit(url)
    relative = unquote(parts.path)[len(settings.STATIC_URL) :]
    if parts.query or parts.fragment or not relative:
        return None
    normalised = posixpath.normpath(relative)
    if normalised != relative or normalised.startswith(("/", "..")) or "\\" in relative:
        return None
    found = finders.find(normalised)
    if not found:
        candidate = Path(settings.STATIC_ROOT) / normalised
        found = str(candidate) if candidate.is_file() else None
    return Path(found) if found else None


def report_html(report, figures: dict[str, Any]) -> str:
    """The report's HTML, in the report's language (the PDF and its tests read it)."""
    with translation.override(report.language):
        context = {
            "report": report,
            "figures": figures,
            "charts": charts.for_report(figures),
            "layout": presentation.layout(figures),
            "key_findings": presentation.key_findings(figures),
            "phrases": presentation.summary_phrases(figures),
            "language_bidi": translation.get_language_bidi(),
            "language_name": translation.get_language_info(report.language)["name_local"],
            "pdf_date": report.data_cutoff.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            **_policy_context(figures),
        }
        return render_to_string("reports/pdf/report.html", context)


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


def write_pdf(html: str, *, identifier: bytes, epoch: int) -> bytes:
    """The PDF of ``html``; every timestamp inside it, fonts included, is ``epoch``."""
    with source_date_epoch(epoch):
        return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf(
            pdf_identifier=identifier, uncompressed_pdf=False
        )


def cutoff_epoch(report) -> int:
    return int(report.data_cutoff.timestamp())


_ENVIRONMENT_LOCK = threading.Lock()


@contextlib.contextmanager
def source_date_epoch(epoch: int) -> Iterator[None]:
    """``SOURCE_DATE_EPOCH=epoch`` while the block runs (fontTools reads it when it compiles
    a font). The environment is the process's: renders in threads take turns."""
    with _ENVIRONMENT_LOCK:
        previous = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
        try:
            yield
        finally:
            if previous is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)
            else:
                os.environ["SOURCE_DATE_EPOCH"] = previous


def report_identifier(report) -> bytes:
    """A stable PDF file identifier: the same parameters (cut-off included), the same /ID."""
    seed = json.dumps(report.parameters, sort_keys=True)
    return hashlib.md5(seed.encode(), usedforsecurity=False).hexdigest().encode()
