"""The wall in presentation mode and its one live count (issue 19)."""

from __future__ import annotations

from django.urls import reverse

from assessments.models import Phase
from tests.assessments.conftest import form_data


def test_presentation_mode_shows_code_qr_link_and_count_and_nothing_of_the_portal(
    client, facilitator, session, pre_link
):
    client.force_login(facilitator)
    url = reverse("assessments:wall", args=[session.pk, Phase.PRE])
    normal = client.get(url).content.decode()
    assert 'href="?present=1"' in normal
    page = client.get(url, {"present": "1"}).content.decode()
    assert pre_link.code in page and "<svg" in page
    assert f"/a/{pre_link.code}/" in page
    assert 'class="site-header"' not in page and "site-footer" not in page
    assert "Answers received: <strong>0</strong>" in page
    assert 'src="/static/js/htmx.min.js"' in page


def test_the_walls_count_is_polled_and_unchanged_counts_answer_204(
    client, girl, facilitator, session, questionnaire, pre_link
):
    client.force_login(facilitator)
    live = reverse("assessments:live", args=[session.pk])
    unchanged = client.get(live, {"wall": "pre", "seen": "0"}, HTTP_HX_REQUEST="true")
    assert unchanged.status_code == 204
    girl.post(reverse("participate:respond", args=[pre_link.code]), form_data(questionnaire))
    changed = client.get(live, {"wall": "pre", "seen": "0"}, HTTP_HX_REQUEST="true")
    assert changed.status_code == 200
    assert "Answers received: <strong>1</strong>" in changed.content.decode()
    assert "seen=1" in changed.content.decode()


def test_a_closed_link_in_presentation_mode_says_it_is_closed(
    client, facilitator, session, pre_link
):
    client.force_login(facilitator)
    client.post(reverse("assessments:close", args=[session.pk, Phase.PRE]))
    page = client.get(reverse("assessments:wall", args=[session.pk, Phase.PRE]), {"present": "1"})
    assert "This link is closed" in page.content.decode()
    assert pre_link.code not in page.content.decode().split("<body", 1)[1]
