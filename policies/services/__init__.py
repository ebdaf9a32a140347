"""Writes to the resolve-1 records. Every write is audited, inside its transaction.

The catalogues are kept in :mod:`policies.services.catalogue`, what is linked to a
regional initiative in :mod:`policies.services.initiatives`; both are re-exported here.

Rules that hold whoever writes (form, import, API): a closed cycle is frozen; a submitted
or accepted self-assessment is read-only to the coordinator until it is returned; a level
above "none" needs evidence (an instrument of the state, or a note); an adopted
instrument's year is not in the future; links are http(s).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from copgirls.audit import audit_record, field_changes
from copgirls.models import MemberState, Region, User
from policies.models import (
    AreaStatus,
    AssessmentStatus,
    CopArea,
    Cycle,
    CycleStatus,
    Instrument,
    Level,
    RdfDiscussion,
    RoadmapTarget,
    SelfAssessment,
)
from policies.services.catalogue import (
    cop_area_create,
    cop_area_update,
    partner_create,
    partner_update,
    regional_initiative_create,
    regional_initiative_update,
)
from policies.services.initiatives import regional_initiative_links_set

#: The catalogue and initiative services, re-exported (``services.cop_area_create``); the
#: functions defined below are this module's own and need no listing.
__all__ = [
    "cop_area_create",
    "cop_area_update",
    "partner_create",
    "partner_update",
    "regional_initiative_create",
    "regional_initiative_links_set",
    "regional_initiative_update",
]

#: The fields of an instrument a coordinator edits (and an import sets).
INSTRUMENT_FIELDS = (
    "reference",
    "kind",
    "title",
    "title_en",
    "adoption_year",
    "status",
    "responsible_body",
    "link",
    "names_girls",
    "regional_initiative",
)
INSTRUMENT_RELATIONS = ("areas", "partners", "member_states")
RDF_FIELDS = (
    "kind",
    "meeting",
    "held_on",
    "place",
    "agenda_item",
    "document_link",
    "outcomes",
    "commitments",
)
CYCLE_FIELDS = ("code", "title", "starts_on", "ends_on")


def _snapshot(obj, names: Iterable[str]) -> dict[str, Any]:
    values = {}
    for name in names:
        value = getattr(obj, name)
        values[name] = value.pk if hasattr(value, "pk") else value
    return values


def _relations_snapshot(obj, names: Iterable[str]) -> dict[str, Any]:
    if obj.pk is None:
        return {name: [] for name in names}
    return {name: sorted(str(o) for o in getattr(obj, name).all()) for name in names}


# --- Instruments ---------------------------------------------------------------------------


def _states_with_keeper(member_state: MemberState, others: Iterable[MemberState]) -> set[int]:
    return {member_state.pk, *(state.pk for state in others)}


@transaction.atomic
def instrument_create(
    *, actor: User | None, member_state: MemberState, data: Mapping[str, Any]
) -> Instrument:
    """A new instrument kept by ``member_state``; it applies to her and to ``member_states``."""
    instrument = Instrument(member_state=member_state)
    for name in INSTRUMENT_FIELDS:
        if name in data:
            setattr(instrument, name, data[name])
    _check_reference(instrument)
    instrument.full_clean()
    instrument.save()
    _set_relations(instrument, data)
    audit_record(
        actor=actor,
        action="policy_instrument.create",
        obj=instrument,
        changes=field_changes(
            {},
            {
                "member_state": member_state.iso2,
                **_snapshot(instrument, INSTRUMENT_FIELDS),
                **_relations_snapshot(instrument, INSTRUMENT_RELATIONS),
            },
        ),
    )
    return instrument


def _check_reference(instrument: Instrument) -> None:
    """The reference names one instrument of its state (a field error, not a crash)."""
    if instrument.reference and (
        Instrument.objects.filter(
            member_state_id=instrument.member_state_id, reference=instrument.reference
        )
        .exclude(pk=instrument.pk)
        .exists()
    ):
        raise ValidationError(
            {"reference": [_("This state has another instrument with this reference.")]}
        )


def _set_relations(instrument: Instrument, data: Mapping[str, Any]) -> None:
    if "areas" in data:
        instrument.areas.set(data["areas"])
    if "partners" in data:
        instrument.partners.set(data["partners"])
    others = data.get("member_states")
    if others is not None or not instrument.member_states.exists():
        instrument.member_states.set(_states_with_keeper(instrument.member_state, others or ()))


@transaction.atomic
def instrument_update(
    *, actor: User | None, instrument: Instrument, data: Mapping[str, Any]
) -> Instrument:
    instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
    names = (*INSTRUMENT_FIELDS, *INSTRUMENT_RELATIONS)
    before = {
        **_snapshot(instrument, INSTRUMENT_FIELDS),
        **_relations_snapshot(instrument, INSTRUMENT_RELATIONS),
    }
    for name in INSTRUMENT_FIELDS:
        if name in data:
            setattr(instrument, name, data[name])
    _check_reference(instrument)
    instrument.full_clean()
    instrument.save()
    _set_relations(instrument, data)
    after = {
        **_snapshot(instrument, INSTRUMENT_FIELDS),
        **_relations_snapshot(instrument, INSTRUMENT_RELATIONS),
    }
    changes = field_changes({n: before[n] for n in names}, {n: after[n] for n in names})
    if changes:
        audit_record(
            actor=actor, action="policy_instrument.update", obj=instrument, changes=changes
        )
    return instrument


@transaction.atomic
def instrument_delete(*, actor: User | None, instrument: Instrument) -> None:
    """Delete an instrument no self-assessment cites; a cited one is evidence and stays."""
    instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
    if instrument.area_statuses.exists():
        raise ValidationError(
            _(
                "This instrument is the evidence of an area status in a self-assessment; "
                "remove it from there first, or set its status to expired."
            )
        )
    audit_record(
        actor=actor,
        action="policy_instrument.delete",
        obj=instrument,
        changes=field_changes(_snapshot(instrument, INSTRUMENT_FIELDS), {}),
    )
    instrument.delete()


# --- Cycles --------------------------------------------------------------------------------


@transaction.atomic
def cycle_open(*, actor: User | None, data: Mapping[str, Any]) -> Cycle:
    """Open a new reporting cycle; only one cycle is open at a time."""
    if Cycle.objects.select_for_update().filter(status=CycleStatus.OPEN).exists():
        raise ValidationError(_("A cycle is open already: close it before you open the next one."))
    cycle = Cycle(
        status=CycleStatus.OPEN, **{name: data[name] for name in CYCLE_FIELDS if name in data}
    )
    cycle.full_clean()
    try:
        with transaction.atomic():
            cycle.save()
    except IntegrityError:  # another secretariat member opened one at the same moment
        raise ValidationError(
            _("A cycle is open already: close it before you open the next one.")
        ) from None
    audit_record(
        actor=actor,
        action="policy_cycle.open",
        obj=cycle,
        changes=field_changes({}, _snapshot(cycle, CYCLE_FIELDS)),
    )
    return cycle


@transaction.atomic
def cycle_close(*, actor: User | None, cycle: Cycle) -> Cycle:
    """Close (freeze) a cycle: nothing in its self-assessments changes any more."""
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status == CycleStatus.CLOSED:
        return cycle
    cycle.status = CycleStatus.CLOSED
    cycle.closed_at = timezone.now()
    cycle.save(update_fields=["status", "closed_at", "updated_at"])
    audit_record(
        actor=actor, action="policy_cycle.close", obj=cycle, changes={"status": ["open", "closed"]}
    )
    return cycle


def open_cycle() -> Cycle | None:
    return Cycle.objects.filter(status=CycleStatus.OPEN).first()


# --- Self-assessments ----------------------------------------------------------------------


def _frozen_error(assessment: SelfAssessment) -> ValidationError:
    if not assessment.cycle.is_open:
        return ValidationError(
            _("The cycle %(cycle)s is closed: its self-assessments can no longer change.")
            % {"cycle": assessment.cycle}
        )
    return ValidationError(
        _(
            "This self-assessment is %(status)s: it is read-only until the regional officer "
            "returns it."
        )
        % {"status": assessment.get_status_display()}
    )


@transaction.atomic
def self_assessment_start(
    *, actor: User | None, member_state: MemberState, cycle: Cycle
) -> SelfAssessment:
    """The state's self-assessment of ``cycle``, created as a draft the first time."""
    if not cycle.is_open:
        existing = SelfAssessment.objects.filter(member_state=member_state, cycle=cycle).first()
        if existing is not None:
            return existing
        raise ValidationError(_("The cycle %(cycle)s is closed.") % {"cycle": cycle})
    assessment, created = SelfAssessment.objects.get_or_create(
        member_state=member_state, cycle=cycle
    )
    if created:
        audit_record(actor=actor, action="policy_assessment.start", obj=assessment)
    return assessment


