"""The secretariat's import of instruments and area statuses: all or nothing, every bad row
and column listed; the export reads back in."""

from __future__ import annotations

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from policies.models import AreaStatus, Instrument, Level
from tests.policies.conftest import open_cycle

HEADER = (
    "member_state,reference,kind,title,title_en,status,adoption_year,areas,link,names_girls,"
    "partners,other_member_states\n"
)
INSTRUMENTS = (
    HEADER
    + "KE,KE-STRAT,strategy,Mkakati wa Kitaifa wa Ulinzi wa Watoto Mtandaoni,National COP Strategy,"
    "adopted,2023,A03;A09,https://ca.go.ke/s,yes,UNICEF,UG\n"
    "FR,FR-LAW,law,Loi visant à protéger les enfants en ligne,,in_force,2022,A01,"
    "https://legifrance.gouv.fr/x,no,,\n"
)


def upload(text: str, name: str = "file.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def post(client, kind, text):
    return client.post("/policies/manage/import/", {"kind": kind, "file": upload(text)})


def test_instruments_and_statuses_import_and_export_again(secretariat, cycle):
    client = Client()
    client.force_login(secretariat)

    response = post(client, "instruments", INSTRUMENTS)
    assert response.status_code == 302
    kenyan = Instrument.objects.get(reference="KE-STRAT")
    assert sorted(s.iso2 for s in kenyan.member_states.all()) == ["KE", "UG"]
    assert [p.code for p in kenyan.partners.all()] == ["UNICEF"] and kenyan.names_girls
    statuses = (
        "cycle,member_state,area,level,evidence,note\n"
        "2026-2027,KE,A03,adopted,KE-STRAT,\n"
        "2026-2027,UG,A03,3,KE-STRAT,\n"
        "2026-2027,KE,A01,1,,Review of the Children Act under way.\n"
    )
    assert post(client, "statuses", statuses).status_code == 302
    assert AreaStatus.objects.filter(level=Level.ADOPTED, instruments=kenyan).count() == 2

    exported = client.get("/policies/manage/export/instruments.csv")
    rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["member_state", "reference", "kind"]
    assert rows[1][:3] == ["FR", "FR-LAW", "law"]
    assert rows[2][:3] == ["KE", "KE-STRAT", "strategy"] and rows[2][-1] == "UG"
    # The export imports again: nothing new, both updated.
    text = "\n".join(",".join(f'"{cell}"' for cell in row) for row in rows) + "\n"
    response = post(client, "instruments", text)
    assert response.status_code == 302
    assert Instrument.objects.count() == 2
    statuses_out = client.get("/policies/manage/export/statuses.csv")
    body = b"".join(statuses_out.streaming_content).decode("utf-8-sig")
    assert "2026-2027,KE,A01,1,,Review of the Children Act under way." in body


def test_one_bad_row_writes_nothing_and_every_bad_cell_is_listed(secretariat, cycle):
    client = Client()
    client.force_login(secretariat)
    bad = INSTRUMENTS + (
        "XX,X-1,strategy,T,,adopted,2023,A99,https://x.example,maybe,,\n"
        "KE,KE-2,charter,T,,adopted,2999,,ftp://x.example,no,,\n"
        "KE,KE-3,policy,T,,planned,,,,no,,\n"
    )

    response = post(client, "instruments", bad)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was imported" in page
    for expected in (
        "row 4, column member_state: XX is not a known member state",
        "row 4, column areas: A99 is not a known COP area",
        "row 4, column names_girls: Write yes or no.",
        "row 5, column kind: charter is not one of",
    ):
        assert expected in page, expected
    assert not Instrument.objects.exists()  # the two good rows were rolled back too

    response = post(client, "instruments", bad.replace("charter", "policy"))
    page = response.content.decode()
    assert (
        "row 5, column adoption_year: An adopted instrument cannot have been adopted in the future"
        in page
    )
    assert "row 5, column link: Enter a valid URL." in page


def test_statuses_without_evidence_or_in_a_closed_cycle_are_refused(secretariat):
    import datetime

    from policies import services

    closed = open_cycle(
        code="2024-2025", start=datetime.date(2024, 1, 1), end=datetime.date(2025, 12, 31)
    )
    services.cycle_close(actor=None, cycle=closed)
    open_cycle()
    client = Client()
    client.force_login(secretariat)

    response = post(
        client,
        "statuses",
        "cycle,member_state,area,level\n2026-2027,KE,A03,adopted\n2024-2025,KE,A03,none\n2026-2027,KE,A03,best\n",
    )

    page = response.content.decode()
    assert "row 2, column evidence: A level above" in page
    assert "row 3: The cycle CWG-COP 2024-2025 is closed." in page
    assert "row 4, column level: best is not a level" in page
    assert not AreaStatus.objects.exists()


def test_a_file_without_the_columns_is_refused_as_a_whole(secretariat):
    client = Client()
    client.force_login(secretariat)
    response = post(client, "instruments", "state,name\nKE,x\n")
    page = response.content.decode()
    assert "missing columns: member_state, reference, kind, title, status" in page
    assert "unknown columns: state, name" in page
