"""Demo data of resolve 1: two reporting cycles, a closed one and the open one, with
fictional instruments (every title says "demo") and self-assessments for a dozen member
states, one RDF discussion, Africa's COP initiative with four of its member states and their
celebrations, and Kenya's roadmap. Kenya's open self-assessment is a draft, so
the Kenya coordinator can finish and submit it; Uganda's waits for the Africa officer."""

from __future__ import annotations

import datetime
import random

from copgirls.models import MemberState, User
from events.models import Event, EventStatus
from policies import services
from policies.models import CopArea, Cycle, Level, PartnerOrganisation, RegionalInitiative

EARLIER = {"code": "2023-2024", "title": "CWG-COP cycle 2023-2024"}
CURRENT = {"code": "2025-2026", "title": "CWG-COP cycle 2025-2026"}
#: States with accepted self-assessments in both cycles (Kenya and Uganda are handled apart).
REPORTING = ("GH", "RW", "ZA", "SN", "BR", "MX", "EG", "IN", "PH", "KZ", "FR", "EE")


def _instrument(
    state: MemberState, areas, *, kind="strategy", status="adopted", year=2022, **extra
):
    return services.instrument_create(
        actor=None,
        member_state=state,
        data={
            "kind": kind,
            "title": f"Demo: national COP {kind.replace('_', ' ')} of {state.name}",
            "title_en": f"Demo: national COP {kind.replace('_', ' ')} of {state.name}",
            "status": status,
            "adoption_year": year if status not in ("planned", "in_preparation") else None,
            "responsible_body": "Ministry of ICT (demo)",
            "areas": areas,
            "link": "https://example.org/demo-instrument",
            "regional_initiative": RegionalInitiative.objects.filter(
                region=state.region, touches_cop=True
            ).first(),
            **extra,
        },
    )


def _assess(state, cycle, levels, instrument, *, submit=True, accept=True, reviewer=None):
    assessment = services.self_assessment_start(actor=None, member_state=state, cycle=cycle)
    for area in CopArea.objects.all():
        level = levels.get(area.code, Level.NONE)
        services.area_status_set(
            actor=None,
            assessment=assessment,
            area=area,
            level=level,
            instruments=[instrument] if level >= Level.ADOPTED else [],
            note="" if level == Level.NONE or level >= Level.ADOPTED else "Work under way (demo).",
        )
    if submit:
        services.self_assessment_submit(actor=None, assessment=assessment)
        if accept:
            services.self_assessment_review(actor=reviewer, assessment=assessment, accept=True)
    return assessment


def load() -> int:
    if Cycle.objects.filter(code__in=[EARLIER["code"], CURRENT["code"]]).exists():
        return 0
    rng = random.Random(2026)  # noqa: S311 -- demo data, not security
    areas = list(CopArea.objects.order_by("position"))
    secretariat = User.objects.filter(email="secretariat@demo.copgirls.org").first()
    officer = User.objects.filter(email="africa@demo.copgirls.org").first()
    earlier = services.cycle_open(
        actor=None,
        data={
            **EARLIER,
            "starts_on": datetime.date(2023, 1, 1),
            "ends_on": datetime.date(2024, 12, 31),
        },
    )
    states = {
        state.iso2: state for state in MemberState.objects.filter(iso2__in=[*REPORTING, "KE", "UG"])
    }
    instruments = {}
    before = {}
    for iso2 in (*REPORTING, "KE"):
        state = states[iso2]
        covered = rng.sample(areas, 5) + [a for a in areas if a.code == "A03"]
        instruments[iso2] = _instrument(state, covered, year=rng.choice([2019, 2020, 2021, 2022]))
        before[iso2] = {area.code: rng.choice([0, 0, 1, 2, 3]) for area in areas}
        _assess(state, earlier, before[iso2], instruments[iso2], reviewer=secretariat)
    services.cycle_close(actor=secretariat, cycle=earlier)
    current = services.cycle_open(
        actor=None,
        data={
            **CURRENT,
            "starts_on": datetime.date(2025, 1, 1),
            "ends_on": datetime.date(2026, 12, 31),
        },
    )
    for iso2 in REPORTING:
        levels = {
            code: min(5, level + rng.choice([0, 0, 1, 1, 2]))
            for code, level in before[iso2].items()
        }
        _assess(states[iso2], current, levels, instruments[iso2], reviewer=secretariat)
    # A regional programme of Kenya and Uganda with UNICEF, naming Girls in ICT.
    regional = _instrument(
        states["KE"],
        [a for a in areas if a.code in ("A09", "A11")],
        kind="programme",
        year=2024,
        member_states=[states["UG"]],
        names_girls=True,
        partners=PartnerOrganisation.objects.filter(code__in=["UNICEF", "ECPAT"]),
    )
    _assess(
        states["UG"], current, {"A03": Level.PLANNED, "A09": Level.ADOPTED}, regional, accept=False
    )
    _assess(
        states["KE"],
        current,
        {"A03": Level.ADOPTED, "A09": Level.IMPLEMENTED},
        instruments["KE"],
        submit=False,
    )
    services.roadmap_set(
        actor=None,
        member_state=states["KE"],
        targets=[
            (area, Level.IMPLEMENTED, current)
            for area in areas
            if area.code in ("A03", "A05", "A09")
        ],
    )
    discussion = services.rdf_discussion_record(
        actor=officer,
        region=states["KE"].region,
        data={
            "meeting": "Regional Development Forum for Africa 2025 (demo)",
            "held_on": datetime.date(2025, 9, 16),
            "place": "Nairobi",
            "agenda_item": "Child online protection strategies and the regional initiative",
            "outcomes": "Member states reviewed their national COP strategies (demo text).",
            "commitments": (
                "Kenya and Uganda will evaluate their joint awareness programme by 2026 (demo)."
            ),
            "member_states": [states["KE"], states["UG"], states["GH"], states["RW"]],
        },
    )
    services.rdf_discussion_validate(actor=secretariat, discussion=discussion)
    # The African states of the RDF take part in Africa's initiative on trust and security,
    # and their demo celebrations of its period were held under it.
    initiative = RegionalInitiative.objects.filter(
        region=states["KE"].region, touches_cop=True
    ).first()
    if initiative is not None:
        taking_part = [states[iso2] for iso2 in ("KE", "UG", "GH", "RW")]
        services.regional_initiative_links_set(
            actor=officer,
            initiative=initiative,
            member_states=taking_part,
            celebrations=Event.objects.filter(
                member_state__in=taking_part,
                status__in=[EventStatus.PUBLISHED, EventStatus.COMPLETED],
                year__gte=initiative.period_start,
                year__lte=initiative.period_end,
            ).order_by("start_date")[:8],
        )
    return Cycle.objects.count()