def _locked(assessment: SelfAssessment) -> SelfAssessment:
    return (
        SelfAssessment.objects.select_for_update(of=("self",))
        .select_related("cycle", "member_state")
        .get(pk=assessment.pk)
    )


@transaction.atomic
def area_status_set(
    *,
    actor: User | None,
    assessment: SelfAssessment,
    area: CopArea,
    level: int,
    instruments: Iterable[Instrument] = (),
    note: str = "",
) -> AreaStatus:
    """Record the state's level in ``area`` for the cycle, with its evidence."""
    assessment = _locked(assessment)
    if not assessment.is_editable:
        raise _frozen_error(assessment)
    instruments = list(instruments)
    note = (note or "").strip()
    errors: dict[str, list[str]] = {}
    if level not in Level.values:
        errors["level"] = [_("Choose one of the levels.")]
    elif level > Level.NONE and not instruments and not note:
        errors["instruments"] = [
            _(
                "A level above “none” needs evidence: choose the instruments that show it, "
                "or explain it in the note."
            )
        ]
    foreign = [
        instrument
        for instrument in instruments
        if not instrument.member_states.filter(pk=assessment.member_state_id).exists()
        and instrument.member_state_id != assessment.member_state_id
    ]
    if foreign:
        errors.setdefault("instruments", []).append(
            _("%(titles)s does not apply to %(state)s.")
            % {"titles": ", ".join(str(i) for i in foreign), "state": assessment.member_state}
        )
    if area.is_retired:
        errors["area"] = [_("This area is retired from the catalogue.")]
    if errors:
        raise ValidationError(errors)
    status = AreaStatus.objects.filter(assessment=assessment, area=area).first()
    before = (
        {
            "level": status.level,
            "note": status.note,
            "instruments": sorted(i.pk for i in status.instruments.all()),
        }
        if status
        else {}
    )
    if status is None:
        status = AreaStatus(assessment=assessment, area=area)
    status.level = level
    status.note = note
    status.full_clean(exclude=["assessment", "area"])
    status.save()
    status.instruments.set(instruments)
    after = {"level": level, "note": note, "instruments": sorted(i.pk for i in instruments)}
    changes = field_changes(before, after)
    if changes:
        audit_record(
            actor=actor,
            action="policy_area_status.set",
            obj=status,
            object_repr=f"{assessment} {area.code}",
            changes=changes,
        )
    return status


