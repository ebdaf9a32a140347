"""``manage.py cwgcop_report`` runs the same service synchronously."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from pypdf import PdfReader

from reports.models import Report

OPEN_YEAR = timezone.now().year


def test_the_command_writes_the_global_report_for_a_year(known_data, tmp_path, capsys):
    out = tmp_path / "report.pdf"
    call_command(
        "cwgcop_report",
        "--scope", "global", "--year", "2025", "--language", "en",
        "--document-number", "CWG-COP/24/7", "--out", str(out),
    )  # fmt: skip
    report = Report.objects.get()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(out).pages).split())
    assert "CWG-COP/24/7" in text and "4 Girls in ICT celebrations" in text
    assert report.status == "ready" and report.sha256 in capsys.readouterr().out


def test_the_command_reports_a_member_state_over_whole_years(known_data, tmp_path):
    out = tmp_path / "kenya.pdf"
    call_command(
        "cwgcop_report",
        "--scope", "member_state", "--member-state", "KEN",
        "--from", "2024", "--to", "2025", "--out", str(out),
    )  # fmt: skip
    report = Report.objects.get()
    assert report.member_state.iso2 == "KE"
    assert (report.period_start, report.period_end) == (
        datetime.date(2024, 1, 1),
        datetime.date(2025, 12, 31),
    )
    assert report.figures["reach"]["total"]["celebrations"] == 2


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--scope", "global", "--from", "2027", "--to", "2026"], "ends before"),
        (["--scope", "global", "--from", "2026-04-01", "--to", "2026-04-30"], "whole calendar"),
        (["--scope", "global", "--year", "2025", "--language", "xx"], "language"),
        (["--scope", "region", "--region", "Atlantis", "--year", "2025"], "no such ITU-D region"),
        (["--scope", "global"], "give --year"),
        # An open year: its report is refused with the day it closes (closed years only).
        (
            ["--scope", "global", "--year", str(OPEN_YEAR)],
            f"{OPEN_YEAR} closes on 1 February {OPEN_YEAR + 1}: reports cover closed years only",
        ),
        (
            ["--scope", "global", "--from", str(OPEN_YEAR - 3), "--to", str(OPEN_YEAR)],
            f"{OPEN_YEAR} closes on 1 February {OPEN_YEAR + 1}",
        ),
    ],
)
def test_bad_arguments_stop_with_a_message_and_write_nothing(db, tmp_path, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("cwgcop_report", *arguments, "--out", str(tmp_path / "x.pdf"))
    assert not Report.objects.exists()
    assert not (tmp_path / "x.pdf").exists()
