"""``manage.py cwgcop_report`` runs the same service synchronously."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from reports.models import Report


def test_the_command_writes_the_global_report_for_a_year(known_data, tmp_path, capsys):
    out = tmp_path / "report.pdf"
    call_command(
        "cwgcop_report",
        "--scope", "global", "--year", "2026", "--language", "en",
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
        "--from", "2025", "--to", "2026", "--out", str(out),
    )  # fmt: skip
    report = Report.objects.get()
    assert report.member_state.iso2 == "KE"
    assert (report.period_start, report.period_end) == (
        datetime.date(2025, 1, 1),
        datetime.date(2026, 12, 31),
    )
    assert report.figures["reach"]["total"]["celebrations"] == 2


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--scope", "global", "--from", "2027", "--to", "2026"], "ends before"),
        (["--scope", "global", "--from", "2026-04-01", "--to", "2026-04-30"], "whole calendar"),
        (["--scope", "global", "--year", "2026", "--language", "xx"], "language"),
        (["--scope", "region", "--region", "Atlantis", "--year", "2026"], "no such ITU-D region"),
        (["--scope", "global"], "give --year"),
    ],
)
def test_bad_arguments_stop_with_a_message_and_write_nothing(db, tmp_path, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("cwgcop_report", *arguments, "--out", str(tmp_path / "x.pdf"))
    assert not Report.objects.exists()
    assert not (tmp_path / "x.pdf").exists()
