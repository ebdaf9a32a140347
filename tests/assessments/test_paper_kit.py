"""The paper kit: a printable questionnaire whose marks the paper-entry grid reads back."""

from __future__ import annotations

import io
import re
import subprocess

from django.urls import reverse
from pypdf import PdfReader

from assessments.answers import parse_answer
from assessments.models import Item, ItemKind, Phase, QuestionnaireStatus, Response
from assessments.paper_kit import paper_kit_html, paper_marks
from assessments.services import link_open
from copgirls.helplines import child_helpline_save
from tests.assessments.conftest import form_data


def kit(client, session, phase="pre", paper="a4") -> bytes:
    response = client.get(
        reverse("assessments:paper_kit", args=[session.pk, phase]), {"paper": paper}
    )
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    assert f"session{session.pk}-{paper}.pdf" in response["Content-Disposition"]
    return response.content


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def question_block(text: str, number: int) -> str:
    """What the girl's sheet prints for question ``number``: from its number to the next."""
    questions = text.split("Circle one letter or number for each question.", 1)[1]
    start = re.search(rf"^\s*{number}\.\s", questions, re.MULTILINE)
    assert start, f"question {number} is not on the sheet"
    rest = questions[start.end() :]
    end = re.search(rf"^\s*{number + 1}\.\s|Thank you! Give this sheet", rest, re.MULTILINE)
    return rest[: end.start() if end else None]


def printed_mark(text: str, number: int, label: str) -> str:
    """The mark printed beside an answer's label under question ``number`` (several questions
    may offer the same words, under other letters)."""
    block = question_block(text, number)
    match = re.search(rf"^\s*(\S)\s+{re.escape(label[:50])}", block, re.MULTILINE)
    assert match, f"no mark printed beside {label!r} under question {number}"
    return match.group(1)


def test_every_printed_mark_is_what_the_grid_reads_as_that_answer(db):
    items = Item.objects.filter(
        questionnaire__status=QuestionnaireStatus.PUBLISHED, is_retired=False
    )
    assert items.count() > 50
    for item in items:
        marks = paper_marks(item)
        assert [mark.value for mark in marks] == (
            item.option_keys() if item.is_knowledge else ["1", "2", "3", "4", "5"]
        )
        for mark in marks:
            parsed = parse_answer(item, mark.mark)
            assert parsed.canonical() == mark.value, (item.key, mark)


def test_the_kit_has_a_cover_sheet_and_the_girls_sheet_with_every_question(
    client, facilitator, session, questionnaire
):
    client.force_login(facilitator)
    text = pdf_text(kit(client, session))
    assert "Paper kit for the facilitator" in text
    assert "Print pages 2 to 3 once for each girl" in text
    assert "http://testserver/a/?lang=en" in text  # no link yet: the page to type a code
    assert f"/assessments/sessions/{session.pk}/" in text and "pre/paper/" in text
    assert "I agree to answer these questions. I know my answers are anonymous." in text
    assert "How old are you?" in text and "13–18" in text and "19–24" in text
    assert "Sheet no." in text
    items = list(questionnaire.items.filter(is_retired=False).order_by("position"))
    for number, item in enumerate(items, 1):
        assert f"{number}. {item.text[:40]}" in " ".join(text.split())
        assert re.search(rf"^ {number}\s+{item.key}\s", text, re.MULTILINE), item.key  # key table
    true_false = next(i for i in items if i.kind == ItemKind.KNOWLEDGE_TRUE_FALSE)
    number = items.index(true_false) + 1
    assert printed_mark(text, number, "I don't know") == "?"
    assert "t, f, ?" in text and true_false.key in text
    assert re.search(r"^\s+1\s+2\s+3\s+4\s+5\s*$", text, re.MULTILINE)  # a sentence's 1–5


def test_printing_the_same_kit_twice_gives_the_same_file_on_a4_or_letter(
    client, facilitator, session, questionnaire
):
    client.force_login(facilitator)
    a4 = kit(client, session)
    assert kit(client, session) == a4
    letter = kit(client, session, paper="letter")
    assert kit(client, session, paper="letter") == letter
    width, height = (float(v) for v in PdfReader(io.BytesIO(a4)).pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)
    width, height = (float(v) for v in PdfReader(io.BytesIO(letter)).pages[0].mediabox[2:])
    assert (round(width), round(height)) == (612, 792)
    bad = client.get(reverse("assessments:paper_kit", args=[session.pk, "pre"]), {"paper": "a3"})
    assert bad.status_code == 404


def test_an_open_link_prints_its_code_and_its_own_address(
    client, facilitator, session, questionnaire
):
    link = link_open(session=session, phase=Phase.POST, actor=facilitator)
    client.force_login(facilitator)
    text = pdf_text(kit(client, session, phase="post"))
    assert f"http://testserver/a/{link.code}/" in " ".join(text.split()).replace("/ ", "/")
    assert link.code in text
    assert "After the discussion: each girl writes the same memorable code" in text


