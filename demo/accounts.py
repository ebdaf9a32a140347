"""Demo accounts: the core's three (secretariat, Africa, Kenya) and the helper every demo
module uses to create one that can sign in at once. Never used in production.

The other demo modules (:mod:`demo.events`, …) create their accounts with :func:`demo_user`
and :func:`copgirls.services.role_grant`, and list them in their ``DEMO_ACCOUNTS`` so
``load_demo`` prints their logins too (:func:`demo.load.demo_logins`).
"""

from __future__ import annotations

from dataclasses import dataclass

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


#: Every account under this domain is a demo account.
DEMO_DOMAIN = "@demo.copgirls.org"


def verify_demo_addresses() -> None:
    """Sign-in needs a verified address: give one to demo accounts created directly
    (without :func:`demo_user`)."""
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


def load() -> int:
    """Create what is missing of the core's demo accounts and their roles."""
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
