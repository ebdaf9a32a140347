"""Forms of the portal core: appointments, invitations, the audit-log filter."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from copgirls.emails import PortalEmailField
from copgirls.models import MemberState, Region, Role
from copgirls.names import collation_key, name_of, region_name


class _SortedByLabel(forms.models.ModelChoiceIterator):
    """The choices in the order of their labels as the reader's language writes them: in
    French "Égypte" comes before "Espagne", in Arabic the states follow the Arabic alphabet,
    not the English names."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        choices = [self.choice(obj) for obj in self.queryset]
        yield from sorted(choices, key=lambda choice: collation_key(str(choice[1])))


class MemberStateChoiceField(forms.ModelChoiceField):
    """A member state, named in the reader's language (CLDR) and sorted as she sorts."""

    iterator = _SortedByLabel

    def label_from_instance(self, obj):
        return name_of(obj)


class MemberStatesChoiceField(forms.ModelMultipleChoiceField):
    """Several member states, named in the reader's language (CLDR) and sorted as she sorts."""

    iterator = _SortedByLabel

    def label_from_instance(self, obj):
        return name_of(obj)


class RegionChoiceField(forms.ModelChoiceField):
    """An ITU-D region, named in the reader's language and sorted as she sorts."""

    iterator = _SortedByLabel

    def label_from_instance(self, obj):
        return region_name(obj.name)


class AppointmentForm(forms.Form):
    """The secretariat appoints a coordinator (member state) or a regional officer (region)."""

    email = PortalEmailField(
        label=_("E-mail address"),
        help_text=_("The invitation is sent to this address and works only for it."),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[
            (Role.COORDINATOR, Role.COORDINATOR.label),
            (Role.REGIONAL_OFFICER, Role.REGIONAL_OFFICER.label),
        ],
        error_messages={"invalid_choice": _("Choose one of the roles listed.")},
    )
    member_state = MemberStateChoiceField(
        label=_("Member state"),
        queryset=MemberState.objects.order_by("name"),
        required=False,
        help_text=_("For a member-state coordinator."),
        error_messages={"invalid_choice": _("Choose a member state from the list.")},
    )
    region = RegionChoiceField(
        label=_("ITU-D region"),
        queryset=Region.objects.order_by("name"),
        required=False,
        help_text=_("For a regional officer."),
        error_messages={"invalid_choice": _("Choose a region from the list.")},
    )

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role == Role.COORDINATOR:
            if not data.get("member_state"):
                self.add_error(
                    "member_state", _("Choose the member state this coordinator will look after.")
                )
            data["region"] = None
        elif role == Role.REGIONAL_OFFICER:
            if not data.get("region"):
                self.add_error("region", _("Choose the region this officer will look after."))
            data["member_state"] = None
        return data


class FacilitatorInvitationForm(forms.Form):
    email = PortalEmailField(
        label=_("Facilitator's e-mail address"),
        help_text=_("The invitation is sent to this address and works only for it."),
    )


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Action"), required=False, max_length=64)
    actor = forms.CharField(label=_("Who (e-mail contains)"), required=False, max_length=254)
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=64)
    text = forms.CharField(label=_("Object (contains)"), required=False, max_length=255)
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")},
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")},
    )

    def __init__(self, *args, actions=(), object_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.actions = list(actions)
        self.object_types = list(object_types)
        self.fields["action"].widget.attrs["list"] = "audit-actions"
        self.fields["object_type"].widget.attrs["list"] = "audit-object-types"

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


def apply_errors(form: forms.Form, error) -> None:
    """Put a service's ValidationError on the form: on its field when the form has one."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
