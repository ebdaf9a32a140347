"""Signing in with allauth: e-mail login, mandatory verification, rate limits on the real
cache, no account enumeration, and the audit trail of sign-ins."""

import pytest
from allauth.mfa.totp.internal.auth import generate_totp_secret
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from copgirls.models import AuditEntry, Role, User
from tests.copgirls.conftest import PASSWORD, make_user, totp_code

pytestmark = pytest.mark.usefixtures("empty_cache")

LOGIN = reverse("account_login")
TOO_MANY = "Too many failed login attempts"


def sign_in(client, email, password, **extra):
    return client.post(LOGIN, {"login": email, "password": password}, **extra)


def test_rate_limits_use_a_real_cache_never_a_dummy():
    backend = settings.CACHES["default"]["BACKEND"]
    assert backend in {
        "copgirls.cache.FailoverRedisCache",
        "django.core.cache.backends.db.DatabaseCache",
    }


def test_a_verified_user_signs_in_with_her_e_mail_and_lands_on_her_dashboard(client, db):
    make_user("otieno@ke.example")
    response = sign_in(client, "Otieno@KE.example", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    dashboard = client.get("/dashboard/")
    assert "Signed in as otieno@ke.example" in dashboard.content.decode()
    entry = AuditEntry.objects.get(action="auth.login")
    assert entry.actor_email == "otieno@ke.example"


def test_an_unverified_address_must_be_confirmed_first(client, db):
    make_user("new@ke.example", verified=False)
    response = sign_in(client, "new@ke.example", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "new@ke.example" in mail.outbox[0].to
    assert client.get("/dashboard/").status_code == 302  # not signed in


def test_a_wrong_password_is_refused_and_audited_without_saying_whether_the_account_exists(
    client, db
):
    make_user("otieno@ke.example")
    known = sign_in(client, "otieno@ke.example", "wrong-password")
    unknown = sign_in(client, "nobody@ke.example", "wrong-password")
    typed_a_password = sign_in(client, "My-Secret-Passw0rd", "wrong-password")
    assert known.status_code == unknown.status_code == 200
    known_text, unknown_text = known.content.decode(), unknown.content.decode()
    assert "not correct" in known_text and "not correct" in unknown_text
    failures = AuditEntry.objects.filter(action="auth.login_failed").order_by("id")
    assert typed_a_password.status_code == 200
    reprs = [entry.object_repr for entry in failures]
    # Only an account's address is kept as typed; anything else only as a short hash.
    assert reprs[0] == "otieno@ke.example"
    assert reprs[1].startswith("unknown (17 characters, sha256 ")
    assert "nobody" not in str(failures[1].changes)
    assert all("Passw0rd" not in repr(entry.changes) + entry.object_repr for entry in failures)
    assert failures[0].object_type == "copgirls.user" and failures[0].object_id


def test_password_reset_does_not_reveal_which_addresses_have_accounts(client, db):
    make_user("otieno@ke.example")
    url = reverse("account_reset_password")
    known = client.post(url, {"email": "otieno@ke.example"})
    unknown = client.post(url, {"email": "nobody@ke.example"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("account_reset_password_done")
    # Both get an e-mail; only the real account's contains a reset link.
    assert sorted(message.to[0] for message in mail.outbox) == [
        "nobody@ke.example",
        "otieno@ke.example",
    ]


def test_the_sign_in_page_uses_the_portal_layout_and_ties_errors_to_fields(client, db):
    response = sign_in(client, "", "")
    html = response.content.decode()
    assert '<main id="main"' in html and "/static/css/portal.css" in html
    assert 'class="form"' in html
    assert 'aria-invalid="true"' in html and 'aria-describedby="id_login_error"' in html


def test_sign_up_is_closed_without_an_invitation(client, db):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    assert "Sign Up Closed" in response.content.decode()
    response = client.post(
        reverse("account_signup"),
        {"email": "intruder@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert "Sign Up Closed" in response.content.decode()
    assert not User.objects.filter(email="intruder@example.org").exists()


# --- Brute force ---------------------------------------------------------------------


@pytest.mark.parametrize("proxies", [0, 1], ids=["direct", "behind a proxy"])
def test_five_wrong_passwords_from_one_address_do_not_lock_the_coordinator_out_elsewhere(
    kenya, settings, proxies
):
    """A stranger typing wrong passwords is stopped; the coordinator still signs in."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxies
    secret = generate_totp_secret()
    coordinator = make_user(
        "wanjiru@ke.example", role=Role.COORDINATOR, member_state=kenya, totp_secret=secret
    )

    def client_at(address: str) -> Client:
        if proxies:  # the proxy connects; the client's address is the hop it appended
            return Client(REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=address)
        return Client(REMOTE_ADDR=address)

    stranger = client_at("198.51.100.7")
    for attempt in range(5):
        response = sign_in(stranger, coordinator.email, "wrong-password")
        assert TOO_MANY not in response.content.decode(), f"attempt {attempt + 1}"
    assert TOO_MANY in sign_in(stranger, coordinator.email, "wrong-password").content.decode()
    # From the stranger's address even the right password waits now.
    assert TOO_MANY in sign_in(stranger, coordinator.email, PASSWORD).content.decode()
    assert "_auth_user_id" not in stranger.session

    at_her_office = client_at("203.0.113.77")
    response = sign_in(at_her_office, coordinator.email.upper(), PASSWORD)
    assert response["Location"] == reverse("mfa_authenticate")
    response = at_her_office.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    assert at_her_office.session["_auth_user_id"] == str(coordinator.pk)


def test_the_stranger_is_limited_per_address_across_accounts(db):
    """Ten failures a minute per address, whichever accounts they name."""
    stranger = Client(REMOTE_ADDR="198.51.100.8")
    for attempt in range(10):
        response = sign_in(stranger, f"guess{attempt}@ke.example", "x")
        assert TOO_MANY not in response.content.decode(), f"attempt {attempt + 1}"
    assert TOO_MANY in sign_in(stranger, "guess99@ke.example", "x").content.decode()
    elsewhere = sign_in(Client(REMOTE_ADDR="198.51.100.9"), "guess99@ke.example", "x")
    assert TOO_MANY not in elsewhere.content.decode()


def test_varying_the_host_port_does_not_reset_the_limit_of_an_account(db):
    make_user("otieno@ke.example")
    client = Client()
    for port in range(8001, 8006):
        sign_in(client, "otieno@ke.example", "wrong", HTTP_HOST=f"testserver:{port}")
    response = sign_in(client, "otieno@ke.example", PASSWORD, HTTP_HOST="testserver:9999")
    assert TOO_MANY in response.content.decode()


def test_a_spoofed_x_forwarded_for_does_not_reset_the_per_ip_limit(db, settings):
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0
    client = Client(REMOTE_ADDR="198.51.100.9")
    for attempt in range(10):  # different accounts, so only the per-IP limit counts
        response = sign_in(
            client, f"guess{attempt}@ke.example", "x", HTTP_X_FORWARDED_FOR=f"10.0.0.{attempt}"
        )
        assert TOO_MANY not in response.content.decode()
    response = sign_in(client, "guess99@ke.example", "x", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert TOO_MANY in response.content.decode()


def test_x_forwarded_for_counts_once_the_proxy_count_is_configured(db, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    client = Client(REMOTE_ADDR="192.0.2.1")  # the proxy
    for attempt in range(10):
        sign_in(client, f"guess{attempt}@ke.example", "x", HTTP_X_FORWARDED_FOR="198.51.100.20")
    blocked = sign_in(client, "guess99@ke.example", "x", HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert TOO_MANY in blocked.content.decode()
    other_client = sign_in(client, "guess98@ke.example", "x", HTTP_X_FORWARDED_FOR="198.51.100.21")
    assert TOO_MANY not in other_client.content.decode()


def test_the_proxy_count_comes_from_the_environment(tmp_path):
    from tests.copgirls.test_configuration import run_manage

    result = run_manage(
        tmp_path,
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.ALLAUTH_TRUSTED_PROXY_COUNT)",
        TRUSTED_PROXY_COUNT="2",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "2"


def test_a_staff_member_with_mfa_signs_in_in_two_steps(client, db):
    from allauth.mfa.totp.internal.auth import generate_totp_secret

    from tests.copgirls.conftest import totp_code

    secret = generate_totp_secret()
    make_user("wanjiru@ke.example", role=Role.SECRETARIAT, totp_secret=secret)
    response = sign_in(client, "wanjiru@ke.example", PASSWORD)
    assert response["Location"] == reverse("mfa_authenticate")
    assert not AuditEntry.objects.filter(action="auth.login").exists()
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    assert AuditEntry.objects.filter(action="auth.login", actor_email="wanjiru@ke.example").exists()
