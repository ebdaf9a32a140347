"""Open data, no token needed: published celebrations and the public aggregates.

The figures come from the selectors of the public pages (``events.selectors``), which pass
every count of girls through ``copgirls.disclosure``: the API publishes exactly what the
world map and the home page publish, nothing finer. No participant data is reachable here:
no answer, no score, no count of a single celebration's girls.
"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from api.pagination import IdCursorPagination
from api.renderers import CsvRenderer
from api.throttling import OpenDataRateThrottle
from api.views.base import ApiGenericView, ApiListView
from api.views.celebrations import filters_of
from copgirls.disclosure import threshold
from copgirls.models import MemberState, Region
from events import selectors


class OpenCelebrationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    member_state = serializers.CharField(source="member_state.iso2")
    region = serializers.CharField(source="member_state.region.code")
    year = serializers.IntegerField()
    title = serializers.CharField()
    city = serializers.CharField()
    organiser = serializers.CharField()
    organiser_type = serializers.CharField()
    format = serializers.CharField()
    activity_type = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    target_age_bands = serializers.ListField(child=serializers.CharField())
    languages = serializers.ListField(child=serializers.CharField())
    link = serializers.CharField()
    status = serializers.CharField()
    integrates_cop = serializers.BooleanField()
    cop_session_count = serializers.IntegerField()


class OpenFilters(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=2011, max_value=2100)
    member_state = serializers.CharField(required=False, max_length=3)
    region = serializers.CharField(required=False, max_length=3)


def _public_filters(request) -> dict:
    given = filters_of(request, OpenFilters)
    filters = {"year": given.get("year")}
    if given.get("member_state"):
        filters["member_state"] = (
            MemberState.objects.filter(iso2=given["member_state"].upper()).first() or -1
        )
    if given.get("region"):
        filters["region"] = Region.objects.filter(code=given["region"].upper()).first() or -1
    return filters


class OpenDataPagination(IdCursorPagination):
    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data = {"licence": settings.API_OPEN_DATA_LICENCE, **response.data}
        return response

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"] = {"licence": {"type": "string"}, **paginated["properties"]}
        paginated["required"] = ["licence", *paginated.get("required", [])]
        return paginated


class _OpenData:
    authentication_classes = []
    permission_classes = []
    throttle_classes = [OpenDataRateThrottle]
    renderer_classes = [JSONRenderer, CsvRenderer]
    open_data = True


OPEN_PARAMETERS = [
    OpenApiParameter("year", int),
    OpenApiParameter("member_state", str, description="ISO alpha-2 code."),
    OpenApiParameter("region", str, description="ITU-D region code."),
    OpenApiParameter("format", str, enum=["json", "csv"], description="Or Accept: text/csv."),
]


class OpenCelebrationList(_OpenData, ApiListView):
    """Published and completed celebrations, page by page (``?format=csv`` for CSV)."""

    serializer_class = OpenCelebrationSerializer
    pagination_class = OpenDataPagination

    def get_queryset(self):
        return selectors.public_events(_public_filters(self.request)).order_by("id")

    @extend_schema(parameters=OPEN_PARAMETERS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class CountSerializer(serializers.Serializer):
    value = serializers.IntegerField(
        allow_null=True, help_text="null when withheld (fewer than the threshold, or 'x')."
    )
    display = serializers.CharField(
        help_text="As the pages show it: 123, <10, x, or 'published on …' for an open year."
    )
    suppressed = serializers.BooleanField()
    published_on = serializers.DateField(
        allow_null=True,
        help_text=(
            "Set for a year not yet closed: its girls are published on this day (figures "
            "of girls cover closed years only)."
        ),
    )


def published_count(cell) -> dict:
    """A disclosure cell as the open data publishes it (value, display, suppressed)."""
    published = {key: value for key, value in cell.as_dict().items() if key != "complementary"}
    return {"published_on": None, **published}


class StateFiguresSerializer(serializers.Serializer):
    member_state = serializers.CharField(source="iso2")
    iso3 = serializers.CharField()
    name = serializers.CharField()
    region = serializers.CharField()
    celebrations = serializers.IntegerField()
    integrating_cop = serializers.IntegerField()
    girls_reached = serializers.SerializerMethodField()

    def get_girls_reached(self, row) -> CountSerializer:
        return published_count(row.girls_reached)


class TotalsSerializer(serializers.Serializer):
    celebrations = serializers.IntegerField()
    member_states = serializers.IntegerField()
    integrating_cop = serializers.IntegerField()
    cop_share = serializers.FloatField(allow_null=True, help_text="Per cent, one decimal.")
    sessions = serializers.IntegerField()
    girls_reached = serializers.SerializerMethodField()

    def get_girls_reached(self, figures) -> CountSerializer:
        return published_count(figures.girls_reached)


class OpenFiguresSerializer(serializers.Serializer):
    licence = serializers.CharField()
    small_cell_threshold = serializers.IntegerField()
    year = serializers.IntegerField(allow_null=True)
    totals = TotalsSerializer()
    member_states = StateFiguresSerializer(many=True)


class OpenFigures(_OpenData, ApiGenericView):
    """The public aggregates by member state, as the world map shows them.

    Girls reached obeys the small-cell rule: a (member state, year) cell below the
    threshold is withheld and left out of every total. Only closed years are counted: an
    open year's girls are withheld, with the day they are published (``published_on``).
    """

    serializer_class = OpenFiguresSerializer

    @extend_schema(parameters=[OPEN_PARAMETERS[0], OPEN_PARAMETERS[3]])
    def get(self, request):
        year = filters_of(request, OpenFilters).get("year")
        rows, totals = selectors.public_by_member_state({"year": year})
        if request.accepted_renderer.format == "csv":
            data = [
                {
                    "year": year or "",
                    **{
                        k: v
                        for k, v in StateFiguresSerializer(row).data.items()
                        if k != "girls_reached"
                    },
                    "girls_reached": row.girls_reached.value,
                    "girls_reached_shown": str(row.girls_reached),
                    "licence": settings.API_OPEN_DATA_LICENCE,
                }
                for row in rows
            ]
            return Response(data)
        data = {
            "licence": settings.API_OPEN_DATA_LICENCE,
            "small_cell_threshold": threshold(),
            "year": year,
            "totals": totals,
            "member_states": rows,
        }
        return Response(self.get_serializer(data).data)
