"""Rules for the portal core: pages, allauth's account and MFA pages, people and invitations.

allauth's pages get rules like any other: signed-out visitors reach the sign-in, sign-up,
password-reset and e-mail confirmation pages; everything about an account needs a
session. The matrix's staff users have a verified e-mail and TOTP set up (see world.py), so
the MFA rule lets them through; tests/copgirls/test_mfa.py proves the rule itself.
"""

import datetime

from django.utils import timezone

from copgirls.models import Invitation, Role, WorkerHeartbeat
from copgirls.services import token_digest
from tests.permissions.rules import EVERYONE, LOGIN, NO_ACCOUNT, STAFF, Rule, each

SECRETARIAT_ONLY = {**each(NO_ACCOUNT, LOGIN), **each(STAFF, 403), "secretariat": 200}
SIGNED_IN = {**each(NO_ACCOUNT, LOGIN), **each(STAFF, 200)}
REAUTHENTICATE = {**each(NO_ACCOUNT, LOGIN), **each(STAFF, 302)}
SIGNED_OUT_PAGE = {**each(NO_ACCOUNT, 200), **each(STAFF, 302)}  # staff go to the dashboard
INVITATION_TOKEN = "matrix-invitation-token-0123456789abcdefghijkl"


def build(world) -> None:
    """Pending facilitator invitations for celebration A ("own") and B ("other"); a worker
    seen a moment ago (so /healthz is up and answers each role as its rule says)."""
    WorkerHeartbeat.objects.create(hostname="celery@matrix", seen_at=timezone.now())
    invitations = {}
    for side, event in (("own", world.get("event", "own")), ("other", world.get("event", "other"))):
        token = INVITATION_TOKEN if side == "own" else INVITATION_TOKEN + "-other"
        invitations[side] = Invitation.objects.create(
            email=f"newcomer-{side}@matrix.example",
            role=Role.FACILITATOR,
            event=event,
            token_digest=token_digest(token),
            invited_by=world.users["secretariat"],
            expires_at=timezone.now() + datetime.timedelta(days=7),
        )
    world.add("invitation", invitations["own"], invitations["other"])
    assignments = {
        side: world.users[name].role_assignments.get()
        for side, name in (("own", "facilitator_a"), ("other", "facilitator_b"))
    }
    world.add("facilitator_assignment", assignments["own"], assignments["other"])


def pk_of(name):
    return lambda world, side: {"pk": world.get(name, side).pk}


#: Who may manage the facilitators of celebration A ("own") and B ("other").
MANAGE_FACILITATORS = {
    "own": {**each(NO_ACCOUNT, LOGIN), "coordinator_a": 200, "secretariat": 200},
    "other": {**each(NO_ACCOUNT, LOGIN), "coordinator_b": 200, "secretariat": 200},
}


def iso2_of(world, side):
    return {"iso2": world.get("member_state", side).iso2}


#: A state's child helpline (issue 19): its coordinator and the secretariat keep it; the
#: region's officer reads it on the list (403 here); a facilitator of a celebration there
#: sees the state (403); everyone else: out of scope, 404.
HELPLINE_EDIT = {
    "own": {
        **each(NO_ACCOUNT, LOGIN),
        "coordinator_a": 200,
        "secretariat": 200,
        "officer_a": 403,
        "facilitator_a": 403,
    },
    "other": {
        **each(NO_ACCOUNT, LOGIN),
        "coordinator_b": 200,
        "secretariat": 200,
        "officer_other": 403,
        "facilitator_b": 403,
    },
}

