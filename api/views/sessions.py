"""COP sessions: read them, and log one (a facilitator at her celebration, a coordinator)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from api.errors import validation_error
from api.pagination import IdCursorPagination
from api.serializers import CopSessionSerializer
from api.views.base import ApiGenericView, ApiListView
from api.views.celebrations import filters_of
from copgirls.permissions import allows, in_scope, visible_to
from events import services


class SessionFilters(serializers.Serializer):
    celebration = serializers.IntegerField(required=False, min_value=1)


class CopSessionList(ApiListView):
    serializer_class = CopSessionSerializer
    pagination_class = IdCursorPagination
    token_scopes = {"GET": "events:read", "POST": "events:write"}

    def get_queryset(self):
        sessions = visible_to(self.request.user, "events.CopSession").prefetch_related("attendance")
        filters = filters_of(self.request, SessionFilters)
        if filters.get("celebration"):
            sessions = sessions.filter(event_id=filters["celebration"])
        return sessions.order_by("id")

    @extend_schema(parameters=[OpenApiParameter("celebration", int)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=CopSessionSerializer, responses={201: CopSessionSerializer})
    def post(self, request):
        incoming = self.get_serializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        event = data.pop("event")
        # A celebration she may not see is refused as if it did not exist (no probing).
        if not visible_to(request.user, "events.Event").filter(pk=event.pk).exists():
            raise ValidationError(
                {
                    "celebration": [
                        _("No celebration of yours has the id %(id)s.") % {"id": event.pk}
                    ]
                }
            )
        if not allows(request.user, "events.log_cop_session", event):
            raise PermissionDenied
        attendance = {
            (row["age_band"], row["gender"]): row["count"] for row in data.pop("attendance", [])
        }
        confirm = data.pop("confirm_over_attendance", False)
        try:
            session = services.cop_session_log(
                actor=request.user,
                event=event,
                data=data,
                attendance=attendance,
                confirm_over_attendance=confirm,
            )
        except DjangoValidationError as exc:
            raise validation_error(exc) from None
        return Response(self.get_serializer(session).data, status=status.HTTP_201_CREATED)


class CopSessionDetail(ApiGenericView):
    serializer_class = CopSessionSerializer
    token_scopes = {"GET": "events:read"}

    def get(self, request, pk: int):
        sessions = visible_to(request.user, "events.CopSession").prefetch_related("attendance")
        return Response(self.get_serializer(in_scope(sessions, pk=pk)).data)
