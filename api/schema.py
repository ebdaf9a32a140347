"""The OpenAPI description: every operation documents the errors it can answer with.

The error responses are added to each operation here rather than on each view, so the
schema the fuzzer (schemathesis, tests/api) checks the API against cannot forget one.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers


class ErrorItemSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="The field, dotted for nested ones ('' for none).")
    code = serializers.CharField()
    message = serializers.CharField()
    item = serializers.IntegerField(
        required=False, help_text="In a bulk upsert: the 0-based index of the item."
    )


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="A stable code: see the API section of the README.")
    message = serializers.CharField()
    errors = ErrorItemSerializer(many=True)


#: Every operation may answer these (400 and 413 only those that read a body).
_COMMON = {
    "401": "No token, or a token that cannot be used (unknown, expired, revoked).",
    "403": "The token lacks the scope, or the owner's role does not allow this.",
    "404": "Not found, or outside the owner's scope.",
    "405": "Method not allowed.",
    "406": "Only JSON (or the CSV the route documents) is served.",
    "429": "Too many requests: wait for Retry-After seconds.",
}
_WITH_BODY = {
    "400": "The request has errors: each is listed with its field.",
    "413": "The body is larger than the API accepts.",
    "415": "Send JSON (Content-Type: application/json).",
}
_OPEN = {"406", "429", "400", "405"}


class PortalAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        open_data = getattr(self.view, "open_data", False)
        errors = dict(_COMMON)
        # Query parameters can be wrong on any route; bodies only where one is read.
        errors["400"] = "The request has errors: each is listed with its field."
        if self.method in ("POST", "PUT", "PATCH"):
            errors.update(_WITH_BODY)
        if getattr(self.view, "conflict_responses", False) and self.method == "POST":
            errors["409"] = "The object is not in a state that allows this."
        if getattr(self.view, "download_responses", False):
            errors["409"] = "The report has no file yet."
        for code, description in errors.items():
            if open_data and code not in _OPEN:
                continue
            if code not in responses:
                responses[code] = self._get_response_for_code(ErrorSerializer, code)
                responses[code]["description"] = description
        return responses


class AccessTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.AccessTokenAuthentication"
    name = "personalAccessToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token (cgpat_…) from the account page.",
        }
