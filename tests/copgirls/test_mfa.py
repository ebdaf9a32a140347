"""Two-factor sign-in is required for the secretariat, regional officers and coordinators."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from copgirls.models import Role
from tests.copgirls.conftest import PASSWORD, make_user, totp_code

pytestmark = pytest.mark.usefixtures("empty_cache")

SETUP = reverse("mfa_activate_totp")


@pytest.fixture
def officer_without_mfa(kenya):
    return make_user("kofi@itu.example", role=Role.REGIONAL_OFFICER, region=kenya.region)


def sign_in(client, user):
    """Sign in, then confirm the password once more: allauth asks for it before MFA set-up."""
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    assert client.get(SETUP)["Location"].startswith(reverse("account_reauthenticate"))
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


def test_until_she_sets_up_mfa_an_officer_reaches_only_the_set_up_page(
    client, officer_without_mfa, event_ke
):
    sign_in(client, officer_without_mfa)
    for url in ("/dashboard/", "/", reverse("account_email"), "/admin/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == SETUP, url
    assert client.post(reverse("copgirls:dashboard")).status_code == 403
    page = client.get(SETUP)
    assert page.status_code == 200
    assert "Your role requires two-factor sign-in" in page.content.decode()
    # What stays open: sign-out, the health check, static files.
    assert client.get(reverse("account_logout")).status_code == 200
    assert client.get(reverse("healthz")).status_code in {200, 503}
    assert client.get("/static/css/portal.css").status_code in {200, 404}


def test_activating_totp_opens_the_portal_and_gives_recovery_codes(client, officer_without_mfa):
    sign_in(client, officer_without_mfa)
    page = client.get(SETUP)
    secret = page.context["form"].secret
    response = client.post(SETUP, {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    types = set(
        Authenticator.objects.filter(user=officer_without_mfa).values_list("type", flat=True)
    )
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    assert client.get("/dashboard/").status_code == 200


def test_a_wrong_code_is_refused_with_a_message(client, officer_without_mfa):
    sign_in(client, officer_without_mfa)
    client.get(SETUP)
    response = client.post(SETUP, {"code": "000000x"})
    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert not Authenticator.objects.filter(user=officer_without_mfa).exists()


@pytest.mark.parametrize("role", [Role.SECRETARIAT, Role.COORDINATOR])
def test_the_secretariat_and_coordinators_are_held_too(client, kenya, role):
    scope = {"member_state": kenya} if role == Role.COORDINATOR else {}
    user = make_user("held@itu.example", role=role, **scope)
    client.force_login(user)
    assert client.get("/dashboard/")["Location"] == SETUP


def test_facilitators_and_people_without_a_role_are_not_held(client, event_ke):
    facilitator = make_user("otieno@ke.example", role=Role.FACILITATOR, event=event_ke)
    client.force_login(facilitator)
    assert client.get("/dashboard/").status_code == 200
    client.force_login(make_user("nobody@ke.example"))
    assert client.get("/dashboard/").status_code == 200


def test_the_setting_turns_the_requirement_off_and_every_page_says_so(
    client, settings, officer_without_mfa
):
    client.force_login(officer_without_mfa)
    settings.MFA_REQUIRED = False
    response = client.get("/dashboard/")
    assert response.status_code == 200
    assert "two-factor sign-in is switched off" in response.content.decode()
    settings.MFA_REQUIRED = True
    home = client.get(reverse("home"))
    assert home.status_code == 302
    client.logout()
    assert "two-factor sign-in is switched off" not in client.get("/").content.decode()


def test_production_refuses_to_turn_the_requirement_off(tmp_path):
    from tests.copgirls.test_configuration import PRODUCTION, run_manage

    result = run_manage(tmp_path, "check", **{**PRODUCTION, "MFA_REQUIRED": "false"})
    assert result.returncode == 2
    assert "MFA_REQUIRED must stay on" in result.stderr


def test_make_run_turns_the_requirement_off_for_the_demo():
    from pathlib import Path

    from django.conf import settings

    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text()
    run_recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "MFA_REQUIRED=false" in run_recipe
