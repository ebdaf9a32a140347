"""A submission says it comes from the portal's page (Origin, or else Referer): a POST
that says neither, or names another site, stores nothing — even with a valid CSRF token."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import Response
from tests.assessments.conftest import form_data


def _url(link) -> str:
    return reverse("participate:respond", args=[link.code])


def _with_csrf_token(link) -> tuple[Client, str]:
    """A client holding the CSRF cookie and the page's token, as a script that read it can."""
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.77")
    html = client.get(_url(link)).content.decode()
    return client, html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_REFERER": "https://evil.example/a/page/"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_ORIGIN": "https://evil.example", "HTTP_REFERER": "http://testserver/a/"},
    ],
    ids=["neither-header", "foreign-referer", "origin-null", "foreign-origin"],
)
def test_a_post_that_does_not_say_it_comes_from_the_portal_stores_nothing(
    pre_link, questionnaire, headers
):
    client, token = _with_csrf_token(pre_link)
    data = {**form_data(questionnaire, code="lynx 88"), "csrfmiddlewaretoken": token}
    refused = client.post(_url(pre_link), data, **headers)
    assert refused.status_code == 403
    assert 'value="lynx 88"' in refused.content.decode()  # her answers kept on the page
    assert not Response.objects.exists()


def test_the_portals_referer_with_its_csrf_token_is_stored(pre_link, questionnaire):
    client, token = _with_csrf_token(pre_link)
    data = {**form_data(questionnaire), "csrfmiddlewaretoken": token}
    page = f"http://testserver{_url(pre_link)}?lang=en"
    assert client.post(_url(pre_link), data, HTTP_REFERER=page).status_code == 200
    assert Response.objects.count() == 1


def test_the_portals_origin_needs_no_csrf_cookie(pre_link, questionnaire):
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR="198.51.100.31")
    sent = client.post(_url(pre_link), form_data(questionnaire), HTTP_ORIGIN="http://testserver")
    assert sent.status_code == 200
    assert Response.objects.count() == 1
