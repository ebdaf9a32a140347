"""What is linked to an ITU-D regional initiative: the member states of its region that
take part and the Girls in ICT celebrations they held under it (instruments name their
initiative themselves). Kept by the region's officers and the secretariat; audited.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from copgirls.audit import audit_record, field_changes
from copgirls.models import MemberState, User
from events.models import Event
from policies.models import RegionalInitiative


def _ids(objects: Iterable) -> list[int]:
    return sorted(obj.pk for obj in objects)


@transaction.atomic
def regional_initiative_links_set(
    *,
    actor: User | None,
    initiative: RegionalInitiative,
    member_states: Iterable[MemberState],
    celebrations: Iterable[Event],
) -> RegionalInitiative:
    """Link exactly these member states and celebrations to ``initiative`` (all or nothing).

    Both belong to the initiative's region, and a celebration is held within the
    initiative's period; anything else is refused on its field, naming what is wrong.
    """
    initiative = (
        RegionalInitiative.objects.select_for_update()
        .select_related("region")
        .get(pk=initiative.pk)
    )
    member_states = list(member_states)
    celebrations = list(celebrations)
    region = initiative.region
    errors: dict[str, list[str]] = {}
    outside = [state for state in member_states if state.region_id != region.pk]
    if outside:
        errors["member_states"] = [
            _("%(states)s is not in %(region)s, the region of this initiative.")
            % {"states": ", ".join(str(state) for state in outside), "region": region}
        ]
    region_states = set(MemberState.objects.filter(region=region).values_list("pk", flat=True))
    foreign = [event for event in celebrations if event.member_state_id not in region_states]
    if foreign:
        errors.setdefault("celebrations", []).append(
            _("%(celebrations)s is not held in %(region)s, the region of this initiative.")
            % {"celebrations": "; ".join(str(event) for event in foreign), "region": region}
        )
    untimely = [
        event
        for event in celebrations
        if event not in foreign
        and not initiative.period_start <= event.year <= initiative.period_end
    ]
    if untimely:
        errors.setdefault("celebrations", []).append(
            _("%(celebrations)s is held outside the initiative's period (%(start)s–%(end)s).")
            % {
                "celebrations": "; ".join(f"{event} ({event.year})" for event in untimely),
                "start": initiative.period_start,
                "end": initiative.period_end,
            }
        )
    if errors:
        raise ValidationError(errors)
    before = {
        "member_states": _ids(initiative.member_states.all()),
        "celebrations": _ids(initiative.celebrations.all()),
    }
    after = {"member_states": _ids(member_states), "celebrations": _ids(celebrations)}
    changes = field_changes(before, after)
    if changes:
        initiative.member_states.set(member_states)
        initiative.celebrations.set(celebrations)
        audit_record(actor=actor, action="policy_initiative.links", obj=initiative, changes=changes)
    return initiative
