"""What every token-authenticated view does: record the use of its token."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import generics
from rest_framework.views import APIView

from api.models import AccessToken, TokenUse

#: ``last_used_at`` is rewritten at most this often (the uses themselves are all kept).
LAST_USED_PRECISION_SECONDS = 60


def record_use(request, response) -> None:
    token = getattr(request, "auth", None)
    if not isinstance(token, AccessToken):
        return
    now = timezone.now()
    TokenUse.objects.create(
        token=token,
        at=now,
        method=request.method[:8],
        path=request.path[:300],
        status=response.status_code,
    )
    if (
        token.last_used_at is None
        or (now - token.last_used_at).total_seconds() > LAST_USED_PRECISION_SECONDS
    ):
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)


class TokenAuditMixin:
    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        record_use(request, response)
        return response


class ApiView(TokenAuditMixin, APIView):
    pass


class ApiGenericView(TokenAuditMixin, generics.GenericAPIView):
    pass


class ApiListView(TokenAuditMixin, generics.ListAPIView):
    """A paginated list (``get_queryset``); subclasses add ``post`` where they create."""
