"""A report's language is shown as a word in the reader's language, not as its code."""

from __future__ import annotations

from django.urls import reverse


def test_the_report_list_and_page_name_the_language_in_the_readers_language(
    client, secretariat, make_report
):
    report = make_report(language="zh-hans")
    client.force_login(secretariat)

    english = client.get(reverse("reports:list")).content.decode()
    chinese = client.get(
        reverse("reports:detail", args=[report.pk]), headers={"accept-language": "zh-hans"}
    ).content.decode()

    assert "<td>Chinese</td>" in english and "zh-hans</td>" not in english
    assert "<dd>中文</dd>" in chinese
