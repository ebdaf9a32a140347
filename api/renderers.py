"""Renderers beside JSON: CSV for the open data, and a pass-through for file downloads."""

from __future__ import annotations

import csv
import io
import json

from rest_framework.renderers import BaseRenderer

from events.columns import neutralise


class CsvRenderer(BaseRenderer):
    """A list of flat objects (``{"results": [...]}`` or a list) as CSV, header first.

    A client asks for it with ``?format=csv`` or ``Accept: text/csv``. Values that would
    start a formula in a spreadsheet get a leading apostrophe, as in the portal's exports.
    Errors stay JSON (a client reading CSV still gets the code and the message).
    """

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None and response.status_code >= 400:
            response["Content-Type"] = "application/json"
            return json.dumps(data, ensure_ascii=False).encode()
        rows = data.get("results", data) if isinstance(data, dict) else data
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        if rows:
            header = list(rows[0].keys())
            writer.writerow(header)
            for row in rows:
                writer.writerow([_cell(row.get(name)) for name in header])
        return out.getvalue().encode()


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(part) for part in value)
    return neutralise(value)


class FileRenderer(BaseRenderer):
    """Lets a download answer whatever the client accepts; errors are JSON."""

    media_type = "*/*"
    format = "file"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return json.dumps(data, ensure_ascii=False).encode()
