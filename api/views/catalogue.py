"""Member states, regions and COP modules: the reference data every client needs."""

from __future__ import annotations

from api.serializers import CopModuleSerializer, MemberStateSerializer, RegionSerializer
from api.throttling import OpenDataRateThrottle
from api.views.base import ApiListView
from copgirls.models import MemberState, Region
from copgirls.permissions import visible_to


class _Reference(ApiListView):
    """Open reference data: no token needed, one page (a few hundred rows at most)."""

    authentication_classes = []
    permission_classes = []
    throttle_classes = [OpenDataRateThrottle]
    pagination_class = None
    open_data = True


class MemberStateList(_Reference):
    """Every ITU member state with its ITU-D region."""

    serializer_class = MemberStateSerializer

    def get_queryset(self):
        return MemberState.objects.select_related("region").order_by("name")


class RegionList(_Reference):
    """The ITU-D regions."""

    serializer_class = RegionSerializer

    def get_queryset(self):
        return Region.objects.order_by("code")


class CopModuleList(ApiListView):
    """The COP module catalogue, with its translations."""

    serializer_class = CopModuleSerializer
    pagination_class = None
    token_scopes = {"GET": "events:read"}

    def get_queryset(self):
        return visible_to(self.request.user, "events.CopModule").order_by("position", "code")
