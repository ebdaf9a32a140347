"""Django admin: the secretariat only, through allauth's sign-in and the same MFA rule."""

import pytest
from django.test import Client
from django.urls import reverse

from copgirls.models import AuditEntry, Role
from tests.copgirls.conftest import make_user

pytestmark = pytest.mark.usefixtures("empty_cache")


@pytest.fixture
def staff_secretariat(secretariat):
    secretariat.is_staff = secretariat.is_superuser = True
    secretariat.save()
    return secretariat


def test_the_secretariat_opens_the_admin(client, staff_secretariat):
    client.force_login(staff_secretariat)
    assert client.get("/admin/").status_code == 200


def test_signing_in_to_the_admin_goes_through_allauth(db):
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_staff_flag_without_the_secretariat_role_is_not_enough(client, coordinator_ke):
    coordinator_ke.is_staff = coordinator_ke.is_superuser = True
    coordinator_ke.save()
    client.force_login(coordinator_ke)
    response = client.get("/admin/", follow=True)
    assert response.status_code in {200, 403}
    assert b"Site administration" not in response.content
    assert client.get("/admin/copgirls/user/").status_code == 302


def test_a_secretariat_member_without_mfa_is_sent_to_set_it_up(client, db):
    user = make_user("sec2@itu.example", role=Role.SECRETARIAT)
    user.is_staff = user.is_superuser = True
    user.save()
    client.force_login(user)
    assert client.get("/admin/")["Location"] == reverse("mfa_activate_totp")


def test_deactivating_in_the_admin_ends_the_sessions_and_is_audited(
    client, staff_secretariat, coordinator_ke
):
    other = Client()
    other.force_login(coordinator_ke)
    client.force_login(staff_secretariat)
    url = reverse("admin:copgirls_user_change", args=[coordinator_ke.pk])
    response = client.post(
        url,
        {
            "email": coordinator_ke.email,
            "full_name": "Wanjiru",
            "is_staff": "",
            "is_active": "",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    coordinator_ke.refresh_from_db()
    assert coordinator_ke.is_active is False
    assert coordinator_ke.full_name == "Wanjiru"
    assert AuditEntry.objects.filter(action="user.deactivate", actor=staff_secretariat).exists()
    assert other.get("/dashboard/").status_code == 302


def test_users_cannot_be_deleted_in_the_admin(client, staff_secretariat, coordinator_ke):
    client.force_login(staff_secretariat)
    url = reverse("admin:copgirls_user_delete", args=[coordinator_ke.pk])
    assert client.get(url).status_code == 403
