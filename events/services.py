"""Writes to celebrations, the COP module catalogue and COP sessions. Every write is audited."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import PROTECT, Count, F, OuterRef, ProtectedError, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, npgettext

from copgirls.audit import audit_record, field_changes
from copgirls.closed_years import closed_year_refusal, refuses_changes
from copgirls.models import MemberState, User
from events import guards
from events.columns import IMPORT_NAMES, LIST_SEPARATOR
from events.importing import (
    ImportRefused,
    RowError,
    Table,
    Validated,
    read_table,
    validate_rows,
)
from events.models import (
    AgeBand,
    Attendance,
    CopModule,
    CopSession,
    Event,
    EventStatus,
    Gender,
)
from events.permissions import can_register_events
from events.timezones import default_time_zone

#: The fields of a celebration a coordinator edits (and an import sets).
EVENT_FIELDS = (
    "title",
    "organiser_reference",
    "city",
    "organiser",
    "organiser_type",
    "format",
    "activity_type",
    "start_date",
    "end_date",
    "target_age_bands",
    "expected_girls",
    "actual_girls",
    "languages",
    "description",
    "link",
)
MODULE_FIELDS = (
    "code",
    "slug",
    "title",
    "summary",
    "risk_areas",
    "age_bands",
    "learning_objectives",
    "position",
    "translations",
)
SESSION_FIELDS = (
    "module",
    "starts_at",
    "duration_minutes",
    "delivery",
    "language",
    "guardian_consent_confirmed",
)

#: Optional ones too: left out, a session's time zone is its member state's when it has one.
SNAPSHOT_FIELDS = (*SESSION_FIELDS, "time_zone")

Counts = Mapping[tuple[str, str], int]


def refuse_closed_year(year: int | None, field: str | None = None) -> None:
    """Refuse a change to a closed year's celebrations, COP sessions or attendance.

    A closed year's figures are published and final (:mod:`copgirls.publication`): a
    change would make two outputs of the same year differ by it — possibly fewer than 10
    girls. ``field`` is the form field the message belongs to (``None``: the whole form).
    """
    if refuses_changes(year):
        message = closed_year_refusal(year)
        raise ValidationError({field: message} if field else message, code="closed_year")


def _snapshot(obj, names) -> dict[str, Any]:
    return {name: getattr(obj, f"{name}_id" if name == "module" else name) for name in names}


# --- Celebrations ------------------------------------------------------------------------------


@transaction.atomic
def event_create(
    *, actor: User | None, member_state: MemberState, data: Mapping[str, Any]
) -> Event:
    event = Event(member_state=member_state, created_by=actor, status=EventStatus.DRAFT)
    for name in EVENT_FIELDS:
        if name in data:
            setattr(event, name, data[name])
    event.year = event.start_date.year if event.start_date else None
    refuse_closed_year(event.year, "start_date")
    event.full_clean(exclude=["year"] if event.start_date is None else None)
    event.save()
    audit_record(
        actor=actor,
        action="event.create",
        obj=event,
        changes=field_changes(
            {}, {"member_state": member_state.iso2, **_snapshot(event, EVENT_FIELDS)}
        ),
    )
    return event


@transaction.atomic
def event_update(*, actor: User | None, event: Event, data: Mapping[str, Any]) -> Event:
    event = Event.objects.select_for_update().get(pk=event.pk)
    refuse_closed_year(event.year)  # out of a closed year, or within one
    before = _snapshot(event, EVENT_FIELDS)
    for name in EVENT_FIELDS:
        if name in data:
            setattr(event, name, data[name])
    event.year = event.start_date.year
    refuse_closed_year(event.year, "start_date")  # into a closed year
    event.full_clean()
    changes = field_changes(before, _snapshot(event, EVENT_FIELDS))
    if changes:
        event.save()
        audit_record(actor=actor, action="event.update", obj=event, changes=changes)
    return event


_TRANSITIONS = {
    EventStatus.PUBLISHED: (EventStatus.DRAFT,),
    EventStatus.COMPLETED: (EventStatus.PUBLISHED,),
}


@transaction.atomic
def _event_set_status(*, actor: User | None, event: Event, status: str) -> Event:
    event = Event.objects.select_for_update().select_related("member_state").get(pk=event.pk)
    refuse_closed_year(event.year)
    if event.status not in _TRANSITIONS[status]:
        raise ValidationError(
            _("A %(current)s celebration cannot become %(new)s.")
            % {"current": event.get_status_display(), "new": EventStatus(status).label},
            code="invalid_transition",
        )
    old = event.status
    event.status = status
    event.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor, action=f"event.{status}", obj=event, changes={"status": [old, status]}
    )
    return event


def event_publish(*, actor: User | None, event: Event) -> Event:
    """Draft → published: the celebration appears on the public pages."""
    return _event_set_status(actor=actor, event=event, status=EventStatus.PUBLISHED)


def event_complete(*, actor: User | None, event: Event) -> Event:
    """Published → completed: it took place (actual numbers are known)."""
    return _event_set_status(actor=actor, event=event, status=EventStatus.COMPLETED)


# --- Import ------------------------------------------------------------------------------------


@dataclass
class ImportOutcome:
    """What an import did, or why it did nothing."""

    refused: str = ""
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.refused and not self.error_count


#: Fields an import compares and writes on an existing celebration.
_IMPORTED_FIELDS = (*EVENT_FIELDS, "status")


def events_import(*, actor: User, upload) -> ImportOutcome:
    """Validate the whole file, then write every row or none.

    A row whose (member state, year, organiser reference) already exists updates that
    celebration, so importing the same file twice changes nothing the second time.
    """
    try:
        table = read_table(upload)
    except ImportRefused as refused:
        return ImportOutcome(refused=refused.message)
    return _import_table(actor=actor, table=table, name=upload.name)


def import_summary(outcome: ImportOutcome) -> str:
    """ "Imported 1 row: 1 new celebration, 0 updated, 0 unchanged.", each count in its
    plural form."""
    parts = {
        "created": npgettext(
            "imported", "%(count)s new celebration", "%(count)s new celebrations", outcome.created
        )
        % {"count": outcome.created},
        "updated": npgettext("imported", "%(count)s updated", "%(count)s updated", outcome.updated)
        % {"count": outcome.updated},
        "unchanged": npgettext(
            "imported", "%(count)s unchanged", "%(count)s unchanged", outcome.unchanged
        )
        % {"count": outcome.unchanged},
    }
    return ngettext(
        "Imported %(rows)s row: %(created)s, %(updated)s, %(unchanged)s.",
        "Imported %(rows)s rows: %(created)s, %(updated)s, %(unchanged)s.",
        outcome.rows,
    ) % {"rows": outcome.rows, **parts}


def _import_table(*, actor: User, table: Table, name: str) -> ImportOutcome:
    """Validate every row of ``table``, then write them all or none (file and API alike)."""
    states = list(MemberState.objects.select_related("region"))
    by_code = {state.iso2: state for state in states} | {state.iso3: state for state in states}
    allowed = {state.pk for state in states if can_register_events(actor, state)}
    validated = validate_rows(table, member_states=by_code, allowed_state_ids=allowed)
    outcome = ImportOutcome(rows=len(table.rows))
    if validated.error_count:
        outcome.errors, outcome.error_count = validated.errors, validated.error_count
        return outcome
    _write_import(actor=actor, rows=validated.events, outcome=outcome, name=name)
    return outcome


def events_upsert(
    *, actor: User, items: list[Mapping[str, Any]], name: str = "API"
) -> ImportOutcome:
    """The import for celebrations that arrive as data (the API's bulk upsert), not a file.

    Each item holds the import's columns (lists as lists, dates as dates); it is checked by
    the same :func:`validate_rows` and written by the same all-or-nothing writer, so a
    celebration sent through the API and the same one in a spreadsheet end up identical.
    Errors name the item's 0-based index as their ``row``.
    """
    header = list(IMPORT_NAMES)
    rows = []
    for item in items:
        cells = []
        for column in header:
            value = item.get(column)
            if isinstance(value, list | tuple):
                value = LIST_SEPARATOR.join(str(part) for part in value)
            cells.append("" if value is None else value)
        rows.append(cells)
    table = Table(header=header, rows=rows, kind="api", numbers=list(range(len(rows))))
    return _import_table(actor=actor, table=table, name=name)


@transaction.atomic
def _write_import(*, actor: User, rows: list[dict[str, Any]], outcome: ImportOutcome, name: str):
    state_ids = sorted({row["member_state"].pk for row in rows})
    years = {row["start_date"].year for row in rows}
    # Serialise concurrent imports for the same member states (the key is unique per state).
    list(MemberState.objects.select_for_update().filter(pk__in=state_ids).values_list("pk"))
    existing = {
        (event.member_state_id, event.year, event.organiser_reference): event
        for event in Event.objects.filter(member_state_id__in=state_ids, year__in=years).only(
            "pk", "member_state_id", "year", *_IMPORTED_FIELDS
        )
    }
    now = timezone.now()
    to_create: list[Event] = []
    to_update: list[Event] = []
    created_keys: list[str] = []
    updated: dict[str, list[str]] = {}
    closed = Validated()  # rows that would change a closed year: refused, nothing written
    for row in rows:
        state = row["member_state"]
        key = (state.pk, row["start_date"].year, row["organiser_reference"])
        label = f"{state.iso2}/{key[1]}/{key[2]}"
        event = existing.get(key)
        if event is None:
            if refuses_changes(key[1]):
                closed.add(row["row"], "start_date", closed_year_refusal(key[1]))
                continue
            event = Event(member_state=state, created_by=actor, year=key[1])
            for name_ in _IMPORTED_FIELDS:
                setattr(event, name_, row[name_])
            event.status = row["status"] or EventStatus.DRAFT
            to_create.append(event)
            created_keys.append(label)
            continue
        # An empty status leaves the celebration's status as it is.
        names = _IMPORTED_FIELDS if row["status"] else EVENT_FIELDS
        changed = [name_ for name_ in names if getattr(event, name_) != row[name_]]
        if not changed:
            outcome.unchanged += 1  # a closed year's row as it stands (an export) is fine
            continue
        if refuses_changes(key[1]):
            for name_ in changed:
                closed.add(row["row"], name_, closed_year_refusal(key[1]))
            continue
        for name_ in changed:
            setattr(event, name_, row[name_])
        event.updated_at = now
        to_update.append(event)
        updated[label] = changed
    if closed.error_count:
        outcome.errors, outcome.error_count = closed.errors, closed.error_count
        outcome.unchanged = 0
        return
    Event.objects.bulk_create(to_create, batch_size=500)
    Event.objects.bulk_update(to_update, [*_IMPORTED_FIELDS, "updated_at"], batch_size=500)
    outcome.created, outcome.updated = len(to_create), len(to_update)
    audit_record(
        actor=actor,
        action="event.import",
        object_type="events.event",
        object_repr=(name or "")[:255],
        changes={
            "rows": outcome.rows,
            "created": created_keys,
            "updated": updated,
            "unchanged": outcome.unchanged,
        },
    )


# --- The COP module catalogue -----------------------------------------------------------------


@transaction.atomic
def cop_module_create(*, actor: User | None, data: Mapping[str, Any]) -> CopModule:
    module = CopModule(**{name: data[name] for name in MODULE_FIELDS if name in data})
    module.full_clean()
    module.save()
    audit_record(
        actor=actor,
        action="cop_module.create",
        obj=module,
        changes=field_changes({}, _snapshot(module, MODULE_FIELDS)),
    )
    return module


@transaction.atomic
def cop_module_update(
    *, actor: User | None, module: CopModule, data: Mapping[str, Any]
) -> CopModule:
    module = CopModule.objects.select_for_update().get(pk=module.pk)
    before = _snapshot(module, MODULE_FIELDS)
    for name in MODULE_FIELDS:
        if name in data:
            setattr(module, name, data[name])
    module.full_clean()
    changes = field_changes(before, _snapshot(module, MODULE_FIELDS))
    if changes:
        module.save()
        audit_record(actor=actor, action="cop_module.update", obj=module, changes=changes)
    return module


@transaction.atomic
def cop_module_set_retired(*, actor: User | None, module: CopModule, retired: bool) -> CopModule:
    """Retire (or reinstate) a module: a retired one cannot be chosen for new sessions."""
    module = CopModule.objects.select_for_update().get(pk=module.pk)
    if module.is_retired != retired:
        module.is_retired = retired
        module.save(update_fields=["is_retired", "updated_at"])
        audit_record(
            actor=actor,
            action="cop_module.retire" if retired else "cop_module.reinstate",
            obj=module,
            changes={"is_retired": [not retired, retired]},
        )
    return module


def cop_module_in_use(module: CopModule) -> bool:
    """Whether rows refer to the module that protect it from deletion: its COP sessions, or
    another app's (questionnaires), found from the relations without naming those apps."""
    return any(
        relation.related_model._base_manager.filter(**{relation.field.name: module}).exists()
        for relation in CopModule._meta.related_objects
        if relation.on_delete is PROTECT
    )


@transaction.atomic
def cop_module_delete(*, actor: User | None, module: CopModule) -> None:
    """Delete a module nobody has used yet; a module in use can only be retired."""
    module = CopModule.objects.select_for_update().get(pk=module.pk)
    in_use = ValidationError(
        _("%(module)s is in use by COP sessions or questionnaires: retire it instead.")
        % {"module": module},
        code="in_use",
    )
    if cop_module_in_use(module):
        raise in_use
    audit_record(
        actor=actor,
        action="cop_module.delete",
        obj=module,
        changes=field_changes(_snapshot(module, MODULE_FIELDS), {}),
    )
    try:
        with transaction.atomic():
            module.delete()
    except ProtectedError:
        raise in_use from None


# --- COP sessions ----------------------------------------------------------------------------


ATTENDANCE_CELLS = [(band, gender) for band in AgeBand.values for gender in Gender.values]


def girls_attending(attendance: Counts) -> int:
    return sum(count for (_band, gender), count in attendance.items() if gender == Gender.GIRL)


def attendance_warning(event: Event, attendance: Counts) -> str:
    """A warning when more girls attended the session than the celebration reached."""
    girls = girls_attending(attendance)
    if event.actual_girls is not None and girls > event.actual_girls:
        reached = npgettext(
            "the girls a celebration reached",
            "the %(count)s girl the celebration reached",
            "the %(count)s girls the celebration reached",
            event.actual_girls,
        ) % {"count": event.actual_girls}
        return ngettext(
            "%(girls)s girl attended this session, more than %(reached)s. Check the counts, "
            "or confirm that they are right.",
            "%(girls)s girls attended this session, more than %(reached)s. Check the counts, "
            "or confirm that they are right.",
            girls,
        ) % {"girls": girls, "reached": reached}
    return ""


def _clean_attendance(attendance: Counts) -> dict[tuple[str, str], int]:
    cells: dict[tuple[str, str], int] = {}
    for (band, gender), count in attendance.items():
        if (band, gender) not in ATTENDANCE_CELLS:
            raise ValidationError(_("Unknown attendance cell %(cell)s.") % {"cell": (band, gender)})
        if count is None:
            continue
        if not isinstance(count, int) or count < 0:
            raise ValidationError(
                _("Attendance counts are whole numbers of 0 or more."), code="negative"
            )
        if count:
            cells[(band, gender)] = count
    return cells


def _write_session(
    *,
    actor: User | None,
    session: CopSession,
    data: Mapping[str, Any],
    attendance: Counts,
    confirm_over_attendance: bool,
    action: str,
) -> CopSession:
    before = {**_snapshot(session, SNAPSHOT_FIELDS), "attendance": _attendance_of(session)}
    module = data.get("module")
    if module is not None and module.is_retired and module.pk != before["module"]:
        raise ValidationError(
            {"module": _("This module is retired: choose another one.")}, code="retired"
        )
    if module is not None and session.pk is not None and module.pk != before["module"]:
        guards.module_change_check(session=session, module=module)
    for name in SNAPSHOT_FIELDS:
        if name in data:
            setattr(session, name, data[name])
    if not session.time_zone:
        session.time_zone = default_time_zone(session.event.member_state.iso2)
    cells = _clean_attendance(attendance)
    warning = attendance_warning(session.event, cells)
    if warning and not confirm_over_attendance:
        raise ValidationError(warning, code="over_attendance")
    session.full_clean()
    session.save()
    session.attendance.all().delete()
    Attendance.objects.bulk_create(
        [
            Attendance(session=session, age_band=band, gender=gender, count=count)
            for (band, gender), count in cells.items()
        ]
    )
    after = {
        **_snapshot(session, SNAPSHOT_FIELDS),
        "attendance": {f"{band}/{gender}": count for (band, gender), count in cells.items()},
    }
    changes = field_changes(before, after)
    if changes or action == "cop_session.log":
        audit_record(actor=actor, action=action, obj=session, changes=changes)
    return session


def _attendance_of(session: CopSession) -> dict[str, int]:
    if session.pk is None:
        return {}
    return {
        f"{band}/{gender}": count
        for band, gender, count in session.attendance.values_list("age_band", "gender", "count")
    }


@transaction.atomic
def cop_session_log(
    *,
    actor: User | None,
    event: Event,
    data: Mapping[str, Any],
    attendance: Counts,
    confirm_over_attendance: bool = False,
) -> CopSession:
    """Log a COP session held at ``event``; the celebration then integrates COP.

    The same form sent twice by the same person (a double tap, a resend on a flaky
    connection) logs one session: a session of hers identical in every field and count is
    returned instead of a second one. The celebration's row lock orders the two requests.
    """
    event = Event.objects.select_for_update().get(pk=event.pk)
    refuse_closed_year(event.year)
    twin = _logged_twin(event=event, actor=actor, data=data, attendance=attendance)
    if twin is not None:
        return twin
    session = CopSession(event=event, facilitator=actor)
    session = _write_session(
        actor=actor,
        session=session,
        data=data,
        attendance=attendance,
        confirm_over_attendance=confirm_over_attendance,
        action="cop_session.log",
    )
    _count_sessions(event, +1)
    return session


def _logged_twin(
    *, event: Event, actor: User | None, data: Mapping[str, Any], attendance: Counts
) -> CopSession | None:
    if actor is None or any(name not in data for name in SESSION_FIELDS):
        return None
    cells = {f"{band}/{gender}": count for (band, gender), count in attendance.items() if count}
    candidates = CopSession.objects.filter(
        event=event, facilitator=actor, **{name: data[name] for name in SESSION_FIELDS}
    )
    for candidate in candidates:
        if _attendance_of(candidate) == cells:
            return candidate
    return None


@transaction.atomic
def cop_session_update(
    *,
    actor: User | None,
    session: CopSession,
    data: Mapping[str, Any],
    attendance: Counts,
    confirm_over_attendance: bool = False,
) -> CopSession:
    session = (
        CopSession.objects.select_for_update().select_related("event", "module").get(pk=session.pk)
    )
    refuse_closed_year(session.event.year)
    return _write_session(
        actor=actor,
        session=session,
        data=data,
        attendance=attendance,
        confirm_over_attendance=confirm_over_attendance,
        action="cop_session.update",
    )


def _count_sessions(event: Event, change: int) -> None:
    """Move the celebration's ``cop_session_count`` by ``change``, in the caller's transaction.

    An ``F()`` update, so concurrent writers never lose an increment; the row is locked by the
    caller anyway. The column's CHECK (>= 0) refuses a count that would go negative.
    """
    Event.objects.filter(pk=event.pk).update(cop_session_count=F("cop_session_count") + change)
    event.cop_session_count += change


def cop_session_counts_repair() -> list[int]:
    """Recount the COP sessions of every celebration whose stored count is wrong (nightly).

    The services keep ``cop_session_count`` in step with the sessions they write; this
    repairs what wrote sessions around them (raw SQL, a partial restore). One read finds
    the celebrations out of step — usually none; each is then recounted under its row's
    lock, which the services hold while they add or remove a session, so a session logged
    at the same moment is counted exactly once. Returns the celebrations corrected.
    """
    actual = Coalesce(
        Subquery(
            CopSession.objects.filter(event=OuterRef("pk"))
            .order_by()
            .values("event")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        0,
    )
    drifted = list(Event.objects.exclude(cop_session_count=actual).values_list("pk", flat=True))
    corrected = []
    for pk in drifted:
        with transaction.atomic():
            event = Event.objects.select_for_update().filter(pk=pk).first()
            if event is None:
                continue
            count = CopSession.objects.filter(event_id=pk).count()
            if count != event.cop_session_count:
                Event.objects.filter(pk=pk).update(cop_session_count=count)
                audit_record(
                    actor=None,
                    action="event.cop_session_count.repair",
                    obj=event,
                    changes={"cop_session_count": [event.cop_session_count, count]},
                )
                corrected.append(pk)
    return corrected


def _removed(values: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, None]}``: the audit trail of a deleted object's values."""
    return {name: [new, old] for name, (old, new) in field_changes({}, values).items()}


@transaction.atomic
def cop_session_delete(*, actor: User | None, session: CopSession) -> None:
    """Delete a COP session logged by mistake (with its attendance and collection links).

    Refused by any app's deletion guard (:mod:`events.guards`) — assessments refuses once
    participants have answered: their responses are only removed by erasure.
    """
    event = Event.objects.select_for_update().get(pk=session.event_id)
    refuse_closed_year(event.year)
    session = CopSession.objects.select_for_update().get(pk=session.pk)
    guards.deletion_check(sessions=CopSession.objects.filter(pk=session.pk))
    audit_record(
        actor=actor,
        action="cop_session.delete",
        obj=session,
        changes=_removed(
            {
                "event": event.pk,
                **_snapshot(session, SESSION_FIELDS),
                "attendance": _attendance_of(session),
            }
        ),
    )
    session.delete()
    _count_sessions(event, -1)


@transaction.atomic
def event_delete(*, actor: User | None, event: Event) -> None:
    """Delete a celebration registered by mistake, with its COP sessions.

    Refused by any app's deletion guard (:mod:`events.guards`) — assessments refuses once
    participants have answered in one of its sessions.
    """
    event = Event.objects.select_for_update().select_related("member_state").get(pk=event.pk)
    refuse_closed_year(event.year)
    guards.deletion_check(sessions=event.cop_sessions.all(), event=event)
    audit_record(
        actor=actor,
        action="event.delete",
        obj=event,
        changes=_removed(
            {
                "member_state": event.member_state.iso2,
                **_snapshot(event, EVENT_FIELDS),
                "cop_sessions": event.cop_session_count,
            }
        ),
    )
    event.delete()
