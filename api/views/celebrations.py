"""Celebrations: list, read, create, update, publish, bulk upsert — through events' services."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from api.errors import Conflict, error_body, field_errors, validation_error
from api.pagination import IdCursorPagination
from api.serializers import (
    BulkOutcomeSerializer,
    BulkUpsertSerializer,
    CelebrationSerializer,
    CelebrationUpdateSerializer,
)
from api.views.base import ApiGenericView, ApiListView
from copgirls.permissions import allows, in_scope, visible_to
from events import selectors, services
from events.models import EventStatus

READ, WRITE = "events:read", "events:write"


class CelebrationFilters(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=2011, max_value=2100)
    status = serializers.ChoiceField(choices=EventStatus.choices, required=False)
    member_state = serializers.CharField(required=False, max_length=3)
    cop = serializers.ChoiceField(choices=["yes", "no"], required=False)
    q = serializers.CharField(required=False, max_length=100)


def filters_of(request, serializer_class) -> dict:
    known = {
        name: request.query_params[name]
        for name in serializer_class().fields
        if name in request.query_params
    }
    filters = serializer_class(data=known)
    if not filters.is_valid():
        raise ValidationError(filters.errors)
    return filters.validated_data


FILTER_PARAMETERS = [
    OpenApiParameter("year", int, description="Year of the start date."),
    OpenApiParameter("status", str, enum=EventStatus.values),
    OpenApiParameter("member_state", str, description="ISO alpha-2 code (KE)."),
    OpenApiParameter("cop", str, enum=["yes", "no"], description="Integrates COP or not."),
    OpenApiParameter("q", str, description="Words of the name, organiser, city or reference."),
]


class CelebrationList(ApiListView):
    """The celebrations the token's owner may see (all statuses), oldest id first."""

    serializer_class = CelebrationSerializer
    pagination_class = IdCursorPagination
    token_scopes = {"GET": READ, "POST": WRITE}

    def get_queryset(self):
        filters = dict(filters_of(self.request, CelebrationFilters))
        if filters.get("member_state"):
            code = filters["member_state"].upper()
            filters["member_state"] = (
                visible_to(self.request.user, "copgirls.MemberState").filter(iso2=code).first()
                or -1
            )
        return selectors.event_list(user=self.request.user, filters=filters).order_by("id")

    @extend_schema(parameters=FILTER_PARAMETERS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=CelebrationSerializer, responses={201: CelebrationSerializer})
    def post(self, request):
        incoming = self.get_serializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        state = data.pop("member_state")
        if not allows(request.user, "events.register_events", state):
            raise ValidationError(
                {
                    "member_state": [
                        _("You may not register celebrations for %(state)s.")
                        % {"state": state.iso2}
                    ]
                },
                code="not_yours",
            )
        try:
            event = services.event_create(actor=request.user, member_state=state, data=data)
        except DjangoValidationError as exc:
            raise validation_error(exc) from None
        return Response(self.get_serializer(event).data, status=status.HTTP_201_CREATED)


class CelebrationDetail(ApiGenericView):
    serializer_class = CelebrationUpdateSerializer
    token_scopes = {"GET": READ, "PATCH": WRITE}

    def get_object(self):
        return in_scope(visible_to(self.request.user, "events.Event"), pk=self.kwargs["pk"])

    @extend_schema(responses=CelebrationSerializer)
    def get(self, request, pk: int):
        return Response(CelebrationSerializer(self.get_object()).data)

    @extend_schema(request=CelebrationUpdateSerializer, responses=CelebrationSerializer)
    def patch(self, request, pk: int):
        event = self.get_object()
        if not allows(request.user, "events.edit_event", event):
            raise PermissionDenied
        incoming = self.get_serializer(event, data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        try:
            event = services.event_update(
                actor=request.user, event=event, data=incoming.validated_data
            )
        except DjangoValidationError as exc:
            raise validation_error(exc) from None
        return Response(CelebrationSerializer(event).data)


class CelebrationPublish(ApiGenericView):
    """Draft → published: the celebration appears on the public pages and in the open data."""

    serializer_class = CelebrationSerializer
    token_scopes = {"POST": WRITE}
    conflict_responses = True

    @extend_schema(request=None, responses={200: CelebrationSerializer})
    def post(self, request, pk: int):
        event = in_scope(visible_to(request.user, "events.Event"), pk=pk)
        if not allows(request.user, "events.edit_event", event):
            raise PermissionDenied
        try:
            event = services.event_publish(actor=request.user, event=event)
        except DjangoValidationError as exc:
            raise Conflict(exc.messages[0]) from None
        return Response(CelebrationSerializer(event).data)


class CelebrationBulkUpsert(ApiGenericView):
    """Create or update many celebrations by (member state, year, organiser reference), all or
    nothing: the file import's validation and writing, with errors per item and field."""

    serializer_class = BulkUpsertSerializer
    token_scopes = {"POST": WRITE}

    @extend_schema(request=BulkUpsertSerializer, responses={200: BulkOutcomeSerializer})
    def post(self, request):
        sent = request.data.get("celebrations") if isinstance(request.data, dict) else None
        if isinstance(sent, list) and len(sent) > settings.API_BULK_MAX_ITEMS:
            raise ValidationError(
                {
                    "celebrations": [
                        _("Send at most %(count)s celebrations at a time, not %(sent)s.")
                        % {"count": settings.API_BULK_MAX_ITEMS, "sent": len(sent)}
                    ]
                }
            )
        incoming = self.get_serializer(data=request.data)
        if not incoming.is_valid():
            return Response(_bulk_errors(incoming.errors), status=status.HTTP_400_BAD_REQUEST)
        items = incoming.validated_data["celebrations"]
        with transaction.atomic():
            outcome = services.events_upsert(actor=request.user, items=items)
        if not outcome.ok:
            errors = [
                {
                    "item": error.row,
                    "field": error.column,
                    "code": "invalid",
                    "message": error.message,
                }
                for error in outcome.errors
            ]
            message = ngettext(
                "No celebration was written: %(count)s error.",
                "No celebration was written: %(count)s errors.",
                outcome.error_count,
            ) % {"count": outcome.error_count}
            return Response(error_body("invalid", message, errors), status=400)
        return Response(
            {
                "items": outcome.rows,
                "created": outcome.created,
                "updated": outcome.updated,
                "unchanged": outcome.unchanged,
            }
        )


def _bulk_errors(detail) -> dict:
    errors = []
    for error in field_errors(detail):
        parts = error["field"].split(".")
        if len(parts) >= 2 and parts[0] == "celebrations" and parts[1].isdigit():
            errors.append({**error, "item": int(parts[1]), "field": ".".join(parts[2:])})
        else:
            errors.append(error)
    return error_body("invalid", _("No celebration was written: see errors."), errors)
