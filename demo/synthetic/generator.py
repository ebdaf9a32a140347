"""The seeded generator behind ``manage.py seed_demo --scale``.

Sizes (``SCALES``): ``demo`` for a laptop, ``national`` for one member state's whole
history, ``girls-in-ict`` for every celebration ever held (~12,000 events in 175 member
states, ~18,000 COP sessions, ~400,000 participants, ~800,000 responses, ~10 million
answers), ``girls-in-ict-10x`` for ten times that. On PostgreSQL the rows go by ``COPY``,
one batch in flight while the next is generated, and the two big tables get their keys and
indexes built once at the end (:func:`demo.synthetic.writers.constraints_after`).

The model of a participant: an ability ``a ~ N(0, 1)``; the chance of a correct knowledge
answer is ``sigmoid(a + base - difficulty[module] + age[band] + phase * gain)`` where the
gain differs by module, age band and region; Likert answers are a rounded, clipped normal
around ``3.1 + 0.4 a (+ 0.45 gain after)``. Scores are computed from the generated answers
exactly as the submission service computes them.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from assessments.models import (
    Answer,
    CollectionLink,
    Item,
    ItemKind,
    Questionnaire,
    QuestionnaireStatus,
    Response,
)
from copgirls.i18n import shipped_module_translations, shipped_questionnaire_translations
from copgirls.models import MemberState
from demo.synthetic.writers import (
    TableWriter,
    constraints_after,
    copies_finished,
    copy_text,
    new_uuid,
    next_id,
    reset_sequence,
)
from events.models import (
    ActivityType,
    AgeBand,
    Attendance,
    CopModule,
    CopSession,
    Event,
    EventFormat,
    EventStatus,
    Gender,
    OrganiserType,
    girls_in_ict_day,
)


@dataclass(frozen=True)
class Scale:
    events: int
    first_year: int
    last_year: int
    member_states: int  # how many member states hold celebrations
    sessions_per_cop_event: float  # mean, at least one
    participants_per_session: float  # mean


SCALES = {
    "demo": Scale(events=60, first_year=2023, last_year=2026, member_states=14,
                  sessions_per_cop_event=1.5, participants_per_session=18),
    "national": Scale(events=900, first_year=2011, last_year=2026, member_states=1,
                      sessions_per_cop_event=2.0, participants_per_session=22),
    "girls-in-ict": Scale(events=12_000, first_year=2011, last_year=2026, member_states=175,
                          sessions_per_cop_event=3.0, participants_per_session=22.2),
    # Ten times every celebration ever held (issue 22): ~120,000 events, ~8.4 million
    # responses, ~85 million answers (bench/results.md gives its size on PostgreSQL).
    "girls-in-ict-10x": Scale(events=120_000, first_year=2011, last_year=2026,
                              member_states=175, sessions_per_cop_event=3.0,
                              participants_per_session=22.2),
}  # fmt: skip

#: Share of celebrations held in each ITU-D region (the real distribution leans to
#: Africa, Europe and the Americas).
REGION_WEIGHTS = {"AFR": 0.30, "AMS": 0.20, "ARB": 0.09, "ASP": 0.15, "CIS": 0.06, "EUR": 0.20}
#: Extra learning gain (logit scale) by region, age band and module.
REGION_GAIN = {"AFR": 0.15, "AMS": 0.05, "ARB": 0.10, "ASP": 0.0, "CIS": -0.05, "EUR": -0.10}
AGE_SHARE = {"9_12": 0.18, "13_18": 0.70, "19_24": 0.12}
AGE_ABILITY = {"9_12": -0.35, "13_18": 0.0, "19_24": 0.30}
AGE_GAIN = {"9_12": 0.10, "13_18": 0.0, "19_24": -0.15}
REPEAT_RATE = 0.015  # a second pre response by the same girl (kept, flagged)
PRE_RATE, POST_RATE = 0.96, 0.93  # the rest are unpaired
CODE_ALPHABET = np.array(list("ABCDEFGHJKMNPQRSTUVWXYZ23456789"))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


class Progress:
    """A text progress bar on a stream (no dependency)."""

    def __init__(self, write: Callable[[str], None], total: int, label: str):
        self.write, self.total, self.label, self.done, self.shown = (
            write,
            max(total, 1),
            label,
            0,
            -1,
        )

    def advance(self, amount: int) -> None:
        self.done += amount
        percent = min(100, self.done * 100 // self.total)
        if percent != self.shown:
            self.shown = percent
            bar = "#" * (percent // 4)
            self.write(
                f"\r{self.label:<12} [{bar:<25}] {percent:3d}%  {self.done:,}/{self.total:,}"
            )
            if percent == 100:
                self.write("\n")


@dataclass
class Catalogue:
    modules: list[CopModule]
    questionnaires: dict[int, Questionnaire]  # module id -> published questionnaire
    items: dict[int, list[Item]]  # questionnaire id -> items in order


def ensure_catalogue() -> Catalogue:
    """The COP modules and a published questionnaire for each, created from the shipped
    JSON (events/data, assessments/data) where the migrations have not done it."""
    base = Path(settings.BASE_DIR)
    for position, data in enumerate(
        json.loads((base / "events/data/cop_modules.json").read_text())
    ):
        CopModule.objects.get_or_create(
            code=data["code"],
            defaults={
                "slug": data["slug"], "title": data["title"], "summary": data["summary"],
                "risk_areas": data["risk_areas"], "age_bands": data["age_bands"],
                "learning_objectives": data["learning_objectives"], "position": position + 1,
                "translations": shipped_module_translations(data["code"]),
            },
        )  # fmt: skip
    modules = list(CopModule.objects.filter(is_retired=False).order_by("position", "code"))
    questionnaires = {
        q.module_id: q
        for q in Questionnaire.objects.filter(
            status=QuestionnaireStatus.PUBLISHED, module__in=modules
        )
    }
    shipped = {
        q["module"]: q
        for q in json.loads((base / "assessments/data/questionnaires.json").read_text())
    }
    for module in modules:
        if module.pk in questionnaires or module.code not in shipped:
            continue
        data = shipped[module.code]
        title_translations, item_translations = shipped_questionnaire_translations(module.code)
        version = Questionnaire.objects.filter(module=module).count() + 1
        questionnaire = Questionnaire.objects.create(
            module=module,
            version=version,
            title=data["title"],
            status=QuestionnaireStatus.PUBLISHED,
            translations=title_translations,
        )
        Item.objects.bulk_create(
            Item(
                questionnaire=questionnaire, key=item["key"], position=position, kind=item["kind"],
                text=item["text"], options=item.get("options", []),
                correct_option=item.get("correct", ""),
                translations=item_translations.get(item["key"], {}),
            )
            for position, item in enumerate(data["items"], start=1)
        )  # fmt: skip
        questionnaires[module.pk] = questionnaire
    modules = [module for module in modules if module.pk in questionnaires]
    items: dict[int, list[Item]] = {}
    for item in Item.objects.filter(
        questionnaire__in=questionnaires.values(), is_retired=False
    ).order_by("position"):
        items.setdefault(item.questionnaire_id, []).append(item)
    return Catalogue(modules, questionnaires, items)


def _member_states(rng: np.random.Generator, scale: Scale) -> tuple[list[MemberState], np.ndarray]:
    states = list(MemberState.objects.select_related("region").order_by("iso2"))
    if scale.member_states == 1:
        chosen = [next(s for s in states if s.iso2 == "KE")]
        return chosen, np.ones(1)
    by_region: dict[str, list[MemberState]] = {}
    for state in states:
        by_region.setdefault(state.region.code, []).append(state)
    chosen: list[MemberState] = []
    weights: list[float] = []
    total_states = sum(len(v) for v in by_region.values())
    for code, members in sorted(by_region.items()):
        take = max(1, round(scale.member_states * len(members) / total_states))
        picked = rng.choice(len(members), size=min(take, len(members)), replace=False)
        for index in sorted(picked):
            chosen.append(members[index])
            # Within a region, some states hold many more celebrations (a heavy tail).
            weights.append(REGION_WEIGHTS[code] / take * rng.lognormal(0, 0.8))
    weights_array = np.array(weights)
    return chosen, weights_array / weights_array.sum()


def generate(*, scale_name: str, seed: int, write: Callable[[str], None]) -> dict[str, int]:
    """Generate and store one scale of data; returns how many rows of each kind."""
    scale = SCALES[scale_name]
    rng = np.random.default_rng(seed)
    now = timezone.now().replace(second=0, microsecond=0)
    with transaction.atomic():
        catalogue = ensure_catalogue()
        # The two big tables (~90 % of the rows) are loaded as a restore would: their keys
        # and indexes built once at the end.
        with constraints_after(Response, Answer):
            try:
                counts = _generate(rng, scale, catalogue, now, write, seed)
            finally:
                copies_finished()
        for model in (Event, CopSession, Attendance, CollectionLink, Response, Answer):
            reset_sequence(model)
    return counts


def _generate(rng, scale: Scale, catalogue: Catalogue, now, write, seed: int) -> dict[str, int]:
    states, state_weights = _member_states(rng, scale)
    years = np.arange(scale.first_year, scale.last_year + 1)
    year_weights = np.linspace(1.0, 3.5, len(years))  # Girls in ICT Day has grown every year
    year_weights /= year_weights.sum()
    n_events = scale.events
    event_state = rng.choice(len(states), size=n_events, p=state_weights)
    event_year = rng.choice(years, size=n_events, p=year_weights)
    # Days from Girls in ICT Day: most celebrations are held within a fortnight of it.
    offsets = np.clip(np.round(rng.normal(0, 6, n_events)), -45, 60).astype(int)
    durations = rng.choice([0, 0, 0, 0, 1, 2], size=n_events)
    cop_share = 0.25 + 0.5 * (event_year - 2011) / 15
    integrates = rng.random(n_events) < cop_share
    expected = rng.poisson(36, n_events) + 5

    organiser_types = [c.value for c in OrganiserType]
    formats = [c.value for c in EventFormat]
    activities = [c.value for c in ActivityType]
    module_gain = {
        m.pk: g
        for m, g in zip(
            catalogue.modules, rng.normal(0.65, 0.2, len(catalogue.modules)), strict=True
        )
    }
    module_difficulty = {
        m.pk: d
        for m, d in zip(
            catalogue.modules, rng.normal(0.0, 0.3, len(catalogue.modules)), strict=True
        )
    }

    first_event = next_id(Event)
    first_session = next_id(CopSession)
    first_link = next_id(CollectionLink)
    first_response = next_id(Response)
    events = TableWriter(Event, [
        "id", "member_state_id", "title", "organiser_reference", "city", "organiser",
        "organiser_type", "format", "activity_type", "start_date", "end_date", "year",
        "target_age_bands", "expected_girls", "actual_girls", "languages", "description",
        "status", "pairing_secret", "cop_session_count",
    ], now=now)  # fmt: skip
    sessions = TableWriter(CopSession, [
        "id", "event_id", "module_id", "starts_at", "duration_minutes", "delivery", "language",
        "guardian_consent_confirmed",
    ], now=now)  # fmt: skip
    attendance = TableWriter(Attendance, ["session_id", "age_band", "gender", "count"], now=now)
    links = TableWriter(CollectionLink, [
        "id", "session_id", "phase", "questionnaire_id", "code", "opened_at", "closed_at",
    ], now=now)  # fmt: skip
    responses = TableWriter(Response, [
        "id", "session_id", "questionnaire_id", "phase", "age_band", "gender", "assent", "source",
        "client_submission_id", "payload_digest", "participant_key", "submitted_at",
        "knowledge_score", "self_efficacy_mean", "intention_mean", "counts_for_pairing",
    ], now=now)  # fmt: skip
    answers = TableWriter(
        Answer, ["response_id", "item_id", "option", "likert", "is_correct"], now=now
    )

    existing_codes = set(CollectionLink.objects.values_list("code", flat=True))
    progress = Progress(write, n_events, "celebrations")
    session_id, link_id, response_id = first_session, first_link, first_response
    batch: dict[str, list] = {
        "events": [],
        "sessions": [],
        "attendance": [],
        "links": [],
        "responses": [],
        "answers": [],
    }
    ages = list(AGE_SHARE)
    age_p = np.array(list(AGE_SHARE.values()))

    def flush() -> None:
        for name, writer in (
            ("events", events),
            ("sessions", sessions),
            ("attendance", attendance),
            ("links", links),
            ("responses", responses),
            ("answers", answers),
        ):
            writer.write(batch[name])
            batch[name].clear()  # fmt: skip

    for index in range(n_events):
        state = states[event_state[index]]
        year = int(event_year[index])
        start = girls_in_ict_day(year) + datetime.timedelta(days=int(offsets[index]))
        if start.year != year:
            start = girls_in_ict_day(year)
        end = start + datetime.timedelta(days=int(durations[index]))
        event_id = first_event + index
        secret = hashlib.sha256(f"{seed}:{event_id}".encode()).hexdigest()
        n_sessions = 1 + rng.poisson(scale.sessions_per_cop_event - 1) if integrates[index] else 0
        girls_in_sessions = 0
        status = EventStatus.COMPLETED if start < now.date() else EventStatus.PUBLISHED
        region = state.region.code
        for _ in range(n_sessions):
            module = catalogue.modules[rng.integers(len(catalogue.modules))]
            questionnaire = catalogue.questionnaires[module.pk]
            items = catalogue.items[questionnaire.pk]
            starts_at = datetime.datetime.combine(
                start,
                datetime.time(int(rng.integers(9, 16)), int(rng.choice([0, 30]))),
                datetime.UTC,
            )
            duration = int(rng.choice([45, 60, 60, 90]))
            batch["sessions"].append((session_id, event_id, module.pk, starts_at, duration,
                                      "in_person" if rng.random() < 0.8 else "online",
                                      "en", True))  # fmt: skip
            n = max(3, int(rng.poisson(scale.participants_per_session)))
            girls_in_sessions += n
            band_index = rng.choice(len(ages), size=n, p=age_p)
            for band_i, band in enumerate(ages):
                count = int((band_index == band_i).sum())
                if count:
                    batch["attendance"].append((session_id, band, Gender.GIRL, count))
            boys = int(rng.poisson(1.5))
            if boys:
                batch["attendance"].append((session_id, AgeBand.AGE_13_18, Gender.BOY, boys))
            for phase in ("pre", "post"):
                code = _code(rng, existing_codes)
                opened = starts_at + datetime.timedelta(minutes=-10 if phase == "pre" else duration)
                closed = starts_at + datetime.timedelta(minutes=duration + 30)
                batch["links"].append(
                    (link_id, session_id, phase, questionnaire.pk, code, opened, closed)
                )
                link_id += 1
            response_id = _responses(
                rng, batch, session_id, questionnaire.pk, items, n, band_index, ages, secret,
                starts_at, duration, response_id,
                gain=module_gain[module.pk] + REGION_GAIN[region],
                difficulty=module_difficulty[module.pk], as_lines=answers.takes_lines,
            )  # fmt: skip
            session_id += 1
        actual = max(int(expected[index] * rng.uniform(0.7, 1.2)), girls_in_sessions)
        batch["events"].append((
            event_id, state.pk, f"Girls in ICT Day {year} — {state.name} #{index + 1}",
            f"SYN-{seed}-{event_id}", "", f"Organiser {index % 97 + 1}",
            organiser_types[index % len(organiser_types)], formats[index % 5 % len(formats)],
            activities[int(rng.integers(len(activities)))], start, end, year, ["13_18"],
            int(expected[index]), actual if status == EventStatus.COMPLETED else None, ["en"],
            "", status, secret, int(n_sessions),
        ))  # fmt: skip
        # Parents before children: events, then sessions, then their rows.
        if len(batch["answers"]) > 200_000 or index == n_events - 1:
            flush()
        progress.advance(1)
    flush()
    return {
        "events": events.written, "cop_sessions": sessions.written,
        "attendance": attendance.written, "collection_links": links.written,
        "responses": responses.written, "answers": answers.written,
    }  # fmt: skip


def _code(rng, existing: set[str]) -> str:
    while True:
        code = "".join(CODE_ALPHABET[rng.integers(len(CODE_ALPHABET), size=8)])
        if code not in existing:
            existing.add(code)
            return code


def _responses(rng, batch, session_id, questionnaire_id, items, n, band_index, ages, secret,
               starts_at, duration, response_id, *, gain, difficulty,
               as_lines=False) -> int:  # fmt: skip
    """Pre and post responses of ``n`` girls, with answers and the scores they imply."""
    ability = rng.normal(0, 1, n)
    age_ability = np.array([AGE_ABILITY[ages[i]] for i in band_index])
    age_gain = np.array([AGE_GAIN[ages[i]] for i in band_index])
    keys = [
        hmac.new(secret.encode(), f"girl-{session_id}-{i}".encode(), hashlib.sha256).hexdigest()
        for i in range(n)
    ]
    knowledge = [
        item
        for item in items
        if item.kind in (ItemKind.KNOWLEDGE_CHOICE, ItemKind.KNOWLEDGE_TRUE_FALSE)
    ]
    efficacy = [item for item in items if item.kind == ItemKind.SELF_EFFICACY]
    intention = [item for item in items if item.kind == ItemKind.INTENTION]
    # Plain Python values, once per session: the answers are ~10 rows per response (95
    # million at 10× scale), so nothing per answer goes through numpy or the ORM.
    text = copy_text if as_lines else str  # options escaped once per session, not per answer
    knowledge_rows = [
        (item.pk, text(item.correct_option), [text(o) for o in _wrong_options(item)])
        for item in knowledge
    ]
    likert_ids = [item.pk for item in efficacy + intention]
    n_efficacy, n_intention = len(efficacy), len(intention)
    answers = batch["answers"]
    plan = []  # (phase, girl, counts_for_pairing)
    for girl in range(n):
        if rng.random() < PRE_RATE:
            plan.append(("pre", girl, True))
            if rng.random() < REPEAT_RATE:
                plan.append(("pre", girl, False))
        if rng.random() < POST_RATE:
            plan.append(("post", girl, True))
    for phase, girl, counts in plan:
        after = phase == "post"
        lift = (gain + age_gain[girl]) if after else 0.0
        p = _sigmoid(ability[girl] + 0.2 + age_ability[girl] - difficulty + lift)
        correct = rng.random(len(knowledge)) < p
        likert_mu = 3.1 + 0.4 * ability[girl] + (0.45 * (gain + age_gain[girl]) if after else 0.0)
        likert = np.clip(
            np.round(rng.normal(likert_mu, 0.8, len(efficacy) + len(intention))), 1, 5
        ).astype(int)
        correct_list = correct.tolist()
        likert_list = likert.tolist()
        picks = rng.integers(0, 1 << 30, size=len(knowledge)).tolist()
        if as_lines:  # response, item, option, likert, is_correct, as COPY text
            for (item_id, right, wrongs), ok, pick in zip(
                knowledge_rows, correct_list, picks, strict=True
            ):
                option = right if ok else wrongs[pick % len(wrongs)]
                answers.append(f"{response_id}\t{item_id}\t{option}\t\\N\t{'t' if ok else 'f'}")
            answers.extend(
                f"{response_id}\t{item_id}\t\t{value}\t\\N"
                for item_id, value in zip(likert_ids, likert_list, strict=True)
            )
        else:
            for (item_id, right, wrongs), ok, pick in zip(
                knowledge_rows, correct_list, picks, strict=True
            ):
                option = right if ok else wrongs[pick % len(wrongs)]
                answers.append((response_id, item_id, option, None, ok))
            answers.extend(
                (response_id, item_id, "", value, None)
                for item_id, value in zip(likert_ids, likert_list, strict=True)
            )
        minutes = -5 if not after else duration + 5
        submitted = (starts_at + datetime.timedelta(minutes=minutes)).replace(
            second=0, microsecond=0
        )
        batch["responses"].append((
            response_id, session_id, questionnaire_id, phase, ages[band_index[girl]],
            Gender.GIRL if rng.random() < 0.9 else "", True,
            "web" if rng.random() < 0.85 else "paper",
            new_uuid(int(rng.integers(0, 2**63)) << 64 | int(rng.integers(0, 2**63))),
            hashlib.sha256(f"{response_id}".encode()).hexdigest(), keys[girl], submitted,
            round(100.0 * sum(correct_list) / len(correct_list), 4) if knowledge else None,
            round(sum(likert_list[:n_efficacy]) / n_efficacy, 4) if efficacy else None,
            round(sum(likert_list[n_efficacy:]) / n_intention, 4) if intention else None,
            counts,
        ))  # fmt: skip
        response_id += 1
    return response_id


def _wrong_options(item: Item) -> list[str]:
    """The options of a knowledge item that are not its correct one."""
    if item.kind == ItemKind.KNOWLEDGE_TRUE_FALSE:
        return [value for value in ("true", "false", "dont_know") if value != item.correct_option]
    return [o["key"] for o in item.options if o["key"] != item.correct_option]
