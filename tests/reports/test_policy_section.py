"""The report's resolve-1 section: the figures of accepted self-assessments, in the PDF and
the annex, counted independently here from what the test wrote."""

from __future__ import annotations

import csv
import datetime
import io

from openpyxl import load_workbook

from events.models import Event
from policies import services
from policies.models import Level, PartnerOrganisation, RegionalInitiative
from reports.annex import annex_csv, annex_xlsx
from tests.policies.conftest import accepted_assessment, fill, open_cycle, state, strategy_of
from tests.reports.test_pdf import pdf_text, produce


def _two_cycles(secretariat):
    """2023-2024 (closed): Kenya planned a strategy. 2025-2026: Kenya adopted one, France
    planned one, Brazil did not report; an RDF for Africa with a commitment. (The report is
    of 2025, a closed year: reports cover no other.)"""
    kenya, france = state("KE"), state("FR")
    earlier = open_cycle(
        code="2023-2024", start=datetime.date(2023, 1, 1), end=datetime.date(2024, 12, 31)
    )
    accepted_assessment(kenya, earlier, {"A03": Level.PLANNED})
    services.cycle_close(actor=secretariat, cycle=earlier)
    cycle = open_cycle(
        code="2025-2026", start=datetime.date(2025, 1, 1), end=datetime.date(2026, 12, 31)
    )
    shared = strategy_of(kenya, member_states=[state("UG")], names_girls=True)
    services.instrument_update(
        actor=None,
        instrument=shared,
        data={"partners": PartnerOrganisation.objects.filter(code="UNICEF")},
    )
    accepted_assessment(
        kenya, cycle, {"A03": Level.ADOPTED, "A09": Level.IMPLEMENTED}, instrument=shared
    )
    accepted_assessment(france, cycle, {"A03": Level.PLANNED})
    # Submitted, not accepted: not counted.
    uganda = services.self_assessment_start(actor=None, member_state=state("UG"), cycle=cycle)
    fill(uganda, {"A03": Level.ADOPTED}, instrument=shared)
    services.self_assessment_submit(actor=None, assessment=uganda)
    discussion = services.rdf_discussion_record(
        actor=None,
        region=kenya.region,
        data={
            "meeting": "RDF for Africa 2025",
            "held_on": datetime.date(2025, 6, 10),
            "place": "Nairobi",
            "agenda_item": "National COP strategies",
            "outcomes": "Reviewed strategies.",
            "commitments": "Kenya evaluates its strategy by 2027.",
            "member_states": [kenya],
        },
    )
    services.rdf_discussion_validate(actor=secretariat, discussion=discussion)


def test_the_pdf_shows_the_resolve_1_figures_of_accepted_self_assessments(
    known_data, make_report, secretariat
):
    _two_cycles(secretariat)
    report = produce(make_report())
    text = pdf_text(report)
    policy = report.figures["policy"]

    assert "2 Strategic plans, policies and programmes (resolve 1)" in text
    assert "3 Reach" in text and "4 Impact" in text and "5 Trends" in text
    assert "Of the 195 member states in scope, 2 reported in this cycle." in text
    assert "1 of them (50.0 %) has a national COP strategy adopted or better." in text
    assert (
        "In the previous cycle (CWG-COP 2023-2024), 1 reported and 0 had an adopted strategy."
        in text
    )
    assert "RDF for Africa 2025" in text and "Kenya evaluates its strategy by 2027." in text
    # Kenya (adopted strategy): 2 celebrations, 1 with COP; France (reported, none): 1 of 1;
    # Brazil (did not report): 1 of 1.
    groups = {row["key"]: row for row in policy["by_strategy"]}
    assert (groups["strategy"]["celebrations"], groups["strategy"]["with_cop"]) == (2, 1)
    assert (groups["no_strategy"]["celebrations"], groups["no_strategy"]["with_cop"]) == (1, 1)
    assert (groups["not_reported"]["celebrations"], groups["not_reported"]["with_cop"]) == (1, 1)
    assert "National COP strategy adopted or better 1 2 1 50.0 %" in text
    a03 = next(row for row in policy["by_area"] if row["code"] == "A03")
    assert a03["levels"] == [0, 1, 0, 1, 0, 0]  # France planned, Kenya adopted
    assert (a03["adopted"], a03["adopted_before"], a03["improved"], a03["compared"]) == (1, 0, 1, 1)
    assert policy["instruments"] == {
        "total": 1,
        "multi_state": 1,
        "multi_stakeholder": 1,
        "naming_girls": 1,
    }
    assert "Descriptive only" in text


