"""Odd Unicode, overlong fields and malformed values: a form error in plain words, never 500."""

import pytest
from django.test import Client
from django.urls import reverse

from copgirls.emails import normalise_email
from copgirls.models import AuditEntry, Invitation, Role
from tests.copgirls.conftest import PASSWORD

pytestmark = pytest.mark.usefixtures("empty_cache")

LONG = "a" * 250 + "@ke.example"


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("amina\u200b@ke.example", "invisible or control character (U+200B)"),
        ("amina@ke.example\u202e", "invisible or control character (U+202E)"),
        ("am\x00ina@ke.example", "invisible or control character (U+0000)"),
        ("amïna@ke.example", "Enter a valid e-mail address"),
        ("amina@@ke.example", "Enter a valid e-mail address"),
        ("", "This field is required"),
        (LONG, "at most 254 characters (this one has 261)"),
    ],
)
def test_the_appointment_form_explains_a_bad_address(client, secretariat, kenya, email, message):
    client.force_login(secretariat)
    response = client.post(
        reverse("copgirls:appoint"),
        {"email": email, "role": Role.COORDINATOR, "member_state": kenya.pk},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'aria-describedby="id_email_helptext id_email_error"' in html
    assert not Invitation.objects.exists()


def test_look_alike_characters_are_folded_and_international_domains_accepted(
    client, secretariat, kenya
):
    assert normalise_email("ＡＭＩＮＡ@ke.example") == "amina@ke.example"
    client.force_login(secretariat)
    response = client.post(
        reverse("copgirls:appoint"),
        {"email": "Amina@Bücher.example", "role": Role.COORDINATOR, "member_state": kenya.pk},
    )
    assert response.status_code == 302
    assert Invitation.objects.get().email == "amina@bücher.example"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"role": Role.COORDINATOR}, "member_state", "Choose the member state"),
        ({"role": Role.REGIONAL_OFFICER}, "region", "Choose the region"),
        ({"role": "emperor"}, "role", "Choose one of the roles listed"),
        ({"role": Role.COORDINATOR, "member_state": "999999"}, "member_state", "from the list"),
        ({"role": Role.COORDINATOR, "member_state": "KE"}, "member_state", "from the list"),
    ],
)
def test_the_appointment_form_explains_a_missing_or_wrong_scope(
    client, secretariat, data, field, message
):
    client.force_login(secretariat)
    response = client.post(reverse("copgirls:appoint"), {"email": "amina@ke.example", **data})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert f'id="id_{field}_error"' in html
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    "login",
    ["otieno\x00@ke.example", "x" * 5000, "ø\u202e@ke.example", "\U0001f600@ke.example"],
)
def test_the_sign_in_form_answers_odd_input_with_an_error(db, login):
    response = Client().post(reverse("account_login"), {"login": login, "password": "x" * 5000})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()


@pytest.mark.parametrize(
    "email", ["a\x00@ke.example", "x" * 400 + "@ke.example", "a\u200b@ke.example", "@"]
)
def test_the_password_reset_form_answers_odd_input_with_an_error(db, email):
    response = Client().post(reverse("account_reset_password"), {"email": email})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()


def test_changing_to_an_address_with_hidden_characters_is_refused(client, coordinator_ke):
    client.force_login(coordinator_ke)
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "new\u200b@ke.example"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a valid email address" in html
    assert html.count('id="id_email_error"') == 1
    assert 'aria-describedby="id_email_error"' in html
    coordinator_ke.refresh_from_db()
    assert coordinator_ke.email == "wanjiru@ke.example"


def test_the_facilitator_invitation_form_rejects_overlong_input(client, coordinator_ke, event_ke):
    client.force_login(coordinator_ke)
    response = client.post(
        reverse("copgirls:facilitator_invite", args=[event_ke.pk]), {"email": LONG}
    )
    assert response.status_code == 200
    assert "at most 254 characters" in response.content.decode()


def test_signing_up_with_an_overlong_password_or_address_is_a_form_error(secretariat, kenya):
    from copgirls.services import invitation_create

    issued = invitation_create(
        invited_by=secretariat,
        email="amina@ke.example",
        role=Role.COORDINATOR,
        member_state=kenya,
        site_url="http://testserver",
    )
    client = Client()
    client.get(issued.url.removeprefix("http://testserver"))
    response = client.post(
        reverse("account_signup"), {"email": LONG, "password1": PASSWORD, "password2": "other"}
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"date_from": "yesterday"}, "Enter a date as YYYY-MM-DD"),
        ({"date_from": "2026-05-01", "date_to": "2026-04-01"}, "end date is before the start"),
        ({"actor": "x" * 300}, "at most 254 characters"),
        ({"text": "\x00"}, "Null characters are not allowed"),
    ],
)
def test_the_audit_filter_explains_bad_values(client, secretariat, query, message):
    client.force_login(secretariat)
    response = client.get(reverse("copgirls:audit_log"), query)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_odd_page_numbers_fall_back_to_a_real_page(client, secretariat):
    AuditEntry.objects.create(action="test.entry")
    client.force_login(secretariat)
    for page in ("abc", "-1", "99999", "1e9"):
        response = client.get(reverse("copgirls:audit_log"), {"page": page})
        assert response.status_code == 200
        assert "test.entry" in response.content.decode()