RULES = {
    "home": Rule(own=each(EVERYONE, 200)),
    "healthz": Rule(own=each(EVERYONE, 200)),
    "set_language": Rule(
        method="post", own=each(EVERYONE, 302), data=lambda w, s: {"language": "fr"}
    ),
    # --- the portal core -----------------------------------------------------------
    "copgirls:dashboard": Rule(own=SIGNED_IN),
    "copgirls:people": Rule(own=SECRETARIAT_ONLY, query="?role=facilitator&invitations_page=2"),
    "copgirls:appoint": Rule(own=SECRETARIAT_ONLY),
    "copgirls:audit_log": Rule(own=SECRETARIAT_ONLY),
    "copgirls:user_deactivate": Rule(kwargs=pk_of("user"), own=SECRETARIAT_ONLY),
    "copgirls:facilitator_invite": Rule(
        kwargs=lambda world, side: {"event_pk": world.get("event", side).pk},
        # In scope but not theirs to invite to: 403; out of scope: 404.
        own={
            **each(NO_ACCOUNT, LOGIN),
            "coordinator_a": 200,
            "secretariat": 200,
            "facilitator_a": 403,
            "officer_a": 403,
        },
        other={
            **each(NO_ACCOUNT, LOGIN),
            "coordinator_b": 200,
            "secretariat": 200,
            "facilitator_b": 403,
            "officer_other": 403,
        },
    ),
    "copgirls:helplines": Rule(
        own={
            **each(NO_ACCOUNT, LOGIN),
            **each(STAFF, 200),
            "facilitator_a": 403,
            "facilitator_b": 403,
        }
    ),
    "copgirls:helpline_edit": Rule(
        kwargs=iso2_of,
        **HELPLINE_EDIT,
        more=(
            Rule(
                kwargs=iso2_of,
                method="post",
                data=lambda w, s: {"name": "Childline", "phone": "116 111"},
                own={**HELPLINE_EDIT["own"], "coordinator_a": 302, "secretariat": 302},
                other={**HELPLINE_EDIT["other"], "coordinator_b": 302, "secretariat": 302},
            ),
        ),
    ),
    "copgirls:helpline_default": Rule(own=SECRETARIAT_ONLY),
    "copgirls:role_revoke": Rule(kwargs=pk_of("facilitator_assignment"), **MANAGE_FACILITATORS),
    "copgirls:invitation_cancel": Rule(kwargs=pk_of("invitation"), **MANAGE_FACILITATORS),
    # The link from the e-mail: open to anyone holding it; an unknown token is a 404 page.
    "copgirls:invitation": Rule(
        kwargs=lambda world, side: {
            "token": INVITATION_TOKEN if side == "own" else "no-such-invitation-token"
        },
        own=each(EVERYONE, 200),
        other=each(EVERYONE, 404),
    ),
    # --- allauth: signing in and out -------------------------------------------------
    "account_login": Rule(own=SIGNED_OUT_PAGE),
    # Sign-up is closed without an invitation (the page says so).
    "account_signup": Rule(own=SIGNED_OUT_PAGE),
    "account_logout": Rule(own={**each(NO_ACCOUNT, 302), **each(STAFF, 200)}),
    "account_inactive": Rule(own=each(EVERYONE, 200)),
    "account_email_verification_sent": Rule(own=each(EVERYONE, 200)),
    "account_confirm_email": Rule(
        kwargs=lambda world, side: {"key": f"not-a-real-key-{side}"}, own=each(EVERYONE, 200)
    ),
    "account_reset_password": Rule(own=each(EVERYONE, 200)),
    "account_reset_password_done": Rule(own=each(EVERYONE, 200)),
    "account_reset_password_from_key": Rule(
        kwargs=lambda world, side: {"uidb36": "zz", "key": f"bad-key-{side}"},
        own=each(EVERYONE, 200),
    ),
    "account_reset_password_from_key_done": Rule(own=each(EVERYONE, 200)),
    # Login and reauthentication by e-mailed code are not enabled: no pending flow.
    "account_confirm_login_code": Rule(own={**each(NO_ACCOUNT, LOGIN), **each(STAFF, 302)}),
    "account_request_reauthentication_code": Rule(own=SIGNED_IN),
    "account_confirm_reauthentication_code": Rule(
        own={**each(NO_ACCOUNT, LOGIN), **each(STAFF, 302)}
    ),
    # --- allauth: managing one's account -----------------------------------------------
    "account_email": Rule(own=SIGNED_IN),
    "account_change_password": Rule(own=SIGNED_IN),
    "account_set_password": Rule(own={**each(NO_ACCOUNT, LOGIN), **each(STAFF, 302)}),
    "account_reauthenticate": Rule(own=SIGNED_IN),
    # --- allauth: two-factor sign-in ---------------------------------------------------
    "mfa_index": Rule(own=SIGNED_IN),
    # Only during a sign-in; otherwise back to the sign-in page, or the dashboard.
    "mfa_authenticate": Rule(own={**each(NO_ACCOUNT, LOGIN), **each(STAFF, 302)}),
    "mfa_reauthenticate": Rule(own=SIGNED_IN),
    "mfa_activate_totp": Rule(own={**each(NO_ACCOUNT, LOGIN), **each(STAFF, 302)}),
    # Sensitive: the session must have re-authenticated recently (the matrix's have not).
    "mfa_deactivate_totp": Rule(own=REAUTHENTICATE),
    "mfa_view_recovery_codes": Rule(own=REAUTHENTICATE),
    "mfa_generate_recovery_codes": Rule(own=REAUTHENTICATE),
    "mfa_download_recovery_codes": Rule(own=REAUTHENTICATE),
}

#: URL-name prefixes whose patterns are Django's own (admin), checked by their own test
#: (tests/copgirls/test_admin.py).
EXEMPT_PREFIXES = ("admin:",)