def test_the_annex_has_the_resolve_1_tables(known_data, make_report, secretariat):
    _two_cycles(secretariat)
    report = produce(make_report())

    rows = list(csv.reader(io.StringIO(annex_csv(report).decode("utf-8-sig"))))
    assert ["policy_by_region", "total", "strategy", "1"] in rows
    assert ["policy_by_area", "A03", "adopted", "1"] in rows
    assert ["policy_celebrations_by_strategy", "not_reported", "celebrations", "1"] in rows
    workbook = load_workbook(io.BytesIO(annex_xlsx(report)))
    assert "Policy by COP area" in workbook.sheetnames
    sheet = workbook["COP by strategy status"]
    assert [cell.value for cell in sheet[2]][:4] == [
        "National COP strategy adopted or better",
        1,
        2,
        1,
    ]


def test_a_report_before_any_cycle_says_so(known_data, make_report):
    text = pdf_text(produce(make_report()))
    assert "No CWG-COP reporting cycle had begun by the end of this period" in text


def test_the_section_and_annex_count_the_celebrations_held_under_cop_initiatives(
    known_data, make_report, secretariat
):
    """Kenya's two 2025 celebrations (one with a COP session) are held under a new COP
    initiative that Kenya and Uganda take part in; France's under one that is not on COP."""
    _two_cycles(secretariat)
    africa, europe = state("KE").region, state("FR").region
    on_cop = services.regional_initiative_create(
        actor=secretariat,
        data={
            "code": "AFR6",
            "region": africa,
            "title": "Child online protection in Africa",
            "period_start": 2025,
            "period_end": 2029,
            "touches_cop": True,
        },
    )
    services.regional_initiative_links_set(
        actor=secretariat,
        initiative=on_cop,
        member_states=[state("KE"), state("UG")],
        celebrations=Event.objects.filter(member_state__iso2="KE"),
    )
    elsewhere = services.regional_initiative_create(
        actor=secretariat,
        data={
            "code": "EUR6",
            "region": europe,
            "title": "Broadband in Europe",
            "period_start": 2025,
            "period_end": 2029,
            "touches_cop": False,
        },
    )
    services.regional_initiative_links_set(
        actor=secretariat,
        initiative=elsewhere,
        member_states=[state("FR")],
        celebrations=Event.objects.filter(member_state__iso2="FR"),
    )
    on_cop_count = RegionalInitiative.objects.filter(touches_cop=True).count()

    report = produce(make_report())
    text = pdf_text(report)
    rows = list(csv.reader(io.StringIO(annex_csv(report).decode("utf-8-sig"))))

    assert (
        f"{on_cop_count} ITU-D regional initiatives in scope concern COP or cybersecurity "
        "(member states taking part: 2)." in text
    )
    assert (
        "2 celebrations of the period were held under them, and 1 of those integrated COP." in text
    )
    # The period may break after its dash in the table's narrow column.
    assert "AFR6 Child online protection in Africa Africa 2025–2029 2 2" in text.replace("– ", "–")
    assert "EUR6" not in text
    assert ["policy_regional_initiatives", "AFR6", "celebrations", "2"] in rows
    assert ["policy_regional_initiatives", "total", "member_states", "2"] in rows
    assert ["policy_regional_initiatives", "total", "celebrations", "2"] in rows
    sheet = load_workbook(io.BytesIO(annex_xlsx(report)))["COP regional initiatives"]
    assert [cell.value for cell in sheet[1]] == [
        "Regional initiative",
        "Title",
        "Region",
        "Period",
        "Member states",
        "Celebrations",
    ]
