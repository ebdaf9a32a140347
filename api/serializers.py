"""What the API reads and writes. Types and unknown fields are checked here; the domain's rules
(dates, references unique per member state and year, attendance) by the apps' services."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers

from copgirls.models import MemberState, Region
from events.models import (
    ActivityType,
    AgeBand,
    CopModule,
    CopSession,
    Delivery,
    Event,
    EventFormat,
    EventStatus,
    Gender,
    OrganiserType,
)
from reports.models import Report, ReportScope, ReportStatus


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know (a typo must not be silently dropped)."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(str(key) for key in data if key not in writable)
            if unknown:
                raise serializers.ValidationError(
                    {
                        name: [
                            serializers.ErrorDetail(
                                _("Unknown field: the writable ones are %(fields)s.")
                                % {"fields": ", ".join(sorted(writable))},
                                code="unknown_field",
                            )
                        ]
                        for name in unknown
                    }
                )
        return super().to_internal_value(data)


class StrictModelSerializer(StrictSerializer, serializers.ModelSerializer):
    pass


# --- Reference data -------------------------------------------------------------------------


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name"]


class MemberStateSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True)

    class Meta:
        model = MemberState
        fields = ["id", "iso2", "iso3", "name", "region"]


# --- Celebrations ---------------------------------------------------------------------------

_TEXT_LIMITS = {"title": 200, "organiser_reference": 64, "city": 120, "organiser": 200}


class CelebrationSerializer(StrictModelSerializer):
    member_state = serializers.SlugRelatedField(
        slug_field="iso2",
        queryset=MemberState.objects.all(),
        help_text="ISO 3166 alpha-2 code of the member state (KE).",
    )
    organiser_type = serializers.ChoiceField(choices=OrganiserType.choices)
    format = serializers.ChoiceField(choices=EventFormat.choices)
    activity_type = serializers.ChoiceField(choices=ActivityType.choices)
    target_age_bands = serializers.ListField(
        child=serializers.ChoiceField(choices=AgeBand.choices), required=False, max_length=4
    )
    languages = serializers.ListField(
        child=serializers.RegexField(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$", max_length=12),
        required=False,
        max_length=20,
    )
    expected_girls = serializers.IntegerField(min_value=0, max_value=999_999_999, required=False)
    actual_girls = serializers.IntegerField(
        min_value=0, max_value=999_999_999, required=False, allow_null=True
    )
    status = serializers.ChoiceField(choices=EventStatus.choices, read_only=True)
    integrates_cop = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "id",
            "member_state",
            "year",
            "organiser_reference",
            "title",
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
            "status",
            "cop_session_count",
            "integrates_cop",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "year", "status", "cop_session_count", "created_at", "updated_at"]
        # The (member state, year, reference) key is checked by the service, with its message.
        validators = []

    def get_integrates_cop(self, event: Event) -> bool:
        return event.cop_session_count > 0

    def validate(self, attrs):
        start = attrs.get("start_date", getattr(self.instance, "start_date", None))
        end = attrs.get("end_date", getattr(self.instance, "end_date", None))
        if start and end and end < start:
            raise serializers.ValidationError(
                {
                    "end_date": [
                        _("The end date %(end)s is before the start date %(start)s.")
                        % {"end": end.isoformat(), "start": start.isoformat()}
                    ]
                }
            )
        return attrs


class CelebrationUpdateSerializer(CelebrationSerializer):
    """An update never moves a celebration to another member state."""

    member_state = serializers.CharField(source="member_state.iso2", read_only=True)


class BulkItemSerializer(StrictSerializer):
    """One celebration of a bulk upsert: the import's columns, typed."""

    member_state = serializers.CharField(max_length=3)
    organiser_reference = serializers.CharField(max_length=64)
    title = serializers.CharField(max_length=200)
    city = serializers.CharField(max_length=120, required=False, allow_blank=True)
    organiser = serializers.CharField(max_length=200)
    organiser_type = serializers.ChoiceField(choices=OrganiserType.choices)
    format = serializers.ChoiceField(choices=EventFormat.choices)
    activity_type = serializers.ChoiceField(choices=ActivityType.choices)
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True)
    target_age_bands = serializers.ListField(
        child=serializers.ChoiceField(choices=AgeBand.choices), required=False, max_length=4
    )
    expected_girls = serializers.IntegerField(min_value=0, max_value=999_999_999, required=False)
    actual_girls = serializers.IntegerField(
        min_value=0, max_value=999_999_999, required=False, allow_null=True
    )
    languages = serializers.ListField(
        child=serializers.RegexField(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$", max_length=12),
        required=False,
        max_length=20,
    )
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    link = serializers.CharField(max_length=500, required=False, allow_blank=True)
    status = serializers.ChoiceField(
        choices=EventStatus.choices,
        required=False,
        allow_null=True,
        help_text="Omitted: draft for a new celebration, unchanged for an existing one.",
    )


class BulkUpsertSerializer(StrictSerializer):
    celebrations = BulkItemSerializer(many=True, allow_empty=False)


class BulkOutcomeSerializer(serializers.Serializer):
    items = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


# --- COP modules and sessions ---------------------------------------------------------------


class CopModuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = CopModule
        fields = [
            "id",
            "code",
            "slug",
            "title",
            "summary",
            "risk_areas",
            "age_bands",
            "learning_objectives",
            "is_retired",
            "translations",
        ]


class AttendanceSerializer(StrictSerializer):
    age_band = serializers.ChoiceField(choices=AgeBand.choices)
    gender = serializers.ChoiceField(choices=Gender.choices)
    count = serializers.IntegerField(min_value=0, max_value=100_000)


class CopSessionSerializer(StrictModelSerializer):
    celebration = serializers.PrimaryKeyRelatedField(
        source="event", queryset=Event.objects.all(), help_text="The celebration's id."
    )
    module = serializers.SlugRelatedField(
        slug_field="code", queryset=CopModule.objects.all(), help_text="The module's code (M03)."
    )
    delivery = serializers.ChoiceField(choices=Delivery.choices)
    language = serializers.RegexField(r"^[a-z]{2,3}(-[a-zA-Z0-9]{2,8})?$", max_length=16)
    duration_minutes = serializers.IntegerField(min_value=5, max_value=600)
    attendance = AttendanceSerializer(many=True, required=False)
    confirm_over_attendance = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="Log it although it counts more girls than the celebration reported.",
    )

    class Meta:
        model = CopSession
        fields = [
            "id",
            "celebration",
            "module",
            "starts_at",
            "duration_minutes",
            "delivery",
            "language",
            "guardian_consent_confirmed",
            "attendance",
            "confirm_over_attendance",
            "created_at",
        ]
        read_only_fields = ["id", "created_at"]

    def to_representation(self, session):
        data = super().to_representation(session)
        data["attendance"] = [
            {"age_band": row.age_band, "gender": row.gender, "count": row.count}
            for row in session.attendance.all()
        ]
        return data


