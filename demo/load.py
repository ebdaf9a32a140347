"""What ``load_demo`` loads, in order: the core's accounts, celebrations, then responses."""

from __future__ import annotations

from copgirls.closed_years import loading_history
from demo import accounts, assessments, events, policies
from demo.accounts import DemoAccount


def demo_logins() -> list[DemoAccount]:
    """Every demo account, the core's first, then those of the celebrations."""
    return [*accounts.DEMO_ACCOUNTS, *events.DEMO_ACCOUNTS]


def load_demo_data() -> int:
    """Create what is missing of the demo data; returns how many objects were created.

    The demo's past years are closed (reports and public figures cover closed years only),
    so they are loaded as history (:func:`copgirls.closed_years.loading_history`)."""
    with loading_history():
        created = accounts.load() + events.load() + policies.load() + assessments.load()
    accounts.verify_demo_addresses()
    return created
