"""The celebrations' panel on the public home page (see :mod:`copgirls.home`)."""

from __future__ import annotations

from typing import Any

from copgirls.home import HomePanel
from events.selectors import public_headline


def headline_context(request) -> dict[str, Any]:
    return {"figures": public_headline()}


headline_panel = HomePanel("events/_home_headline.html", headline_context, order=10)
