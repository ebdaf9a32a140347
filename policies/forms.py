"""Forms of the resolve-1 pages. They shape input; the rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from copgirls.forms import MemberStatesChoiceField
from copgirls.i18n import compact, languages_named, localized, translation_languages
from copgirls.models import MemberState, Region
from copgirls.names import long_date, member_state_name, region_name
from copgirls.validators import no_invisible_controls
from policies.models import (
    LEVEL_DEFINITIONS,
    CopArea,
    Cycle,
    Instrument,
    Level,
    PartnerOrganisation,
    RdfDiscussion,
    RegionalInitiative,
    adoption_errors,
)


class LocalizedChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        if isinstance(obj, CopArea):
            return f"{obj.code} {localized(obj, 'title')}"
        if isinstance(obj, PartnerOrganisation):
            return str(localized(obj, "name"))
        return str(obj)


class InitiativeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {localized(obj, 'title')}"


class InstrumentForm(forms.ModelForm):
    areas = LocalizedChoiceField(
        queryset=CopArea.objects.filter(is_retired=False),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("COP areas covered"),
    )
    partners = LocalizedChoiceField(
        queryset=PartnerOrganisation.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Partner organisations"),
    )
    member_states = MemberStatesChoiceField(
        queryset=MemberState.objects.order_by("name"),
        required=False,
        label=_("Other member states it applies to"),
        help_text=_(
            "For a regional strategy or a bilateral programme. Your state is always included."
        ),
    )
    link = forms.URLField(
        label=_("Link to the official text"), required=False, max_length=500, assume_scheme="https"
    )
    regional_initiative = InitiativeChoiceField(
        queryset=RegionalInitiative.objects.select_related("region"),
        required=False,
        label=_("Regional initiative it contributes to"),
    )

    class Meta:
        model = Instrument
        fields = [
            "kind",
            "title",
            "title_en",
            "reference",
            "status",
            "adoption_year",
            "responsible_body",
            "areas",
            "link",
            "names_girls",
            "regional_initiative",
            "partners",
            "member_states",
        ]
        widgets = {"adoption_year": forms.NumberInput(attrs={"inputmode": "numeric"})}

    def __init__(self, *args, member_state: MemberState, **kwargs):
        super().__init__(*args, **kwargs)
        self.member_state = member_state
        self.fields["member_states"].queryset = MemberState.objects.exclude(
            pk=member_state.pk
        ).order_by("name")
        self.fields["regional_initiative"].queryset = RegionalInitiative.objects.filter(
            region_id=member_state.region_id
        ).order_by("code")
        if self.instance.pk:
            self.initial["member_states"] = [
                state.pk
                for state in self.instance.member_states.all()
                if state.pk != member_state.pk
            ]

    def clean(self):
        cleaned = super().clean()
        for name, message in adoption_errors(
            cleaned.get("status"), cleaned.get("adoption_year")
        ).items():
            self.add_error(name, message)
        return cleaned

    def _post_clean(self):
        """The model's own rules run in the service (one place for form, import and API)."""


class AreaStatusForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("Level"),
        choices=[(level.value, level.label) for level in Level],
        coerce=int,
        widget=forms.RadioSelect,
    )
    instruments = forms.ModelMultipleChoiceField(
        queryset=Instrument.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Evidence: the instruments that show this level"),
    )
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
        help_text=_("What the level rests on when no instrument shows it, or what is in progress."),
    )

    def __init__(self, *args, instruments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instruments"].queryset = instruments
        self.fields["level"].choices = [
            (level.value, f"{level.label} — {LEVEL_DEFINITIONS[level]}") for level in Level
        ]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("return", _("Return to the coordinator"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
        help_text=_("Required when you return it: say what should change."),
    )


class CycleForm(forms.ModelForm):
    class Meta:
        model = Cycle
        fields = ["code", "title", "starts_on", "ends_on"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }

    def _post_clean(self):
        """Validated by :func:`policies.services.cycle_open`."""


class RoadmapForm(forms.Form):
    """One target per area: a level (or none) and the cycle to reach it by."""

    def __init__(self, *args, areas, cycles, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = areas
        level_choices = [("", _("no target"))] + [
            (level.value, level.label) for level in Level if level > 0
        ]
        cycle_choices = [("", "—")] + [(cycle.pk, str(cycle)) for cycle in cycles]
        for area in areas:
            target = targets.get(area.pk)
            title = f"{area.code} {localized(area, 'title')}"
            self.fields[f"level_{area.pk}"] = forms.TypedChoiceField(
                label=_("Target level: %(area)s") % {"area": title},
                choices=level_choices,
                coerce=int,
                empty_value=None,
                required=False,
                initial=target.level if target else "",
            )
            self.fields[f"cycle_{area.pk}"] = forms.TypedChoiceField(
                label=_("By cycle: %(area)s") % {"area": title},
                choices=cycle_choices,
                coerce=int,
                empty_value=None,
                required=False,
                initial=target.cycle_id if target else "",
            )

    def rows(self):
        for area in self.areas:
            yield area, self[f"level_{area.pk}"], self[f"cycle_{area.pk}"]


class RdfDiscussionForm(forms.ModelForm):
    document_link = forms.URLField(
        label=_("Link to the document"), required=False, max_length=500, assume_scheme="https"
    )
    member_states = MemberStatesChoiceField(
        queryset=MemberState.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Participating member states"),
    )

    class Meta:
        model = RdfDiscussion
        fields = [
            "kind",
            "meeting",
            "held_on",
            "place",
            "agenda_item",
            "document_link",
            "member_states",
            "outcomes",
            "commitments",
        ]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}),
            "outcomes": forms.Textarea(attrs={"rows": 4}),
            "commitments": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member_states"].queryset = MemberState.objects.filter(region=region).order_by(
            "name"
        )

    def _post_clean(self):
        """Validated by :func:`policies.services.rdf_discussion_record`."""


