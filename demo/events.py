"""Demo celebrations, COP sessions and staff accounts for the embedded portal (`make run`).

Idempotent: celebrations are keyed by (member state, year, organiser reference) and the
accounts by e-mail, so loading twice creates nothing the second time.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from copgirls.closed_years import loading_history
from copgirls.models import MemberState, Role
from copgirls.services import role_grant
from demo.accounts import DEMO_PASSWORD, DemoAccount, demo_user
from events import services
from events.models import (
    ActivityType,
    AgeBand,
    CopModule,
    Event,
    EventFormat,
    Gender,
    OrganiserType,
    girls_in_ict_day,
)

#: (ISO alpha-2, city, languages): several states in five regions.
STATES = [
    ("KE", "Nairobi", ["en", "sw"]),
    ("RW", "Kigali", ["en", "fr", "rw"]),
    ("SN", "Dakar", ["fr"]),
    ("BR", "São Paulo", ["pt"]),
    ("MX", "Ciudad de México", ["es"]),
    ("JO", "Amman", ["ar", "en"]),
    ("IN", "Bengaluru", ["en", "hi"]),
    ("PH", "Manila", ["en", "fil"]),
    ("FR", "Lyon", ["fr"]),
    ("RO", "Bucharest", ["ro", "en"]),
]
YEARS = (2023, 2024, 2025, 2026)
ACTIVITIES = [
    (ActivityType.CODING_CLASS, "Coding club"),
    (ActivityType.WORKSHOP, "Cyber-safety workshop"),
    (ActivityType.HACKATHON, "Hackathon"),
    (ActivityType.CAREER_DAY, "Careers in ICT day"),
    (ActivityType.ROLE_MODEL_TALK, "Meet the engineers"),
]
ORGANISERS = [
    (OrganiserType.GOVERNMENT, "Ministry of ICT"),
    (OrganiserType.REGULATOR, "Communications regulator"),
    (OrganiserType.NGO, "Girls Code Network"),
    (OrganiserType.ACADEMIA, "National University"),
]

#: Listed by ``load_demo`` after those of :mod:`demo.accounts`.
DEMO_ACCOUNTS = [
    DemoAccount("Coordinator, France", "france@demo.copgirls.org", DEMO_PASSWORD),
    DemoAccount("Facilitator, Nairobi 2026", "facilitator@demo.copgirls.org", DEMO_PASSWORD),
]


def load() -> int:
    """The demo's celebrations; its past years are closed, so they are loaded as history
    (:func:`copgirls.closed_years.loading_history`)."""
    created = 0
    with loading_history(), transaction.atomic():
        states = {
            state.iso2: state
            for state in MemberState.objects.select_related("region").filter(
                iso2__in=[code for code, _city, _languages in STATES]
            )
        }
        modules = list(CopModule.objects.filter(is_retired=False).order_by("position"))
        rng = random.Random(1306)  # noqa: S311 -- demo figures, not security
        for index, (code, city, languages) in enumerate(STATES):
            state = states[code]
            for year in YEARS:
                # Fewer celebrations in early years, and not every state every year.
                if (index + year) % 5 == 0:
                    continue
                created += _load_event(state, city, languages, year, index, modules, rng)
        created += _load_accounts(states)
    return created


def _load_event(state, city, languages, year, index, modules, rng) -> int:
    reference = f"DEMO-{state.iso2}-{year}"
    if Event.objects.filter(member_state=state, year=year, organiser_reference=reference).exists():
        return 0
    activity, label = ACTIVITIES[(index + year) % len(ACTIVITIES)]
    organiser_type, organiser = ORGANISERS[(index * 3 + year) % len(ORGANISERS)]
    day = girls_in_ict_day(year)
    this_year = timezone.localdate().year
    past = year < this_year or (year == this_year and day < timezone.localdate())
    expected = rng.choice([25, 40, 60, 80, 120, 200])
    event = services.event_create(
        actor=None,
        member_state=state,
        data={
            "title": f"Girls in ICT Day {year}: {label}, {city}",
            "organiser_reference": reference,
            "city": city,
            "organiser": f"{organiser} ({state.name})",
            "organiser_type": organiser_type,
            "format": EventFormat.HYBRID if index % 4 == 0 else EventFormat.IN_PERSON,
            "activity_type": activity,
            "start_date": day,
            "end_date": day,
            "target_age_bands": [AgeBand.AGE_13_18, AgeBand.AGE_19_24],
            "expected_girls": expected,
            "actual_girls": int(expected * rng.uniform(0.7, 1.1)) if past else None,
            "languages": languages,
            "description": (
                "Hands-on sessions for secondary-school girls, with a Child Online "
                "Protection discussion."
            ),
            "link": "",
        },
    )
    created = 1
    if index == 9 and year == max(YEARS):
        return created  # one draft that is not yet published
    services.event_publish(actor=None, event=event)
    if past:
        # Most celebrations integrate COP: one or two sessions with attendance counts.
        if (index + year) % 4 != 1:
            for number in range(1 + (index + year) % 2):
                module = modules[(index + year + number) % len(modules)]
                girls = max(8, int((event.actual_girls or expected) * rng.uniform(0.3, 0.7)))
                attendance = {
                    (AgeBand.AGE_13_18, Gender.GIRL): int(girls * 0.7),
                    (AgeBand.AGE_19_24, Gender.GIRL): girls - int(girls * 0.7),
                    (AgeBand.AGE_13_18, Gender.BOY): rng.randint(0, 6),
                    (AgeBand.AGE_13_18, Gender.UNDISCLOSED): rng.randint(0, 2),
                }
                services.cop_session_log(
                    actor=None,
                    event=event,
                    data={
                        "module": module,
                        "starts_at": timezone.make_aware(
                            datetime.datetime.combine(day, datetime.time(10 + 2 * number, 0))
                        ),
                        "duration_minutes": 45,
                        "delivery": "in_person",
                        "language": languages[0],
                        "guardian_consent_confirmed": True,
                    },
                    attendance=attendance,
                    confirm_over_attendance=True,
                )
                created += 1
        services.event_complete(actor=None, event=event)
    return created


def _load_accounts(states) -> int:
    """The accounts the celebrations need beyond demo.accounts' (secretariat, Africa, Kenya)."""
    created = 0
    for account, role, code in zip(
        DEMO_ACCOUNTS, (Role.COORDINATOR, Role.FACILITATOR), ("FR", "KE"), strict=True
    ):
        user, was_created = demo_user(email=account.email, full_name=account.role)
        created += int(was_created)
        if role == Role.COORDINATOR:
            scope = {"member_state": states[code]}
        else:
            scope = {
                "event": Event.objects.get(
                    member_state=states[code],
                    organiser_reference=f"DEMO-{code}-{max(YEARS)}",
                    year=max(YEARS),
                )
            }
        role_grant(user=user, role=role, **scope)
    return created
