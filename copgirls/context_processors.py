"""Template context for every page: the mode banner and the navigation for the user's roles."""

from __future__ import annotations

from django.conf import settings

from copgirls import navigation
from copgirls.permissions import roles_of


def portal(request) -> dict:
    return {
        "PRODUCTION": settings.PRODUCTION,
        "MFA_REQUIRED": settings.MFA_REQUIRED,
        "navigation": navigation.collect(request, roles_of(request.user)),
    }