class AreaChoiceForm(forms.Form):
    """The public map's choice of area and cycle."""

    area = forms.ChoiceField(label=_("COP area"), required=False)
    cycle = forms.ChoiceField(label=_("Cycle"), required=False)

    def __init__(self, *args, areas, cycles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(a.code, f"{a.code} {localized(a, 'title')}") for a in areas]
        self.fields["cycle"].choices = [(c.code, str(c)) for c in cycles]


class PolicyImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=[
            ("instruments", _("Instruments (one row per instrument)")),
            ("statuses", _("Area statuses (one row per member state, cycle and area)")),
        ],
        widget=forms.RadioSelect,
    )
    file = forms.FileField(label=_("CSV or XLSX file"))


# --- The catalogues the secretariat keeps -------------------------------------------------


class TranslatedEntryForm(forms.ModelForm):
    """A catalogue entry with its translations: the English fields first, then one group of
    fields per other UN language, stored as ``translations`` (empty texts fall back to
    English). The code is set once, when the entry is added."""

    #: ``(field, label with %(language)s, max length, textarea)`` of the translated fields.
    translated: tuple[tuple[str, Any, int, bool], ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("A code never changes once the entry exists.")
        self.main_field_names = list(self.fields)
        self.languages = []
        translations = self.instance.translations or {}
        for language in languages_named(translation_languages()):
            code, name = language["code"], language["name"]
            texts = translations.get(code, {})
            attrs = {"lang": code, "dir": "rtl" if get_language_info(code)["bidi"] else "ltr"}
            names = []
            for field, label, max_length, textarea in self.translated:
                widget = (
                    forms.Textarea(attrs={"rows": 3, **attrs})
                    if textarea
                    else forms.TextInput(attrs=attrs)
                )
                self.fields[f"{field}_{code}"] = forms.CharField(
                    label=label % {"language": name},
                    max_length=max_length,
                    required=False,
                    validators=[no_invisible_controls],
                    initial=texts.get(field, ""),
                    widget=widget,
                )
                names.append(f"{field}_{code}")
            self.languages.append({**language, "names": names})

    def main_fields(self):
        return [self[name] for name in self.main_field_names]

    def translation_groups(self):
        return [
            {**language, "fields": [self[name] for name in language["names"]]}
            for language in self.languages
        ]

    def clean(self):
        cleaned = super().clean()
        cleaned["translations"] = compact(
            {
                language["code"]: {
                    field: cleaned.get(f"{field}_{language['code']}", "")
                    for field, *_rest in self.translated
                }
                for language in self.languages
            }
        )
        return cleaned

    def _post_clean(self):
        """Validated by the catalogue services (:mod:`policies.services.catalogue`)."""


class CopAreaForm(TranslatedEntryForm):
    translated = (
        ("title", _("Title (%(language)s)"), 200, False),
        ("guidance", _("Guidance (%(language)s)"), 5000, True),
        ("evidence", _("What evidence counts (%(language)s)"), 5000, True),
    )

    class Meta:
        model = CopArea
        fields = ["code", "slug", "title", "guidance", "evidence", "position", "is_retired"]
        help_texts = {
            "code": _("For example A13."),
            "slug": _("Lower-case words joined by hyphens, for example online-safety-by-design."),
            "is_retired": _(
                "A retired area is no longer asked in self-assessments; its past levels stay."
            ),
        }
        widgets = {
            "guidance": forms.Textarea(attrs={"rows": 4}),
            "evidence": forms.Textarea(attrs={"rows": 3}),
            "position": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }


class RegionalInitiativeForm(TranslatedEntryForm):
    translated = (("title", _("Title (%(language)s)"), 500, False),)

    class Meta:
        model = RegionalInitiative
        fields = ["code", "region", "title", "period_start", "period_end", "touches_cop"]
        help_texts = {"code": _("For example EUR6.")}
        widgets = {
            "period_start": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "period_end": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.order_by("name")
        self.fields["region"].label_from_instance = lambda region: region_name(region.name)


class PartnerOrganisationForm(TranslatedEntryForm):
    translated = (("name", _("Name (%(language)s)"), 200, False),)

    class Meta:
        model = PartnerOrganisation
        fields = ["code", "name", "kind"]
        help_texts = {"code": _("For example UNICEF or ECPAT.")}


class CelebrationChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        state = member_state_name(obj.member_state.iso2, obj.member_state.name)
        return f"{obj.title} — {state}, {long_date(obj.start_date)}"


class InitiativeLinksForm(forms.Form):
    """The member states of the region taking part in an initiative, and the celebrations
    held under it (the region's, in the initiative's period)."""

    member_states = MemberStatesChoiceField(
        queryset=MemberState.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Member states taking part"),
    )
    celebrations = CelebrationChoiceField(
        queryset=None,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        required=False,
        label=_("Celebrations held under the initiative"),
        help_text=_(
            "The region's published and completed celebrations of the initiative's period. "
            "Hold Ctrl (⌘ on a Mac) to choose several."
        ),
    )

    def __init__(self, *args, initiative, member_states, celebrations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member_states"].queryset = member_states
        self.fields["member_states"].label_from_instance = lambda state: member_state_name(
            state.iso2, state.name
        )
        self.fields["celebrations"].queryset = celebrations
        if not self.is_bound:
            self.initial = {
                "member_states": [state.pk for state in initiative.member_states.all()],
                "celebrations": [event.pk for event in initiative.celebrations.all()],
            }
