"""Every page a role can open passes the markup checks of WCAG 2.1 AA (tests/a11y.py).

The pages come from the permission matrix's URLconf walk and its world, so a page added
later is checked too, as the first actor the matrix lets open it.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.a11y import problems
from tests.permissions.test_permission_matrix import (  # noqa: F401 -- the world fixtures
    NAMES,
    RULES,
    client_for,
    module_world,
    world,
)

#: Files and htmx fragments, not pages.
NOT_PAGES = {
    "assessments:paper_kit",
    "assessments:paper_template",
    "events:export",
    "events:import_template",
    "healthz",
    "policies:export",
    "participate:service_worker",
    "reports:annex_csv",
    "reports:annex_xlsx",
    "reports:brief",  # a PDF: its HTML is checked in tests/reports/test_brief.py
    "reports:download",
    "reports:progress",
}
READERS = (
    "secretariat",
    "coordinator_a",
    "facilitator_a",
    "officer_a",
    "participant",
    "anonymous",
)


def _pages():
    for name in NAMES:
        rule = RULES.get(name)
        # The API answers JSON (its reference page is drf-spectacular's Swagger UI).
        if rule is None or rule.method != "get" or rule.token or name in NOT_PAGES:
            continue
        for actor in READERS:
            if rule.expected(actor, "own") == 200:
                yield pytest.param(name, actor, id=name)
                break


@pytest.mark.parametrize(("name", "actor"), list(_pages()))
@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_page_passes_the_markup_checks(world, name, actor, language):  # noqa: F811
    rule = RULES[name]
    url = reverse(name, kwargs=rule.kwargs(world, "own") if rule.kwargs else {}) + rule.query
    client = client_for(world, actor)
    response = client.get(url, headers={"accept-language": language})
    assert response.status_code == 200 and "text/html" in response["Content-Type"]
    html = response.content.decode()
    assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in html
    assert problems(html) == []
