"""Forms of the events app. Every label, help text and error is translatable."""

from __future__ import annotations

import datetime
import re
import zoneinfo

from django import forms
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from copgirls.forms import (  # noqa: F401 -- apply_errors: re-exported for the events views
    MemberStateChoiceField,
    RegionChoiceField,
    apply_errors,
)
from copgirls.i18n import compact, languages_named, localized, translation_languages
from copgirls.models import MemberState, Region
from copgirls.names import name_of
from copgirls.validators import no_invisible_controls
from events.importing import LANGUAGE_CODE
from events.models import (
    FIRST_GIRLS_IN_ICT_YEAR,
    ActivityType,
    AgeBand,
    CopModule,
    CopSession,
    Delivery,
    Event,
    EventStatus,
    Gender,
    RiskArea,
    girls_in_ict_day,
)
from events.services import ATTENDANCE_CELLS
from events.timezones import default_time_zone, member_state_time_zones

RISK_AREAS = RiskArea.choices


def last_allowed_year() -> int:
    return timezone.localdate().year + 1


def next_girls_in_ict_day() -> datetime.date:
    today = timezone.localdate()
    day = girls_in_ict_day(today.year)
    return day if day >= today else girls_in_ict_day(today.year + 1)


class DescribedErrorsMixin:
    """Tie each field's errors (and help text) to its input with ``aria-describedby``."""

    def full_clean(self):
        super().full_clean()
        for name, field in self.fields.items():
            auto_id = self[name].auto_id
            ids = []
            if field.help_text:
                ids.append(f"{auto_id}_helptext")
            if name in self.errors:
                ids.append(f"{auto_id}-errors")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)