@transaction.atomic
def self_assessment_submit(*, actor: User | None, assessment: SelfAssessment) -> SelfAssessment:
    """Send the self-assessment for review: every area of the catalogue must have a level."""
    assessment = _locked(assessment)
    if not assessment.is_editable:
        raise _frozen_error(assessment)
    answered = set(assessment.area_statuses.values_list("area_id", flat=True))
    missing = list(
        CopArea.objects.filter(is_retired=False)
        .exclude(pk__in=answered)
        .order_by("position", "code")
    )
    if missing:
        raise ValidationError(
            _("Give a level for every area before you submit; missing: %(areas)s.")
            % {"areas": "; ".join(str(area) for area in missing)}
        )
    before = assessment.status
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment.submitted_by = actor if actor is not None and actor.is_authenticated else None
    assessment.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    audit_record(
        actor=actor,
        action="policy_assessment.submit",
        obj=assessment,
        changes={"status": [before, assessment.status]},
    )
    return assessment


@transaction.atomic
def self_assessment_review(
    *, actor: User | None, assessment: SelfAssessment, accept: bool, comment: str = ""
) -> SelfAssessment:
    """Accept a submitted self-assessment, or return it to the coordinator with a comment."""
    assessment = _locked(assessment)
    if not assessment.cycle.is_open:
        raise _frozen_error(assessment)
    if assessment.status != AssessmentStatus.SUBMITTED:
        raise ValidationError(
            _("Only a submitted self-assessment can be reviewed; this one is %(status)s.")
            % {"status": assessment.get_status_display()}
        )
    comment = (comment or "").strip()
    if not accept and not comment:
        raise ValidationError({"comment": [_("Say what the coordinator should change.")]})
    before = assessment.status
    assessment.status = AssessmentStatus.ACCEPTED if accept else AssessmentStatus.RETURNED
    assessment.reviewed_at = timezone.now()
    assessment.reviewed_by = actor if actor is not None and actor.is_authenticated else None
    assessment.review_comment = comment
    assessment.full_clean(exclude=["member_state", "cycle", "submitted_by", "reviewed_by"])
    assessment.save(
        update_fields=["status", "reviewed_at", "reviewed_by", "review_comment", "updated_at"]
    )
    audit_record(
        actor=actor,
        action="policy_assessment.accept" if accept else "policy_assessment.return",
        obj=assessment,
        changes={
            "status": [before, assessment.status],
            **({"comment": comment} if comment else {}),
        },
    )
    return assessment


