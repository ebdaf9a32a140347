"""National COP policy records (resolve 1), read with a ``policies:read`` token: the
instruments and the self-assessments (with their area statuses) the token's owner may see,
through the policies app's own scopes."""

from __future__ import annotations

from django.db.models import Prefetch
from rest_framework import serializers

from api.pagination import IdCursorPagination
from api.views.base import ApiListView
from copgirls.permissions import visible_to
from policies.models import AreaStatus, Instrument, SelfAssessment


class InstrumentSerializer(serializers.ModelSerializer):
    member_state = serializers.SlugRelatedField(slug_field="iso2", read_only=True)
    member_states = serializers.SlugRelatedField(slug_field="iso2", many=True, read_only=True)
    areas = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    partners = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    regional_initiative = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Instrument
        fields = [
            "id",
            "member_state",
            "member_states",
            "reference",
            "kind",
            "title",
            "title_en",
            "status",
            "adoption_year",
            "responsible_body",
            "areas",
            "link",
            "names_girls",
            "regional_initiative",
            "partners",
        ]


class AreaStatusSerializer(serializers.ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", read_only=True)
    instruments = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = AreaStatus
        fields = ["area", "level", "instruments", "note"]


class SelfAssessmentSerializer(serializers.ModelSerializer):
    member_state = serializers.SlugRelatedField(slug_field="iso2", read_only=True)
    cycle = serializers.SlugRelatedField(slug_field="code", read_only=True)
    area_statuses = AreaStatusSerializer(many=True, read_only=True)

    class Meta:
        model = SelfAssessment
        fields = [
            "id",
            "member_state",
            "cycle",
            "status",
            "submitted_at",
            "reviewed_at",
            "review_comment",
            "area_statuses",
        ]


class InstrumentList(ApiListView):
    """The COP instruments of the member states the token's owner may see."""

    serializer_class = InstrumentSerializer
    pagination_class = IdCursorPagination
    token_scopes = {"GET": "policies:read"}

    def get_queryset(self):
        return (
            visible_to(self.request.user, "policies.Instrument")
            .select_related("member_state", "regional_initiative")
            .prefetch_related("member_states", "areas", "partners")
            .order_by("id")
        )


class SelfAssessmentList(ApiListView):
    """The self-assessments (every cycle, every status) the token's owner may see."""

    serializer_class = SelfAssessmentSerializer
    pagination_class = IdCursorPagination
    token_scopes = {"GET": "policies:read"}

    def get_queryset(self):
        statuses = AreaStatus.objects.select_related("area").prefetch_related("instruments")
        return (
            visible_to(self.request.user, "policies.SelfAssessment")
            .select_related("member_state", "cycle")
            .prefetch_related(Prefetch("area_statuses", queryset=statuses))
            .order_by("id")
        )
