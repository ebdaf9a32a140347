"""Demo accounts and data for the embedded portal (`make run`). Never used in production."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from copgirls.models import User


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    password: str
    is_superuser: bool = False


DEMO_PASSWORD = "girls-in-ict-demo"  # noqa: S105 -- demo only; load_demo refuses production

DEMO_ACCOUNTS = [
    DemoAccount("ITU secretariat", "secretariat@demo.copgirls.org", DEMO_PASSWORD, True),
]


#: Each app may have a ``demo`` module with ``load() -> int`` (objects created), run in order.
APP_DEMO_MODULES = ("events.demo", "assessments.demo", "reports.demo")


def load_demo_data() -> int:
    """Create what is missing of the demo data; returns how many objects were created."""
    created = _load_accounts()
    for name in APP_DEMO_MODULES:
        try:
            module = import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        created += module.load()
    return created


def _load_accounts() -> int:
    created = 0
    for account in DEMO_ACCOUNTS:
        user, was_created = User.objects.get_or_create(
            email=account.email,
            defaults={
                "full_name": account.role,
                "is_staff": account.is_superuser,
                "is_superuser": account.is_superuser,
            },
        )
        if was_created:
            user.set_password(account.password)
            user.save(update_fields=["password"])
            created += 1
    return created
