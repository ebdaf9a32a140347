"""The CWG-COP contribution as a PDF: a Django template rendered by WeasyPrint.

WeasyPrint may load only the portal's own static files (the stylesheet): its URL
fetcher refuses every other URL — no network, no ``file://``, no ``data:`` beyond
what the template itself holds. Fonts come from the system (fontconfig: Noto Sans,
Noto Sans Arabic, Noto Sans CJK). The PDF's dates come from the report's data
cut-off, so the same figures and cut-off give the same bytes.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import posixpath
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from reports import charts

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
            "language_bidi": translation.get_language_bidi(),
            "language_name": translation.get_language_info(report.language)["name_local"],
            "pdf_date": report.data_cutoff.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        return render_to_string("reports/pdf/report.html", context)


def render_pdf(report, figures: dict[str, Any]) -> bytes:
    html = report_html(report, figures)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf(
        pdf_identifier=report_identifier(report), uncompressed_pdf=False
    )


def report_identifier(report) -> bytes:
    """A stable PDF file identifier: the same parameters (cut-off included), the same /ID."""
    seed = json.dumps(report.parameters, sort_keys=True)
    return hashlib.md5(seed.encode(), usedforsecurity=False).hexdigest().encode()
