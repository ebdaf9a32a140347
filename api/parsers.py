"""JSON bodies, bounded: a body larger than ``API_MAX_BODY_BYTES`` is refused unread."""

from __future__ import annotations

import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.parsers import BaseParser


class BodyTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "too_large"
    default_detail = "The request body is too large."


class BoundedJSONParser(BaseParser):
    """Not a subclass of DRF's ``JSONParser``: DRF reads such a parser's body whole through
    ``request.body`` first, which refuses above Django's form limit with a bare 400 and
    no JSON. This one reads the stream itself, at most ``API_MAX_BODY_BYTES`` + 1 bytes."""

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_MAX_BODY_BYTES
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        too_large = _("The body is larger than %(limit)s bytes; send fewer items at a time.") % {
            "limit": limit
        }
        if declared and declared.isdigit() and int(declared) > limit:
            raise BodyTooLarge(too_large)
        content = stream.read(limit + 1) if stream is not None else b""
        if len(content) > limit:
            raise BodyTooLarge(too_large)
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            raise exceptions.ParseError(
                _("The body is not UTF-8 text."), code="malformed_json"
            ) from None
        try:
            return json.loads(text, parse_constant=_no_constant)
        except (ValueError, RecursionError) as exc:
            raise exceptions.ParseError(
                _("The body is not valid JSON: %(error)s") % {"error": exc},
                code="malformed_json",
            ) from None


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")
