"""Labels, not codes, wherever a person reads: age bands, risk areas, languages, member
states and regions in the reader's language, sorted as her language sorts."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse

from events.models import CopModule
from tests.events.conftest import make_event


def test_a_celebration_shows_its_age_bands_and_languages_as_words(coordinator_client, kenya):
    event = make_event(kenya, target_age_bands=["13_18", "19_24"], languages=["en", "sw"])

    html = coordinator_client.get(reverse("events:detail", args=[event.pk])).content.decode()

    assert "<dd>13–18, 19–24</dd>" in html and "13_18" not in html
    assert "<dd>English, Swahili</dd>" in html


def test_the_same_page_in_french_names_the_languages_in_french(coordinator_client, kenya):
    event = make_event(kenya, target_age_bands=["under_9"], languages=["zh-hans", "sw"])

    html = coordinator_client.get(
        reverse("events:detail", args=[event.pk]), headers={"accept-language": "fr"}
    ).content.decode()

    assert "<dd>moins de 9 ans</dd>" in html
    assert "<dd>Chinois, swahili</dd>" in html


@pytest.mark.django_db
def test_the_catalogue_shows_age_bands_and_risk_areas_as_words(secretariat_client):
    module = CopModule.objects.get(code="M05")
    assert "13_18" in module.age_bands

    html = secretariat_client.get(reverse("events:modules")).content.decode()

    assert "13_18" not in html and "19_24" not in html
    assert "13–18" in html and "Risk areas" in html


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return [label.strip() for label in re.findall(r"<option[^>]*>([^<]*)</option>", select)]


@pytest.mark.django_db
def test_member_states_and_regions_are_offered_in_her_language_and_her_order(client):
    french = client.get(reverse("events:public_list"), headers={"accept-language": "fr"})
    states = _options(french.content.decode(), "member_state")
    # French names, French order: Égypte among the E, before Espagne; Allemagne first of A.
    assert states.index("Égypte") < states.index("Espagne") < states.index("Estonie")
    assert "Allemagne" in states and "Germany" not in states
    regions = _options(french.content.decode(), "region")
    assert regions[1:] == [
        "Afrique",
        "Amériques",
        "Asie-Pacifique",
        "CEI",
        "États arabes",
        "Europe",
    ]

    arabic = client.get(reverse("events:public_list"), headers={"accept-language": "ar"})
    assert "كينيا" in _options(arabic.content.decode(), "member_state")


def test_the_export_keeps_the_codes_and_adds_the_words_in_her_language(coordinator_client, kenya):
    make_event(kenya, title="Lugha", target_age_bands=["13_18", "19_24"], format="hybrid")

    response = coordinator_client.get(
        reverse("events:export", args=["csv"]), headers={"accept-language": "fr"}
    )

    content = b"".join(response.streaming_content).decode("utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(content))
    assert (row["format"], row["target_age_bands"]) == ("hybrid", "13_18;19_24")
    assert (row["format_label"], row["target_age_bands_label"]) == (
        "hybride",
        "13–18 ans;19–24 ans",
    )
    assert (row["member_state_name"], row["region"]) == ("Kenya", "Afrique")
    assert row["status_label"] == "publié"
