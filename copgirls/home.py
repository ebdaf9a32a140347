"""The public home page is the core's welcome around panels the apps register.

An app calls :func:`register` from its ``AppConfig.ready()`` with a :class:`HomePanel`:
its template is included in the page with the context its function returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class HomePanel:
    template_name: str
    context: Callable[[Any], dict[str, Any]]
    order: int = 50


@dataclass(frozen=True)
class RenderedPanel:
    template_name: str
    context: dict[str, Any]


_panels: list[HomePanel] = []


def register(panel: HomePanel) -> None:
    if panel not in _panels:
        _panels.append(panel)


def panels(request) -> list[RenderedPanel]:
    """The registered panels, by ``order``, each with its context for ``request``."""
    return [
        RenderedPanel(panel.template_name, panel.context(request))
        for panel in sorted(_panels, key=lambda panel: panel.order)
    ]
