"""Every API error is one JSON shape with a stable code, and the fields it is about.

``{"code": "invalid", "message": "…", "errors": [{"field": "start_date", "code": "invalid",
"message": "…"}]}``; a bulk upsert's errors also name their ``item`` (0-based). Codes:
``invalid``, ``malformed_json``, ``too_large``, ``unsupported_media_type``,
``not_authenticated``, ``unknown_token``, ``token_expired``, ``token_revoked``, ``no_role``,
``bad_header``, ``missing_scope``, ``permission_denied``, ``not_found``,
``method_not_allowed``, ``not_acceptable``, ``conflict``, ``not_ready``, ``throttled``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The object is not in a state that allows this."


class NotReady(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "not_ready"
    default_detail = "This report has no file yet."


def _flatten(detail: Any, path: list[str], out: list[dict[str, Any]]) -> None:
    if isinstance(detail, dict):
        for key, value in detail.items():
            _flatten(value, [*path, str(key)], out)
    elif isinstance(detail, list):
        if all(isinstance(item, exceptions.ErrorDetail | str) for item in detail):
            for item in detail:
                _flatten(item, path, out)
        else:
            for index, item in enumerate(detail):
                if item:
                    _flatten(item, [*path, str(index)], out)
    else:
        field = ".".join(part for part in path if part != "non_field_errors")
        out.append(
            {"field": field, "code": getattr(detail, "code", "invalid"), "message": str(detail)}
        )


def field_errors(detail: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    _flatten(detail, [], out)
    return out


def validation_error(exc: ValidationError) -> exceptions.ValidationError:
    """A Django ``ValidationError`` (a service's) as DRF's, with its field names."""
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(
            {
                ("non_field_errors" if name == "__all__" else name): [
                    exceptions.ErrorDetail(message, code=error.code or "invalid")
                    for error in errors
                    for message in error.messages
                ]
                for name, errors in exc.error_dict.items()
            }
        )
    return exceptions.ValidationError(
        [
            exceptions.ErrorDetail(message, code=error.code or "invalid")
            for error in exc.error_list
            for message in error.messages
        ]
    )


def error_body(code: str, message: str, errors: list[dict[str, Any]] | None = None) -> dict:
    return {"code": code, "message": message, "errors": errors or []}


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found (or not yours to see)."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, ValidationError):
        exc = validation_error(exc)
    if not isinstance(exc, exceptions.APIException):
        return None
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, exceptions.ValidationError):
        body = error_body(
            "invalid", _("The request has errors: see errors."), field_errors(exc.detail)
        )
    else:
        detail = exc.detail
        code = detail.code if isinstance(detail, exceptions.ErrorDetail) else exc.default_code
        if isinstance(exc, exceptions.NotAuthenticated):
            code = "not_authenticated"
        elif isinstance(exc, exceptions.Throttled):
            code = "throttled"
        body = error_body(str(code), str(detail))
    set_rollback()
    return Response(body, status=exc.status_code, headers=headers)
