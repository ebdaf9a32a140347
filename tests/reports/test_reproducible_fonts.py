"""Same parameters, same bytes — fonts included.

Where WeasyPrint rewrites a font with fontTools (no HarfBuzz-Subset, a variable font, colour
glyphs), fontTools stamps the font's ``head.modified`` with the time of the render: two
productions a second apart differed in one embedded font. These tests force that path.
"""

from __future__ import annotations

import datetime
import io
import os
import subprocess
import sys
import time

import weasyprint.pdf.fonts
from django.conf import settings
from fontTools.misc.timeTools import epoch_diff
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from tests.reports.test_pdf import produce

RENDER = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copgirls.settings")
import django
django.setup()
import weasyprint.pdf.fonts
weasyprint.pdf.fonts.harfbuzz_subset = None  # subset with fontTools, as without HarfBuzz-Subset
from reports import pdf
html = '<html lang="fr"><body><p>Réunion à Genève — اجتماع الفريق — 理事会工作组</p></body></html>'
sys.stdout.buffer.write(pdf.write_pdf(html, identifier=b"cwg-cop", epoch=1764936000))
"""


def font_modified(pdf: bytes) -> set[int]:
    """``head.modified`` of every embedded font, in seconds since 1970."""
    stamps = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendant = font.get("/DescendantFonts")
            descriptor = (descendant[0].get_object() if descendant else font)["/FontDescriptor"]
            stream = descriptor.get_object().get("/FontFile2") or descriptor.get_object().get(
                "/FontFile3"
            )
            data = stream.get_object().get_data()
            stamps.add(TTFont(io.BytesIO(data))["head"].modified + epoch_diff)
    return stamps


def test_two_renders_more_than_a_second_apart_on_empty_font_caches_give_the_same_bytes(
    tmp_path,
):
    outputs = []
    for attempt in range(2):
        cache = tmp_path / f"cache-{attempt}"  # fontconfig starts from an empty cache
        cache.mkdir()
        environment = {**os.environ, "XDG_CACHE_HOME": str(cache)}
        environment.pop("SOURCE_DATE_EPOCH", None)
        result = subprocess.run(
            [sys.executable, "-c", RENDER],
            cwd=settings.BASE_DIR,
            env=environment,
            capture_output=True,
            check=True,
        )
        outputs.append(result.stdout)
        time.sleep(1.1)
    assert outputs[0].startswith(b"%PDF")
    assert outputs[0] == outputs[1]
    assert font_modified(outputs[0]) == {1764936000}


def test_a_report_produced_twice_seconds_apart_embeds_fonts_stamped_with_its_cut_off(
    known_data, make_report, monkeypatch
):
    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)
    cutoff = datetime.datetime(2026, 12, 5, 12, 0, tzinfo=datetime.UTC)
    first = produce(make_report(cutoff=cutoff, language="ar"))
    time.sleep(1.1)
    second = produce(make_report(cutoff=cutoff, language="ar"))
    with first.pdf.open("rb") as a, second.pdf.open("rb") as b:
        one, two = a.read(), b.read()
    assert one == two
    assert font_modified(one) == {int(cutoff.timestamp())}
    assert "SOURCE_DATE_EPOCH" not in os.environ  # set for the render only