class LanguagesField(forms.CharField):
    """A comma- or semicolon-separated list of language codes, stored as a list."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [part.strip().lower() for part in re.split(r"[,;\s]+", text) if part.strip()]

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        for code in value:
            if not LANGUAGE_CODE.match(code):
                raise forms.ValidationError(
                    _("'%(value)s' is not a language code such as en or fr."),
                    params={"value": code},
                    code="invalid",
                )


class EventForm(DescribedErrorsMixin, forms.ModelForm):
    member_state = MemberStateChoiceField(
        queryset=MemberState.objects.none(),
        to_field_name="iso2",
        label=_("Member state"),
        empty_label=None,
    )
    target_age_bands = forms.MultipleChoiceField(
        label=_("Target age bands"),
        choices=AgeBand.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    link = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")
    languages = LanguagesField(
        label=_("Languages"),
        required=False,
        help_text=_("Language codes separated by commas, for example: en, fr, sw"),
    )

    class Meta:
        model = Event
        fields = [
            "member_state",
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
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 4}),
            "expected_girls": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
            "actual_girls": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
        }

    def __init__(self, *args, member_states=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The member state of an existing celebration does not change.
            del self.fields["member_state"]
        else:
            self.fields["member_state"].queryset = member_states
            only = list(member_states[:2])
            if len(only) == 1:
                self.fields["member_state"].initial = only[0].iso2
            day = next_girls_in_ict_day()
            self.fields["start_date"].initial = day
            self.fields["end_date"].initial = day
        self.fields["start_date"].help_text = _("Girls in ICT Day is the fourth Thursday of April.")
        self.fields["end_date"].required = False
        self.fields["end_date"].help_text = _("Leave empty for a one-day celebration.")

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        last = last_allowed_year()
        for name in ("start_date", "end_date"):
            value = data.get(name)
            if value and not FIRST_GIRLS_IN_ICT_YEAR <= value.year <= last:
                self.add_error(
                    name,
                    _("Choose a date from %(first)s to %(last)s.")
                    % {"first": FIRST_GIRLS_IN_ICT_YEAR, "last": last},
                )
        if start and not end:
            data["end_date"] = start
        elif start and end and end < start:
            self.add_error("end_date", _("The end date is before the start date."))
        return data

    def _post_clean(self):
        # Validation of the model happens in the service (full_clean); the form only checks input.
        pass


class EventFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("any"))] + EventStatus.choices
    )
    cop = forms.ChoiceField(
        label=_("COP integrated"),
        required=False,
        choices=[("", _("any")), ("yes", _("yes")), ("no", _("not yet"))],
    )
    activity_type = forms.ChoiceField(
        label=_("Activity type"), required=False, choices=[("", _("any"))] + ActivityType.choices
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        years = range(last_allowed_year(), FIRST_GIRLS_IN_ICT_YEAR - 1, -1)
        self.fields["year"].choices = [("", _("any"))] + [(year, year) for year in years]

    def filters(self) -> dict:
        return self.cleaned_data if self.is_valid() else {}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (CSV or XLSX)"),
        help_text=_("Use the template: one celebration per row, the first row names the columns."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "aria-describedby": "id_file_helptext",
            }
        ),
    )


class CopModuleForm(DescribedErrorsMixin, forms.ModelForm):
    risk_areas = forms.MultipleChoiceField(
        label=_("Risk areas (4Cs)"),
        choices=RISK_AREAS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    age_bands = forms.MultipleChoiceField(
        label=_("Age bands"), choices=AgeBand.choices, widget=forms.CheckboxSelectMultiple
    )
    learning_objectives = forms.CharField(
        label=_("Learning objectives"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line; three are usual."),
    )

    class Meta:
        model = CopModule
        fields = [
            "code",
            "slug",
            "title",
            "summary",
            "risk_areas",
            "age_bands",
            "learning_objectives",
            "position",
        ]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["learning_objectives"] = "\n".join(self.instance.learning_objectives)
        self.main_field_names = list(self.fields)
        self.languages = []
        translations = self.instance.translations or {}
        for language in languages_named(translation_languages()):
            code, name = language["code"], language["name"]
            texts = translations.get(code, {})
            attrs = {"lang": code, "dir": "rtl" if get_language_info(code)["bidi"] else "ltr"}
            self.fields[f"title_{code}"] = forms.CharField(
                label=_("Title (%(language)s)") % {"language": name},
                max_length=200,
                required=False,
                validators=[no_invisible_controls],
                initial=texts.get("title", ""),
                widget=forms.TextInput(attrs=attrs),
            )
            self.fields[f"summary_{code}"] = forms.CharField(
                label=_("Summary (%(language)s)") % {"language": name},
                max_length=5000,
                required=False,
                initial=texts.get("summary", ""),
                widget=forms.Textarea(attrs={"rows": 4, **attrs}),
            )
            self.fields[f"learning_objectives_{code}"] = forms.CharField(
                label=_("Learning objectives (%(language)s)") % {"language": name},
                help_text=_("One per line."),
                max_length=5000,
                required=False,
                initial="\n".join(texts.get("learning_objectives", [])),
                widget=forms.Textarea(attrs={"rows": 4, **attrs}),
            )
            self.languages.append(
                {
                    **language,
                    "names": [f"title_{code}", f"summary_{code}", f"learning_objectives_{code}"],
                }
            )

    def main_fields(self):
        return [self[name] for name in self.main_field_names]

    def translation_groups(self):
        """Per language other than English: its name and its three fields."""
        return [
            {**language, "fields": [self[name] for name in language["names"]]}
            for language in self.languages
        ]

    def clean_learning_objectives(self):
        lines = [line.strip() for line in self.cleaned_data["learning_objectives"].splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            raise forms.ValidationError(_("Write at least one learning objective."))
        return lines

    def clean(self):
        cleaned = super().clean()
        cleaned["translations"] = compact(
            {
                language["code"]: {
                    "title": cleaned.get(f"title_{language['code']}", ""),
                    "summary": cleaned.get(f"summary_{language['code']}", ""),
                    "learning_objectives": cleaned.get(
                        f"learning_objectives_{language['code']}", ""
                    ).splitlines(),
                }
                for language in self.languages
            }
        )
        return cleaned

    def _post_clean(self):
        pass


class CopSessionForm(DescribedErrorsMixin, forms.ModelForm):
    """Log a COP session quickly on a phone: sensible defaults, numeric keypads."""

    module = forms.ModelChoiceField(
        queryset=CopModule.objects.none(), label=_("Module"), empty_label=None
    )
    starts_at = forms.DateTimeField(
        label=_("Start"),
        help_text=_("The time on the clock where the session is held (its time zone, below)."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    guardian_consent_confirmed = forms.BooleanField(
        label=_("Guardian consent was arranged as national rules require"),
        required=True,
        error_messages={"required": _("Confirm that guardian consent was arranged.")},
    )
    confirm_over_attendance = forms.BooleanField(
        label=_("The counts are right even though they are above the celebration's girls"),
        required=False,
    )

    class Meta:
        model = CopSession
        fields = [
            "module",
            "starts_at",
            "duration_minutes",
            "delivery",
            "language",
            "time_zone",
            "guardian_consent_confirmed",
        ]
        widgets = {
            "duration_minutes": forms.NumberInput(
                attrs={"min": 5, "max": 600, "inputmode": "numeric"}
            ),
            "delivery": forms.RadioSelect,
        }

    def __init__(self, *args, event: Event, language: str = "en", attendance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        modules = CopModule.objects.filter(is_retired=False)
        if self.instance.pk:
            modules = CopModule.objects.filter(is_retired=False) | CopModule.objects.filter(
                pk=self.instance.module_id
            )
        self.fields["module"].queryset = modules.order_by("position", "code")
        self.fields["module"].label_from_instance = lambda module: (
            f"{module.code} {localized(module, 'title')}"
        )
        self.fields["delivery"].choices = Delivery.choices  # radio buttons without a blank one
        self.fields["language"].help_text = _("Language code, for example en, fr or sw")
        zones = member_state_time_zones(event.member_state.iso2)
        choices = [(zone, zone.replace("_", " ")) for zone in zones]
        if len(zones) > 1:
            # The start time is read on one clock: she chooses it (clean() says so).
            choices.insert(0, ("", _("Choose the time zone of the session")))
        elif not zones:
            choices.insert(
                0,
                (
                    "",
                    _("UTC (no time zone known for %(state)s)")
                    % {"state": name_of(event.member_state)},
                ),
            )
        current = self.instance.time_zone if self.instance.pk else ""
        if current and current not in zones:
            choices.append((current, current.replace("_", " ")))
        self.fields["time_zone"] = forms.ChoiceField(
            label=_("Time zone"),
            choices=choices,
            required=False,
            initial=current or default_time_zone(event.member_state.iso2),
            help_text=CopSession._meta.get_field("time_zone").help_text,
        )
        # The start is shown and typed on the session's clock, not the server's (UTC).
        shown_zone = zoneinfo.ZoneInfo(
            current or default_time_zone(event.member_state.iso2) or "UTC"
        )
        if self.instance.pk:
            self.initial["starts_at"] = timezone.make_naive(self.instance.starts_at, shown_zone)
        else:
            self.fields["starts_at"].initial = timezone.make_naive(
                timezone.now(), shown_zone
            ).replace(second=0, microsecond=0)
            self.fields["duration_minutes"].initial = 45
            self.fields["delivery"].initial = (
                Delivery.ONLINE if event.format == "online" else Delivery.IN_PERSON
            )
            self.fields["language"].initial = (event.languages or [language])[0]
        attendance = attendance or {}
        for band, gender in ATTENDANCE_CELLS:
            self.fields[self.cell_name(band, gender)] = forms.IntegerField(
                label=_("%(gender)s, %(band)s")
                % {"gender": Gender(gender).label, "band": AgeBand(band).label},
                min_value=0,
                max_value=100_000,
                required=False,
                initial=attendance.get((band, gender)),
                error_messages={
                    "min_value": _("Counts cannot be negative."),
                    "invalid": _("Enter a whole number."),
                },
                widget=forms.NumberInput(
                    attrs={"min": 0, "inputmode": "numeric", "class": "count-input"}
                ),
            )

    genders = Gender.choices

    @staticmethod
    def cell_name(band: str, gender: str) -> str:
        return f"n_{band}_{gender}"

    def clean_starts_at(self):
        value = self.cleaned_data["starts_at"]
        last = last_allowed_year()
        if not FIRST_GIRLS_IN_ICT_YEAR <= value.year <= last:  # as she typed it, local time
            raise forms.ValidationError(
                _("Choose a date from %(first)s to %(last)s.")
                % {"first": FIRST_GIRLS_IN_ICT_YEAR, "last": last}
            )
        return value

    def clean(self):
        """Read the typed start on the clock of the session's time zone, and store it in UTC.

        The field parses "14:00" as the server's time (UTC); a facilitator in Nairobi means
        14:00 in Nairobi (11:00 UTC). A member state with several time zones gives no clock
        to read it on: she chooses one (no guess).
        """
        data = super().clean()
        starts_at = data.get("starts_at")
        if starts_at is None or "time_zone" in self.errors:
            return data
        zone = data.get("time_zone") or default_time_zone(self.event.member_state.iso2)
        if not zone and member_state_time_zones(self.event.member_state.iso2):
            self.add_error(
                "time_zone",
                _("%(state)s has several time zones: choose the one the start time is in.")
                % {"state": name_of(self.event.member_state)},
            )
            return data
        wall_clock = timezone.make_naive(starts_at)
        data["starts_at"] = timezone.make_aware(wall_clock, zoneinfo.ZoneInfo(zone or "UTC"))
        return data

    def clean_language(self):
        value = self.cleaned_data["language"].strip().lower()
        if not LANGUAGE_CODE.match(value):
            raise forms.ValidationError(_("Enter a language code such as en, fr or sw."))
        return value

    def attendance(self) -> dict[tuple[str, str], int]:
        return {
            (band, gender): self.cleaned_data.get(self.cell_name(band, gender)) or 0
            for band, gender in ATTENDANCE_CELLS
        }

    def grid(self):
        """Rows of (age band label, [bound fields by gender]) for the attendance table."""
        return [
            (AgeBand(band).label, [self[self.cell_name(band, gender)] for gender in Gender.values])
            for band in AgeBand.values
        ]

    def _post_clean(self):
        pass


class PublicFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    region = RegionChoiceField(
        label=_("Region"),
        queryset=Region.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=_("all regions"),
    )
    member_state = MemberStateChoiceField(
        label=_("Member state"),
        queryset=MemberState.objects.all(),
        required=False,
        to_field_name="iso2",
        empty_label=_("all member states"),
    )

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("all years"))] + [(year, year) for year in years]

    def filters(self) -> dict:
        return self.cleaned_data if self.is_valid() else {}
