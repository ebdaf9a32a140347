"""PDF files written by WeasyPrint from the portal's own HTML, the same bytes for the same input.

Used by the CWG-COP report (reports/pdf.py) and the paper kit of a COP session
(assessments/paper_kit.py): the core names neither.

WeasyPrint may load only the portal's own static files (a stylesheet): its URL fetcher
refuses every other URL — no network, no ``file://``, no ``data:`` beyond what the
template itself holds. Fonts come from the system (fontconfig: Noto Sans, Noto Sans Arabic,
Noto Sans CJK).

One more clock hides in the fonts: where WeasyPrint rewrites an embedded font with fontTools
(subsetting without HarfBuzz-Subset, instancing a variable font, dropping colour glyphs),
fontTools stamps the font's ``head.modified`` with the time of the render (and with it
``head.checkSumAdjustment``) unless ``SOURCE_DATE_EPOCH`` is set. :func:`write_pdf` sets it
to the caller's epoch for the length of every render, so that path gives the same bytes too.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

#: The base URL a PDF's HTML is rendered against; only its static path is served.
BASE_URL = "https://copgirls.invalid/"
CONTENT_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}


class StaticOnlyFetcher(URLFetcher):
    """Serve ``BASE_URL + STATIC_URL + path`` from the portal's static files; refuse the rest."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=["https"], allow_redirects=False, timeout=1)

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        path = static_path(url)
        if path is None:
            raise ValueError(f"a PDF may load only the portal's static files, not {url!r}")
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


def write_pdf(html: str, *, identifier: bytes, epoch: int) -> bytes:
    """The PDF of ``html``; every timestamp inside it, fonts included, is ``epoch``."""
    with source_date_epoch(epoch):
        return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf(
            pdf_identifier=identifier, uncompressed_pdf=False
        )


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
