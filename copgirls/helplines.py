"""Child helplines (issue 19): where a girl gets help, kept per member state.

A member state's coordinator keeps her state's helpline and reporting channel; the
secretariat keeps the default, pointing to Child Helpline International's directory, shown
where a state has none. The girls' closing pages read them on every submission, so the
helpline a page shows is cached, and every change bumps :data:`VERSION_KEY` (the pages'
cache keys carry it): a change shows on the next submission.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django import forms
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from copgirls.audit import audit_record, field_changes
from copgirls.models import ChildHelpline, MemberState, User
from copgirls.permissions import member_states_visible_to

#: The helplines' cache generation; part of every cache key holding a helpline.
VERSION_KEY = "child-helplines:version"
FIELDS = ("name", "phone", "website", "report_abuse", "report_url")


@dataclass(frozen=True)
class Helpline:
    """What a girl's page shows of a helpline (plain values: it is cached)."""

    name: str
    phone: str
    website: str
    report_abuse: str
    report_url: str
    is_default: bool

    @property
    def phone_href(self) -> str:
        """``tel:`` link: the digits and a leading +, nothing else."""
        digits = "".join(character for character in self.phone if character.isdigit())
        return f"tel:{'+' if self.phone.startswith('+') else ''}{digits}" if digits else ""


def _shown(helpline: ChildHelpline | None) -> Helpline | None:
    if helpline is None:
        return None
    return Helpline(
        name=helpline.name,
        phone=helpline.phone,
        website=helpline.website,
        report_abuse=helpline.report_abuse,
        report_url=helpline.report_url,
        is_default=helpline.member_state_id is None,
    )


# --- Selectors -----------------------------------------------------------------------


def helplines_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = str(time.time_ns())
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY, version)
    return version


def child_helpline_for(member_state_id: int | None) -> Helpline | None:
    """The helpline a girl of this member state is shown: her state's, else the default
    (one query)."""
    rows = ChildHelpline.objects.filter(
        Q(member_state_id=member_state_id) | Q(member_state__isnull=True)
        if member_state_id
        else Q(member_state__isnull=True)
    )
    by_state = {row.member_state_id: row for row in rows}
    return _shown(by_state.get(member_state_id) or by_state.get(None))


def child_helpline_default() -> ChildHelpline:
    helpline, _created = ChildHelpline.objects.get_or_create(
        member_state=None,
        defaults={
            "name": "Child Helpline International",
            "website": "https://childhelplineinternational.org/helplines/",
        },
    )
    return helpline


def member_states_with_helplines(user) -> QuerySet[MemberState]:
    """The member states in ``user``'s scope, each with its helpline (one query)."""
    return member_states_visible_to(user).select_related("child_helpline").order_by("name")


# --- Services ------------------------------------------------------------------------


@transaction.atomic
def child_helpline_save(
    *, actor: User, member_state: MemberState | None, data: dict
) -> ChildHelpline:
    """Create or change a member state's helpline (``member_state=None``: the default),
    validated whole, audited with its changed fields."""
    helpline = ChildHelpline.objects.select_for_update().filter(member_state=member_state).order_by(
        "pk"
    ).first() or ChildHelpline(member_state=member_state)
    before = {name: getattr(helpline, name) for name in FIELDS}
    created = helpline.pk is None
    for name in FIELDS:
        setattr(helpline, name, str(data.get(name, "") or "").strip())
    helpline.full_clean()
    changes = field_changes(before, {name: getattr(helpline, name) for name in FIELDS})
    if not changes and not created:
        return helpline
    helpline.save()
    audit_record(
        actor=actor,
        action="child_helpline.create" if created else "child_helpline.update",
        obj=helpline,
        changes=changes,
        object_repr=f"{member_state.name if member_state else 'default'}: {helpline.name}",
    )
    transaction.on_commit(lambda: cache.set(VERSION_KEY, str(time.time_ns()), None))
    return helpline


# --- Form ----------------------------------------------------------------------------


class ChildHelplineForm(forms.ModelForm):
    """The helpline's fields; the model's validators give the errors (phone, web address)."""

    class Meta:
        model = ChildHelpline
        fields = list(FIELDS)
        widgets = {
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            "website": forms.URLInput(),
            "report_url": forms.URLInput(),
            "report_abuse": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "website": _("Starting with https://, e.g. the helpline's own page."),
            "report_url": _("Where to report online abuse, e.g. a hotline's reporting form."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("website", "report_url"):
            # The model's validator says what is wrong; the browser's check would speak
            # the browser's language instead of hers.
            self.fields[name] = forms.CharField(
                label=self.fields[name].label,
                help_text=self.fields[name].help_text,
                required=False,
                max_length=300,
                widget=forms.URLInput(),
            )
