"""Rules of the permission matrix: one module per app, each with ``RULES`` and ``build``.

A rule says, for one URL name, how to fill its arguments from the world's "own" (A side)
or "other" (B side) object, and what each actor gets for each. Status codes:
200 (or another 2xx/3xx the view answers), ``LOGIN`` (302 to the login page), 403, 404.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

LOGIN = "login"

#: Actor groups, for writing expectations compactly.
NO_ACCOUNT = ("anonymous", "participant")
STAFF = (
    "facilitator_a",
    "facilitator_b",
    "coordinator_a",
    "coordinator_b",
    "officer_a",
    "officer_other",
    "secretariat",
)
EVERYONE = NO_ACCOUNT + STAFF


@dataclass(frozen=True)
class Rule:
    """Expectations for one URL name.

    ``kwargs(world, side)`` gives the URL arguments for the "own" or "other" object;
    ``own`` and ``other`` map each actor to the expected status (actors not listed get
    ``default``). A URL without arguments uses only ``own``.
    """

    kwargs: Callable[[Any, str], dict[str, Any]] | None = None
    own: dict[str, Any] = field(default_factory=dict)
    other: dict[str, Any] | None = None
    default: Any = 404
    method: str = "get"
    data: Callable[[Any, str], dict[str, Any]] | None = None
    query: str = ""
    #: The API's routes: the actor sends her personal access token (``world.tokens``) and
    #: no session; ``data`` goes as a JSON body.
    token: bool = False
    #: Further methods on the same URL, each with its own expectations.
    more: tuple[Rule, ...] = ()

    def expected(self, actor: str, side: str) -> Any:
        table = self.own if side == "own" or self.other is None else self.other
        return table.get(actor, self.default)


def each(actors: tuple[str, ...] | list[str], status: Any) -> dict[str, Any]:
    return dict.fromkeys(actors, status)


def collect() -> tuple[dict[str, Rule], list[Callable]]:
    """All rules of all apps, and their world builders."""
    from tests.permissions.rules import copgirls_rules

    modules = [copgirls_rules]
    for name in (
        "events_rules",
        "policies_rules",
        "assessments_rules",
        "reports_rules",
        "api_rules",
    ):
        try:
            modules.append(__import__(f"tests.permissions.rules.{name}", fromlist=["RULES"]))
        except ModuleNotFoundError as exc:
            if exc.name != f"tests.permissions.rules.{name}":
                raise
    rules: dict[str, Rule] = {}
    builders = []
    for module in modules:
        overlap = rules.keys() & module.RULES.keys()
        assert not overlap, f"{module.__name__} repeats rules for {overlap}"
        rules.update(module.RULES)
        if hasattr(module, "build"):
            builders.append(module.build)
    return rules, builders
