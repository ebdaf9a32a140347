"""Token scopes, and the API's entries in the portal's permission registry.

A request passes when its token carries the scope the route asks for its method (a view's
``token_scopes``: ``{"GET": "events:read", "POST": "events:write"}``). The scope only
narrows: what the owner's roles allow is still decided by ``copgirls.permissions`` and the
apps' predicates, inside the views, exactly as in the pages (out of scope → 404).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.permissions import BasePermission

from api.models import AccessToken
from copgirls.permissions import (
    register_predicate,
    register_scope,
    register_scope_through,
    roles_of,
)


class MissingScope(exceptions.PermissionDenied):
    default_code = "missing_scope"


class TokenScopes(BasePermission):
    def has_permission(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, AccessToken):
            raise exceptions.NotAuthenticated(
                _("Send a personal access token: 'Authorization: Bearer <token>'.")
            )
        wanted = getattr(view, "token_scopes", {}).get(request.method)
        if request.method in ("HEAD", "OPTIONS"):
            wanted = getattr(view, "token_scopes", {}).get("GET")
        if wanted is None:
            raise exceptions.MethodNotAllowed(request.method)
        if wanted not in token.scopes:
            raise MissingScope(
                _("This token lacks the scope %(scope)s.") % {"scope": wanted},
                code="missing_scope",
            )
        return True


def tokens_visible_to(user) -> QuerySet[AccessToken]:
    """A person sees her own tokens only; nobody else's, the secretariat included."""
    if user is None or not user.is_authenticated:
        return AccessToken.objects.none()
    return AccessToken.objects.filter(user=user)


def can_create_tokens(user) -> bool:
    return roles_of(user).is_staff_member


def register() -> None:
    register_scope("api.AccessToken", tokens_visible_to)
    register_scope_through("api.TokenUse", parent="api.AccessToken", field="token")
    register_predicate("api.create_tokens", can_create_tokens)
