"""Demo accounts for `make run`: one per role, able to sign in at once."""

import pytest
from django.test import Client
from django.urls import reverse

from copgirls.models import Role, RoleAssignment, User
from demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from demo.load import load_demo_data

pytestmark = pytest.mark.usefixtures("empty_cache")


def test_the_demo_has_a_secretariat_an_african_officer_and_a_kenyan_coordinator(db):
    assert load_demo_data() >= 3
    assert load_demo_data() == 0  # idempotent
    roles = {
        (a.user.email, a.role, str(a.region or a.member_state or ""))
        for a in RoleAssignment.objects.active().select_related("user", "region", "member_state")
    }
    assert roles >= {
        ("secretariat@demo.copgirls.org", Role.SECRETARIAT, ""),
        ("africa@demo.copgirls.org", Role.REGIONAL_OFFICER, "Africa"),
        ("kenya@demo.copgirls.org", Role.COORDINATOR, "Kenya"),
    }
    assert User.objects.get(email="secretariat@demo.copgirls.org").is_superuser


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=lambda a: a.email)
def test_every_demo_account_signs_in_with_the_demo_password(db, settings, account):
    settings.MFA_REQUIRED = False  # as in `make run`
    load_demo_data()
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": account.email, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200


def test_demo_accounts_that_an_app_created_directly_can_sign_in_too(db):
    User.objects.create_user("facilitator.xx@demo.copgirls.org", DEMO_PASSWORD)
    load_demo_data()
    response = Client().post(
        reverse("account_login"),
        {"login": "facilitator.xx@demo.copgirls.org", "password": DEMO_PASSWORD},
    )
    assert response["Location"] == "/dashboard/"