# --- Reports ------------------------------------------------------------------------------


class ReportSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True, default=None)
    member_state = serializers.CharField(source="member_state.iso2", read_only=True, default=None)
    first_year = serializers.SerializerMethodField()
    last_year = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=ReportStatus.choices, read_only=True)
    files = serializers.SerializerMethodField()
    failure = serializers.CharField(source="error", read_only=True)

    class Meta:
        model = Report
        fields = [
            "id",
            "scope",
            "region",
            "member_state",
            "first_year",
            "last_year",
            "language",
            "meeting_name",
            "document_number",
            "status",
            "stage",
            "progress",
            "data_cutoff",
            "failure",
            "files",
            "created_at",
        ]
        read_only_fields = fields

    def get_first_year(self, report: Report) -> int:
        return report.period_start.year

    def get_last_year(self, report: Report) -> int:
        return report.period_end.year

    def get_files(self, report: Report) -> dict[str, str] | None:
        if report.status != ReportStatus.READY:
            return None
        request = self.context["request"]
        from django.urls import reverse

        return {
            kind: request.build_absolute_uri(
                reverse(f"api:report-{kind}", kwargs={"pk": report.pk})
            )
            for kind in ("pdf", "annex-csv", "annex-xlsx", *(["brief"] if report.brief else []))
        }


class ReportRequestSerializer(StrictSerializer):
    scope = serializers.ChoiceField(choices=ReportScope.choices)
    region = serializers.CharField(
        required=False, allow_null=True, help_text="The region's code, for a region report."
    )
    member_state = serializers.CharField(
        required=False, allow_null=True, help_text="ISO alpha-2 code, for a member-state report."
    )
    first_year = serializers.IntegerField(min_value=2011, max_value=2100)
    last_year = serializers.IntegerField(min_value=2011, max_value=2100, required=False)
    language = serializers.CharField(max_length=8)
    meeting_name = serializers.CharField(max_length=200)
    document_number = serializers.CharField(max_length=64)
