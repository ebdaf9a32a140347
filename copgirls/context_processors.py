from django.conf import settings


def portal(request) -> dict:
    return {"PRODUCTION": settings.PRODUCTION}
