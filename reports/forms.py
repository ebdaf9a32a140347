"""The report request form: scope, period (whole calendar years), language, meeting, document."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from copgirls.closed_years import publishes_on
from copgirls.models import MemberState, Region
from copgirls.names import long_date, name_of
from copgirls.permissions import member_states_visible_to, regions_visible_to, roles_of
from copgirls.publication import last_closed_year
from copgirls.validators import no_invisible_controls
from events.models import FIRST_GIRLS_IN_ICT_YEAR
from reports.models import Report, ReportScope
from reports.permissions import reports_visible_to
from reports.selectors import comparable_reports
from reports.services import report_languages, validate_request
from reports.templatetags.reports_format import localdate


class MemberStateField(forms.ModelChoiceField):
    """A member state as the reader's language names it (CLDR, :mod:`copgirls.names`)."""

    def label_from_instance(self, obj) -> str:
        return name_of(obj)


#: The most recent issued reports the form offers to compare with (the page stays short).
COMPARABLE_LISTED = 100


class ComparedReportField(forms.ModelChoiceField):
    """An issued report, named by its document number, scope, period and date."""

    def label_from_instance(self, obj) -> str:
        years = (
            str(obj.period_start.year)
            if obj.period_start.year == obj.period_end.year
            else f"{obj.period_start.year}–{obj.period_end.year}"
        )
        return _("%(number)s — %(scope)s, %(years)s (data of %(date)s)") % {
            "number": obj.document_number,
            "scope": obj.scope_label,
            "years": years,
            "date": localdate(obj.data_cutoff.date()),
        }


class ReportRequestForm(forms.Form):
    scope = forms.ChoiceField(label=_("Scope"), widget=forms.RadioSelect)
    region = forms.ModelChoiceField(
        label=_("ITU-D region"), queryset=Region.objects.none(), required=False
    )
    member_state = MemberStateField(
        label=_("Member state"), queryset=MemberState.objects.none(), required=False
    )
    year = forms.IntegerField(
        label=_("First year"),
        min_value=FIRST_GIRLS_IN_ICT_YEAR,
        max_value=2100,
        help_text=_(
            "Reports cover whole calendar years, so that no two reports can be subtracted "
            "to reveal a small group of girls."
        ),  # completed with the closed years in __init__ (closed_years_help)
    )
    last_year = forms.IntegerField(
        label=_("Last year (optional)"),
        required=False,
        min_value=FIRST_GIRLS_IN_ICT_YEAR,
        max_value=2100,
        help_text=_("Leave empty for a report of one year."),
    )
    language = forms.ChoiceField(label=_("Language of the report"))
    meeting_name = forms.CharField(
        label=_("Meeting"),
        max_length=200,
        help_text=_("For example: Twenty-fourth meeting of the CWG-COP, Geneva."),
        validators=[no_invisible_controls],
    )
    document_number = forms.CharField(
        label=_("Document number"),
        max_length=64,
        help_text=_("For example: CWG-COP/24/5."),
        validators=[no_invisible_controls],
    )

    compared_with = ComparedReportField(
        label=_("Compare with an earlier report (optional)"),
        queryset=Report.objects.none(),
        required=False,
        empty_label=_("No comparison"),
        error_messages={
            "invalid_choice": _(
                "Choose one of the issued reports listed: that report is not one you may see."
            )
        },
        help_text=_(
            "An issued report of the same scope: the summary and the tables then show the "
            "change since it."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        roles = roles_of(user)
        scopes = []
        if roles.secretariat:
            scopes.append(ReportScope.GLOBAL)
        if roles.secretariat or roles.regions:
            scopes.append(ReportScope.REGION)
        scopes.append(ReportScope.MEMBER_STATE)
        self.fields["scope"].choices = [(scope.value, scope.label) for scope in scopes]
        self.fields["region"].queryset = regions_visible_to(user)
        self.fields["member_state"].queryset = requestable_states(user)
        self.fields["language"].choices = report_languages()
        self.fields["year"].help_text = closed_years_help()
        # Any report she may see is accepted here, so that one not issued or of another
        # scope is refused with a message that says so (validate_request); the list offers
        # the issued ones only.
        compared = self.fields["compared_with"]
        compared.queryset = reports_visible_to(user)
        compared.widget.choices = [("", compared.empty_label)] + [
            (report.pk, compared.label_from_instance(report))
            for report in comparable_reports(reports_visible_to(user))[:COMPARABLE_LISTED]
        ]
        if not self.is_bound:
            self.initial.setdefault("scope", scopes[0].value)
            self.initial.setdefault("year", last_closed_year())
            self.initial.setdefault("language", "en")

    def clean(self):
        data = super().clean()
        year = data.get("year")
        if year is None:
            return data  # the year field says what is wrong
        last_year = data.get("last_year") or year
        if last_year < year:
            self.add_error("last_year", _("The last year must be the first year or a later one."))
            return data
        data["period_start"] = datetime.date(year, 1, 1)
        data["period_end"] = datetime.date(last_year, 12, 31)
        if "scope" not in data or not data.get("language") or not data.get("document_number"):
            return data
        try:
            validate_request(
                scope=data["scope"],
                region=data.get("region"),
                member_state=data.get("member_state"),
                period_start=data.get("period_start"),
                period_end=data.get("period_end"),
                language=data["language"],
                document_number=data["document_number"],
                compared_with=data.get("compared_with"),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    if field in self.fields and field not in self.errors:
                        self.add_error(field, error)
        return data


def closed_years_help() -> str:
    """Which years a report may cover, and why (the closing rule, copgirls.publication)."""
    closed = last_closed_year()
    return _(
        "Reports cover whole calendar years that are closed: up to %(closed)s today "
        "(%(next)s closes on %(date)s). A year closes once its last answers can no longer "
        "be paired, and its figures never change after, so two reports of the same year "
        "always agree and no two reports can be subtracted to reveal a small group of girls."
    ) % {"closed": closed, "next": closed + 1, "date": long_date(publishes_on(closed + 1))}


def requestable_states(user):
    """The secretariat asks for any state, coordinators for theirs, regional officers for
    their region's (facilitators see a state through an event but may not ask for it)."""
    roles = roles_of(user)
    states = member_states_visible_to(user)
    if roles.secretariat:
        return states
    return states.filter(Q(pk__in=roles.member_states) | Q(region_id__in=roles.regions))
