"""Demo accounts and data for the embedded portal (`make run`). Never used in production.

Other apps add their own demo accounts with :func:`demo_user` and
:func:`copgirls.services.role_grant`, and list them in a ``DEMO_ACCOUNTS`` attribute of
their ``demo`` module so ``load_demo`` prints their logins too.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from allauth.account.models import EmailAddress

from copgirls.models import MemberState, Region, Role, User
from copgirls.services import role_grant


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    password: str
    is_superuser: bool = False


DEMO_PASSWORD = "girls-in-ict-demo"  # noqa: S105 -- demo only; load_demo refuses production

DEMO_ACCOUNTS = [
    DemoAccount("ITU secretariat", "secretariat@demo.copgirls.org", DEMO_PASSWORD, True),
    DemoAccount("Regional officer, Africa", "africa@demo.copgirls.org", DEMO_PASSWORD),
    DemoAccount("Coordinator, Kenya", "kenya@demo.copgirls.org", DEMO_PASSWORD),
]


#: Each app may have a ``demo`` module with ``load() -> int`` (objects created), run in order.
APP_DEMO_MODULES = ("events.demo", "assessments.demo", "reports.demo")


def _app_demo_modules():
    for name in APP_DEMO_MODULES:
        try:
            yield import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


def demo_logins() -> list[DemoAccount]:
    """Every demo account, the core's first, then those the apps list."""
    accounts = list(DEMO_ACCOUNTS)
    for module in _app_demo_modules():
        accounts.extend(getattr(module, "DEMO_ACCOUNTS", []))
    return accounts


#: Every account under this domain is a demo account.
DEMO_DOMAIN = "@demo.copgirls.org"


def load_demo_data() -> int:
    """Create what is missing of the demo data; returns how many objects were created."""
    created = _load_accounts()
    for module in _app_demo_modules():
        created += module.load()
    _verify_demo_addresses()
    return created


def _verify_demo_addresses() -> None:
    """Sign-in needs a verified address: give one to demo accounts that apps created
    directly (without :func:`demo_user`)."""
    missing = User.objects.filter(email__endswith=DEMO_DOMAIN, emailaddress__isnull=True)
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in missing
    )


def demo_user(
    *, email: str, full_name: str, password: str = DEMO_PASSWORD, is_superuser: bool = False
) -> tuple[User, bool]:
    """A demo account that can sign in at once (its e-mail address counts as verified)."""
    user, created = User.objects.get_or_create(
        email=email,
        defaults={"full_name": full_name, "is_staff": is_superuser, "is_superuser": is_superuser},
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user, created


def _load_accounts() -> int:
    secretariat, new_secretariat = demo_user(
        email=DEMO_ACCOUNTS[0].email, full_name=DEMO_ACCOUNTS[0].role, is_superuser=True
    )
    officer, new_officer = demo_user(email=DEMO_ACCOUNTS[1].email, full_name=DEMO_ACCOUNTS[1].role)
    coordinator, new_coordinator = demo_user(
        email=DEMO_ACCOUNTS[2].email, full_name=DEMO_ACCOUNTS[2].role
    )
    role_grant(user=secretariat, role=Role.SECRETARIAT)
    role_grant(
        user=officer,
        role=Role.REGIONAL_OFFICER,
        granted_by=secretariat,
        region=Region.objects.get(member_states__iso2="KE"),
    )
    role_grant(
        user=coordinator,
        role=Role.COORDINATOR,
        granted_by=secretariat,
        member_state=MemberState.objects.get(iso2="KE"),
    )
    return sum((new_secretariat, new_officer, new_coordinator))