def test_the_kit_is_in_the_sessions_language(client, facilitator, session, questionnaire):
    session.language = "fr"
    session.save()
    client.force_login(facilitator)
    text = " ".join(pdf_text(kit(client, session)).split())
    assert "Je ne sais pas" in text
    item = questionnaire.items.filter(is_retired=False).order_by("position").first()
    french = item.translations.get("fr", {}).get("text")
    assert french and french[:30] in text
    session.language = "ar"
    session.save()
    # pdftotext splits Arabic ligatures (لا): the words are read in the HTML the PDF is made of.
    assert re.search("[\u0600-\u06ff]{4}", pdf_text(kit(client, session)))
    html = paper_kit_html(
        session=session,
        phase="pre",
        questionnaire=questionnaire,
        items=list(questionnaire.items.filter(is_retired=False).order_by("position")),
        link=None,
        paper="a4",
        answer_url="https://portal.example/a/?lang=ar",
        entry_url="https://portal.example/a/",
        grid_url="https://portal.example/paper/",
    )
    assert '<html lang="ar" dir="rtl">' in html and "لا أعرف" in html


def test_letters_printed_on_the_sheet_typed_into_the_grid_score_as_the_same_answers_on_the_web(
    client, girl, facilitator, session, questionnaire, pre_link
):
    """The round trip: what she circles, typed in, counts as what she would tap."""
    items = list(questionnaire.items.filter(is_retired=False).order_by("position"))
    answers, knowledge = {}, 0
    for item in items:  # some right, some wrong, sentences spread over 1–5
        if item.is_knowledge:
            keys = item.option_keys()
            wrong = [key for key in keys if key != item.correct_option]
            answers[item.key] = item.correct_option if knowledge % 2 == 0 else wrong[-1]
            knowledge += 1
        elif item.is_likert:
            answers[item.key] = str(1 + item.position % 5)

    web = form_data(questionnaire, code="web girl 5")
    web.update({f"item-{key}": value for key, value in answers.items()})
    assert girl.post(reverse("participate:respond", args=[pre_link.code]), web).status_code == 200

    client.force_login(facilitator)
    text = pdf_text(kit(client, session))
    typed = {}
    for number, item in enumerate(items, 1):
        if item.kind == ItemKind.KNOWLEDGE_CHOICE:
            label = next(o["text"] for o in item.options if o["key"] == answers[item.key])
            typed[item.key] = printed_mark(text, number, label)
        elif item.kind == ItemKind.KNOWLEDGE_TRUE_FALSE:
            label = {"true": "True", "false": "False", "dont_know": "I don't know"}
            typed[item.key] = printed_mark(text, number, label[answers[item.key]])
        elif item.is_likert:
            typed[item.key] = answers[item.key]  # the number printed above its words
    row = {"memorable_code": "paper girl 5", "age_band": "13_18", "gender": "girl", "assent": "yes"}
    data = {"batch": "3b8f6c1e-5b1a-4c57-9a59-0d1b0b7e6f05", "rows": "1"}
    data.update({f"r1-{key}": value for key, value in {**row, **typed}.items()})
    stored = client.post(reverse("assessments:paper", args=[session.pk, "pre"]), data)
    assert stored.status_code == 302

    on_web = Response.objects.get(source="web")
    on_paper = Response.objects.get(source="paper")
    scores = ("knowledge_score", "self_efficacy_mean", "intention_mean")
    assert [getattr(on_paper, s) for s in scores] == [getattr(on_web, s) for s in scores]
    assert 0 < on_paper.knowledge_score < 100
    assert {a.item.key: a.option or str(a.likert) for a in on_paper.answers.all()} == answers


def test_a_letter_the_question_does_not_have_is_refused_naming_the_row_and_question(
    client, facilitator, session, questionnaire
):
    client.force_login(facilitator)
    first = questionnaire.items.filter(is_retired=False).order_by("position").first()
    data = {"batch": "3b8f6c1e-5b1a-4c57-9a59-0d1b0b7e6f06", "rows": "3"}
    for n in (1, 2, 3):
        data.update(
            {
                f"r{n}-memorable_code": f"paper girl {n}",
                f"r{n}-age_band": "13_18",
                f"r{n}-assent": "yes",
                f"r{n}-{first.key}": "e" if n == 3 else "a",
            }
        )
    response = client.post(reverse("assessments:paper", args=[session.pk, "pre"]), data)
    assert response.status_code == 400
    assert (
        f"Row 3 · Question 1 ({first.key}): Choose one of the options a, b, c, d."
        in response.content.decode()
    )
    assert not Response.objects.exists()


def test_the_session_page_offers_the_kit_on_both_paper_sizes(client, facilitator, session):
    client.force_login(facilitator)
    page = client.get(reverse("assessments:session", args=[session.pk])).content.decode()
    url = reverse("assessments:paper_kit", args=[session.pk, "pre"])
    assert f'href="{url}?paper=a4"' in page and f'href="{url}?paper=letter"' in page


def test_the_cover_and_the_sheet_say_where_the_girls_get_help(
    client, facilitator, coordinator, session
):
    """Issue 19: the state's child helpline (else the default directory) on the
    facilitator's cover and at the end of the girl's sheet."""
    client.force_login(facilitator)
    text = " ".join(pdf_text(kit(client, session)).split())
    assert "Where the girls get help" in text
    assert "childhelplineinternational.org/helplines/" in text
    child_helpline_save(
        actor=coordinator,
        member_state=session.event.member_state,
        data={
            "name": "Childline Kenya",
            "phone": "116",
            "website": "https://childlinekenya.example/",
        },
    )
    text = " ".join(pdf_text(kit(client, session)).split())
    cover, sheet = text.split("Circle one letter or number for each question.", 1)
    assert "Childline Kenya" in cover and "116" in cover
    assert "Childline Kenya" in sheet.split("Thank you! Give this sheet", 1)[1]
    assert "Print pages 2 to 3 once for each girl" in text  # the cover still fits one page
