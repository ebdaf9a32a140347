"""Child helplines (issue 19): kept by each state's coordinator, a default by the
secretariat; bad input named; every change audited; the list's queries constant."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import generate_totp_secret
from django.urls import reverse

from copgirls.helplines import child_helpline_for
from copgirls.models import AuditEntry, ChildHelpline, MemberState, Role
from tests.copgirls.conftest import make_user

pytestmark = pytest.mark.django_db


def _edit_url(state) -> str:
    return reverse("copgirls:helpline_edit", args=[state.iso2])


def test_a_coordinator_keeps_her_states_helpline_and_the_change_is_audited(
    client, coordinator_ke, kenya, france
):
    client.force_login(coordinator_ke)
    sent = client.post(
        _edit_url(kenya),
        {
            "name": "Childline Kenya",
            "phone": "116",
            "website": "https://www.childlinekenya.co.ke/",
            "report_abuse": "Report images of children to the hotline.",
            "report_url": "https://report.iwf.org.uk/ke",
        },
    )
    assert sent.status_code == 302
    helpline = ChildHelpline.objects.get(member_state=kenya)
    assert helpline.phone == "116"
    entry = AuditEntry.objects.get(action="child_helpline.create")
    assert entry.actor == coordinator_ke and entry.changes["name"] == ["", "Childline Kenya"]

    client.post(_edit_url(kenya), {"name": "Childline Kenya", "phone": "116 111"})
    change = AuditEntry.objects.get(action="child_helpline.update")
    assert change.changes["phone"] == ["116", "116 111"]
    # Another state is out of her scope: 404, nothing said about it.
    assert client.get(_edit_url(france)).status_code == 404


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("phone", "call 116", "3 to 15 digits"),
        ("phone", "12", "3 to 15 digits"),
        ("website", "javascript:alert(1)", "https://"),
        ("website", "ftp://helpline.example/", "https://"),
        ("report_url", "www.helpline.example", "https://"),
    ],
)
def test_a_bad_phone_or_address_is_refused_naming_the_field(
    client, coordinator_ke, kenya, field, value, says
):
    client.force_login(coordinator_ke)
    data = {"name": "Childline Kenya", "phone": "116 111", field: value}
    page = client.post(_edit_url(kenya), data)
    assert page.status_code == 200
    assert says in " ".join(page.context["form"].errors[field])
    assert not ChildHelpline.objects.filter(member_state=kenya).exists()
    assert not AuditEntry.objects.filter(action__startswith="child_helpline").exists()


def test_neither_phone_nor_web_address_is_refused(client, coordinator_ke, kenya):
    client.force_login(coordinator_ke)
    page = client.post(_edit_url(kenya), {"name": "Childline Kenya"})
    assert "Give a phone number or a web address" in " ".join(page.context["form"].errors["phone"])


def test_a_state_without_its_own_is_shown_the_secretariats_default(
    client, secretariat, kenya, france
):
    default = child_helpline_for(france.pk)
    assert default.is_default
    assert default.website == "https://childhelplineinternational.org/helplines/"
    client.force_login(secretariat)
    client.post(
        reverse("copgirls:helpline_default"),
        {"name": "Child Helpline International", "website": "https://chi.example/find/"},
    )
    assert child_helpline_for(france.pk).website == "https://chi.example/find/"
    assert AuditEntry.objects.filter(action="child_helpline.update").exists()
    ChildHelpline.objects.create(member_state=kenya, name="Childline Kenya", phone="116")
    assert child_helpline_for(kenya.pk).name == "Childline Kenya"


def test_a_regional_officer_reads_her_regions_helplines_only(client, kenya, france):
    ChildHelpline.objects.create(member_state=kenya, name="Childline Kenya", phone="116")
    ChildHelpline.objects.create(member_state=france, name="Allo Enfance en Danger", phone="119")
    officer = make_user(
        "officer@africa.example",
        role=Role.REGIONAL_OFFICER,
        region=kenya.region,
        totp_secret=generate_totp_secret(),
    )
    client.force_login(officer)
    page = client.get(reverse("copgirls:helplines")).content.decode()
    assert "Childline Kenya" in page and "Allo Enfance" not in page
    assert _edit_url(kenya) not in page  # read only
    assert client.get(_edit_url(kenya)).status_code == 403
    assert client.get(_edit_url(france)).status_code == 404


def test_the_list_runs_the_same_queries_however_many_helplines(
    client, secretariat, django_assert_max_num_queries
):
    client.force_login(secretariat)
    client.get(reverse("copgirls:helplines"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("copgirls:helplines"))
    for state in MemberState.objects.all()[:40]:
        ChildHelpline.objects.create(member_state=state, name=f"Line {state.iso2}", phone="116")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("copgirls:helplines"))
    assert "Line KE" in page.content.decode() or "Line AF" in page.content.decode()
