"""Cursor pagination: a page costs the same few queries on page 1 and on page 120.

The cursor is the last id seen (ids only grow), so a client syncing celebrations page by
page never skips or repeats one when rows are added meanwhile.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    ordering = "id"
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        self.page_size = settings.API_PAGE_SIZE
        return super().get_page_size(request)

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError(
                {"cursor": [_("This cursor is not one the API gave: start again without it.")]}
            ) from None
