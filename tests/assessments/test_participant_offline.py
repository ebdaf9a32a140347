"""What the questionnaire page gives its offline script: spare ids, the mode, its worker."""

from __future__ import annotations

import re
import uuid

from django.urls import reverse

from assessments.forms import submission_sealed
from assessments.models import Response
from tests.assessments.conftest import form_data, hidden_client_id


def form_tag(html: str) -> str:
    return re.search(r'<form method="post"[^>]*class="questionnaire">', html).group(0)


def spare_ids(html: str) -> list[str]:
    return re.search(r'data-spare-ids="([^"]*)"', form_tag(html)).group(1).split()


def test_a_shared_tablet_page_carries_forty_spare_ids_drawn_as_the_forms_own(girl, pre_link):
    url = reverse("participate:respond", args=[pre_link.code])
    html = girl.get(url, {"device": "shared"}).content.decode()
    tag = form_tag(html)
    assert 'data-shared="1"' in tag and 'data-fresh="1"' in tag
    assert f'data-queue="{pre_link.code}"' in tag
    spares = spare_ids(html)
    assert len(spares) == 40 == len(set(spares))
    # Each spare is "id:seal", sealed as the form's own id is (issue 15).
    ids = [spare.split(":")[0] for spare in spares]
    assert hidden_client_id(html) not in ids
    assert all(uuid.UUID(spare_id) for spare_id in ids)
    assert all(submission_sealed(*spare.split(":")) for spare in spares)
    assert "Shared device: after each girl sends her answers" in html
    assert 'src="/static/js/participant-offline.js"' in html
    own = girl.get(url).content.decode()
    assert 'data-shared="0"' in form_tag(own) and len(spare_ids(own)) == 3
    assert "Shared device" not in own


def test_a_page_shown_again_with_her_answers_is_not_the_one_kept_for_offline(
    girl, pre_link, questionnaire
):
    data = form_data(questionnaire, extra={"memorable_code": ""})
    page = girl.post(reverse("participate:respond", args=[pre_link.code]), data)
    assert page.status_code == 400
    assert 'data-fresh="0"' in form_tag(page.content.decode())


def test_a_spare_id_sent_from_the_device_is_stored_once(girl, pre_link, questionnaire):
    url = reverse("participate:respond", args=[pre_link.code]) + "?device=shared"
    spare, seal = spare_ids(girl.get(url).content.decode())[7].split(":")
    data = {**form_data(questionnaire, client_id=spare), "submission_seal": seal}
    for _ in range(2):  # queued, then resent when the connection came back
        sent = girl.post(url, data)
        assert sent.status_code == 200 and sent["X-Submission-Stored"] == "1"
    assert Response.objects.get().client_submission_id == uuid.UUID(spare)
    # The page's own seal does not pass for a spare id.
    page_seal = re.search(r'name="submission_seal" value="([^"]+)"', girl.get(url).content.decode())
    other = uuid.uuid4()
    refused = girl.post(
        url, {**form_data(questionnaire, client_id=other), "submission_seal": page_seal.group(1)}
    )
    assert refused.status_code != 200 and "X-Submission-Stored" not in refused


def test_the_service_worker_is_served_under_the_participant_pages(girl, db):
    response = girl.get(reverse("participate:service_worker"))
    assert response.status_code == 200
    assert reverse("participate:service_worker") == "/a/sw.js"
    assert response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    assert 'addEventListener("fetch"' in body and 'request.method !== "GET"' in body