# --- Roadmap -------------------------------------------------------------------------------


@transaction.atomic
def roadmap_target_set(
    *,
    actor: User | None,
    member_state: MemberState,
    area: CopArea,
    level: int | None,
    cycle: Cycle | None,
) -> RoadmapTarget | None:
    """Set (or, with no level, remove) the state's target in ``area``."""
    target = (
        RoadmapTarget.objects.select_for_update()
        .filter(member_state=member_state, area=area)
        .first()
    )
    before = {"level": target.level, "cycle": target.cycle.code} if target else {}
    if not level:
        if target is not None:
            target.delete()
            audit_record(
                actor=actor,
                action="policy_roadmap.remove",
                object_type="policies.roadmaptarget",
                object_repr=f"{member_state} {area.code}",
                changes=field_changes(before, {}),
            )
        return None
    if cycle is None:
        raise ValidationError(
            {"cycle": [_("Choose the cycle by which the level is to be reached.")]}
        )
    if target is None:
        target = RoadmapTarget(member_state=member_state, area=area)
    target.level = level
    target.cycle = cycle
    target.full_clean(exclude=["member_state", "area"])
    target.save()
    changes = field_changes(before, {"level": level, "cycle": cycle.code})
    if changes:
        audit_record(
            actor=actor,
            action="policy_roadmap.set",
            obj=target,
            object_repr=f"{member_state} {area.code}",
            changes=changes,
        )
    return target


# --- RDF discussions -----------------------------------------------------------------------


@transaction.atomic
def rdf_discussion_record(
    *,
    actor: User | None,
    region: Region,
    data: Mapping[str, Any],
    discussion: RdfDiscussion | None = None,
) -> RdfDiscussion:
    """Record (or correct) an RDF discussion. A correction withdraws its validation."""
    if discussion is None:
        discussion = RdfDiscussion(region=region)
        before: dict[str, Any] = {}
    else:
        discussion = RdfDiscussion.objects.select_for_update().get(pk=discussion.pk)
        before = _snapshot(discussion, RDF_FIELDS)
    for name in RDF_FIELDS:
        if name in data:
            setattr(discussion, name, data[name])
    discussion.full_clean()
    states = data.get("member_states")
    if states is not None:
        outside = [state for state in states if state.region_id != region.pk]
        if outside:
            raise ValidationError(
                {
                    "member_states": [
                        _("%(states)s is not in %(region)s.")
                        % {"states": ", ".join(str(s) for s in outside), "region": region}
                    ]
                }
            )
    changes = field_changes(before, _snapshot(discussion, RDF_FIELDS))
    if changes and discussion.validated_at is not None:
        discussion.validated_at = None
        discussion.validated_by = None
        changes["validated"] = [True, False]
    discussion.save()
    if states is not None:
        discussion.member_states.set(states)
    audit_record(
        actor=actor,
        action="policy_rdf.record" if not before else "policy_rdf.update",
        obj=discussion,
        changes=changes,
    )
    return discussion


@transaction.atomic
def rdf_discussion_validate(*, actor: User | None, discussion: RdfDiscussion) -> RdfDiscussion:
    """The secretariat validates a discussion: from then on it is public."""
    discussion = RdfDiscussion.objects.select_for_update().get(pk=discussion.pk)
    if discussion.validated_at is None:
        discussion.validated_at = timezone.now()
        discussion.validated_by = actor if actor is not None and actor.is_authenticated else None
        discussion.save(update_fields=["validated_at", "validated_by", "updated_at"])
        audit_record(
            actor=actor,
            action="policy_rdf.validate",
            obj=discussion,
            changes={"validated": [False, True]},
        )
    return discussion


@transaction.atomic
def roadmap_set(
    *,
    actor: User | None,
    member_state: MemberState,
    targets: Iterable[tuple[CopArea, int | None, Cycle | None]],
) -> list[RoadmapTarget]:
    """Set the state's whole roadmap at once: all targets are written, or none."""
    saved: list[RoadmapTarget] = []
    errors: dict[str, list[str]] = {}
    for area, level, cycle in targets:
        if level and cycle is None:
            errors[f"cycle_{area.pk}"] = [
                _("Choose the cycle by which %(area)s is to reach the level.") % {"area": area}
            ]
            continue
        target = roadmap_target_set(
            actor=actor, member_state=member_state, area=area, level=level, cycle=cycle
        )
        if target is not None:
            saved.append(target)
    if errors:
        raise ValidationError(errors)
    return saved
