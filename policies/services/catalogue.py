"""The secretariat keeps the resolve-1 catalogues: COP areas, the ITU-D regional
initiatives and the partner organisations. Every write is audited, inside its transaction.

A code names an entry for good (imports, exports, the report's strategy area): it is set
when the entry is added, made of capital letters, digits and hyphens, unique in its
catalogue, and never changes. Translations are kept per language beside the English
fields, shaped as the shipped ``*.i18n.json`` (see :mod:`copgirls.i18n`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from copgirls.audit import audit_record, field_changes
from copgirls.models import User
from policies.models import CopArea, PartnerOrganisation, RegionalInitiative

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]*$")

AREA_FIELDS = ("title", "slug", "guidance", "evidence", "position", "is_retired", "translations")
INITIATIVE_FIELDS = ("region", "title", "period_start", "period_end", "touches_cop", "translations")
PARTNER_FIELDS = ("name", "kind", "translations")


def normalised_code(code: str | None) -> str:
    return (code or "").strip().upper()


def _snapshot(entry: models.Model, names: Iterable[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in names:
        value = getattr(entry, name)
        values[name] = str(value) if isinstance(value, models.Model) else value
    return values


def _check_code(model: type[models.Model], code: str, what: str) -> None:
    """Refuse a code that is empty, badly formed or already taken, on the code field."""
    if not code:
        raise ValidationError({"code": [_("Give the entry a code.")]})
    if not CODE_PATTERN.match(code):
        raise ValidationError(
            {
                "code": [
                    _(
                        "%(code)s is not a code: use capital letters, digits and hyphens "
                        "only (for example A13 or EUR6)."
                    )
                    % {"code": code}
                ]
            }
        )
    if model._default_manager.filter(code=code).exists():
        raise ValidationError(
            {
                "code": [
                    _("%(what)s %(code)s exists already: choose another code.")
                    % {"what": what, "code": code}
                ]
            }
        )


def _create(
    *,
    actor: User | None,
    model: type[models.Model],
    fields: tuple[str, ...],
    data: Mapping[str, Any],
    action: str,
    what: str,
) -> models.Model:
    code = normalised_code(data.get("code"))
    _check_code(model, code, what)
    entry = model(code=code, **{name: data[name] for name in fields if name in data})
    entry.full_clean()
    entry.save()
    audit_record(
        actor=actor,
        action=action,
        obj=entry,
        changes=field_changes({}, {"code": code, **_snapshot(entry, fields)}),
    )
    return entry


def _update(
    *,
    actor: User | None,
    entry: models.Model,
    fields: tuple[str, ...],
    data: Mapping[str, Any],
    action: str,
) -> models.Model:
    entry = type(entry)._default_manager.select_for_update().get(pk=entry.pk)
    before = _snapshot(entry, fields)
    for name in fields:
        if name in data:
            setattr(entry, name, data[name])
    entry.full_clean()
    changes = field_changes(before, _snapshot(entry, fields))
    if changes:
        entry.save()
        audit_record(actor=actor, action=action, obj=entry, changes=changes)
    return entry


# --- COP areas -----------------------------------------------------------------------------


def _check_slug(slug: str | None, area: CopArea | None = None) -> None:
    if slug and CopArea.objects.filter(slug=slug).exclude(pk=area.pk if area else None).exists():
        raise ValidationError(
            {"slug": [_("Another COP area has the slug %(slug)s.") % {"slug": slug}]}
        )


@transaction.atomic
def cop_area_create(*, actor: User | None, data: Mapping[str, Any]) -> CopArea:
    """Add an area to the catalogue; self-assessments of open cycles then need a level in it."""
    _check_slug(data.get("slug"))
    return _create(
        actor=actor,
        model=CopArea,
        fields=AREA_FIELDS,
        data=data,
        action="policy_area.create",
        what=_("The COP area"),
    )


@transaction.atomic
def cop_area_update(*, actor: User | None, area: CopArea, data: Mapping[str, Any]) -> CopArea:
    """Correct an area's texts, its place in the list or its retirement (not its code)."""
    _check_slug(data.get("slug"), area)
    return _update(
        actor=actor, entry=area, fields=AREA_FIELDS, data=data, action="policy_area.update"
    )


# --- Regional initiatives ------------------------------------------------------------------


@transaction.atomic
def regional_initiative_create(
    *, actor: User | None, data: Mapping[str, Any]
) -> RegionalInitiative:
    return _create(
        actor=actor,
        model=RegionalInitiative,
        fields=INITIATIVE_FIELDS,
        data=data,
        action="policy_initiative.create",
        what=_("The regional initiative"),
    )


@transaction.atomic
def regional_initiative_update(
    *, actor: User | None, initiative: RegionalInitiative, data: Mapping[str, Any]
) -> RegionalInitiative:
    """Correct an initiative. Its region changes only while nothing of the old region is
    linked to it (member states, celebrations, instruments)."""
    region = data.get("region")
    if region is not None and region.pk != initiative.region_id:
        linked = (
            initiative.member_states.exists()
            or initiative.celebrations.exists()
            or initiative.instruments.exists()
        )
        if linked:
            raise ValidationError(
                {
                    "region": [
                        _(
                            "Member states, celebrations or instruments of %(region)s are "
                            "linked to this initiative: unlink them before you move it to "
                            "another region."
                        )
                        % {"region": initiative.region}
                    ]
                }
            )
    return _update(
        actor=actor,
        entry=initiative,
        fields=INITIATIVE_FIELDS,
        data=data,
        action="policy_initiative.update",
    )


# --- Partner organisations -----------------------------------------------------------------


@transaction.atomic
def partner_create(*, actor: User | None, data: Mapping[str, Any]) -> PartnerOrganisation:
    return _create(
        actor=actor,
        model=PartnerOrganisation,
        fields=PARTNER_FIELDS,
        data=data,
        action="policy_partner.create",
        what=_("The partner organisation"),
    )


@transaction.atomic
def partner_update(
    *, actor: User | None, partner: PartnerOrganisation, data: Mapping[str, Any]
) -> PartnerOrganisation:
    return _update(
        actor=actor, entry=partner, fields=PARTNER_FIELDS, data=data, action="policy_partner.update"
    )
