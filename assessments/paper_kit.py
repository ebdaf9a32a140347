"""The paper kit of a COP session: a print-ready PDF of one phase's questionnaire.

For schools where phones are few and the network is poor: a facilitator's cover sheet
(how to hand out, collect, number and type in the sheets, the key of the paper-entry grid),
then the girl's sheet — assent, age band and gender boxes, memorable-code boxes, every
question with the marks she circles — and a QR code and link for girls with a phone.

The marks printed beside each answer are :func:`paper_marks`, the same list the paper-entry
grid's column headers are drawn from (views/sessions.py), and each mark is what the grid
reads back as that answer (``answers.parse_answer``): a sheet typed in scores what the same
answers sent on the web score. The sheet is in the session's language (English where the
questionnaire has no translation), on A4 or US Letter.

The same session, phase, links and questionnaire give the same bytes: every date inside the
file is the latest change of what it shows (the session, the questionnaire, the link), never
the clock, and its identifier is derived from what it is the kit of.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

import segno
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext

from assessments.forms import LIKERT_CHOICES, TRUE_FALSE_CHOICES, item_choices
from assessments.models import ItemKind, Phase
from copgirls.helplines import child_helpline_for
from copgirls.i18n import localized, normalise_language
from events.models import AgeBand, Gender

#: Paper sizes the kit is printed on: the CSS ``@page`` size of each.
PAPER_SIZES = {"a4": "A4", "letter": "letter"}
#: What the girl circles for a true/false/don't know question, typed as is into the grid.
TRUE_FALSE_MARKS = {"true": "t", "false": "f", "dont_know": "?"}
#: Boxes for the memorable code, one character each (a code is at least 4 characters).
CODE_BOXES = 14


@dataclass(frozen=True)
class PaperMark:
    """One answer of a question on paper: the ``mark`` printed and typed, the answer's
    ``value`` as the web form sends it, and its ``label`` in the sheet's language."""

    mark: str
    value: str
    label: str


def paper_marks(item, language: str | None = None) -> list[PaperMark]:
    """The marks of ``item`` in order: a, b, c… for a multiple choice, t, f, ? for true /
    false / don't know, 1–5 for a sentence; none for free text."""
    if item.kind == ItemKind.KNOWLEDGE_TRUE_FALSE:
        return [
            PaperMark(TRUE_FALSE_MARKS[value], value, str(label))
            for value, label in TRUE_FALSE_CHOICES
        ]
    if item.kind in (ItemKind.SELF_EFFICACY, ItemKind.INTENTION):
        # "1 — strongly disagree": the number is the mark printed beside the words.
        return [
            PaperMark(value, value, str(label).removeprefix(value).lstrip(" —-").strip())
            for value, label in LIKERT_CHOICES
        ]
    return [PaperMark(value, value, label) for value, label in item_choices(item, language)]


def grid_accepted(item) -> str:
    """What a grid column accepts, as its header says it: the printed marks."""
    if item.is_likert:
        return "1–5"
    return ", ".join(mark.mark for mark in paper_marks(item))


def qr_svg(url: str, title: str) -> str:
    """An inline SVG QR code of ``url`` named by ``title`` (the wall page's and the kit's)."""
    return (
        segno.make(url, error="m")
        .svg_inline(scale=1, border=4, omitsize=True, dark="#000", light="#fff", title=title)
        .replace("<svg ", '<svg role="img" ', 1)
    )


def _latest_change(*objects) -> datetime.datetime:
    return max(obj.updated_at for obj in objects if obj is not None)


def paper_kit_html(
    *,
    session,
    phase: str,
    questionnaire,
    items,
    link,
    paper: str,
    answer_url: str,
    entry_url: str,
    grid_url: str,
) -> str:
    """The kit's HTML in the session's language (the PDF and its tests read it).

    ``answer_url`` is the link's page when the phase has a link (its code is printed), else
    the portal's page where a code is typed (``entry_url``), with a box for the code the
    facilitator writes once she opens the link."""
    language = normalise_language(session.language)
    with translation.override(language):
        questions = [
            {
                "number": number,
                "item": item,
                "text": localized(item, "text", language),
                "marks": paper_marks(item, language),
                "likert": item.is_likert,
            }
            for number, item in enumerate(items, 1)
        ]
        changed = _latest_change(session, questionnaire, link)
        context = {
            "session": session,
            "module_title": localized(session.module, "title", language),
            "questionnaire": questionnaire,
            "questionnaire_title": localized(questionnaire, "title", language),
            "phase": phase,
            "phase_label": Phase(phase).label,
            "link": link,
            "paper_size": PAPER_SIZES[paper],
            "answer_url": answer_url,
            "entry_url": entry_url,
            "grid_url": grid_url,
            "qr_svg": qr_svg(answer_url, gettext("QR code: %(url)s") % {"url": answer_url}),
            "questions": questions,
            # Where the girls get help (issue 19): their state's helpline, else the default.
            "helpline": child_helpline_for(session.event.member_state_id),
            "age_bands": AgeBand.choices,
            "genders": Gender.choices,
            "code_boxes": range(CODE_BOXES),
            # Empty links whose page number the stylesheet writes (target-counter).
            "first_page": format_html('<a class="page-ref" href="#{}"></a>', "sheet-start"),
            "last_page": format_html('<a class="page-ref" href="#{}"></a>', "sheet-end"),
            "language_bidi": translation.get_language_bidi(),
            "pdf_date": changed.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        return render_to_string("assessments/paper_kit/kit.html", context)


def paper_kit_identifier(*, session, phase: str, questionnaire, paper: str) -> bytes:
    seed = f"paper-kit:{session.pk}:{phase}:{questionnaire.pk}:{paper}"
    return hashlib.md5(seed.encode(), usedforsecurity=False).hexdigest().encode()


def paper_kit_pdf(*, session, phase: str, questionnaire, items, link, paper: str, **urls) -> bytes:
    """The kit as PDF bytes (WeasyPrint is loaded only when a kit is asked for)."""
    from copgirls.pdf import write_pdf

    html = paper_kit_html(
        session=session,
        phase=phase,
        questionnaire=questionnaire,
        items=items,
        link=link,
        paper=paper,
        **urls,
    )
    epoch = int(_latest_change(session, questionnaire, link).timestamp())
    identifier = paper_kit_identifier(
        session=session, phase=phase, questionnaire=questionnaire, paper=paper
    )
    return write_pdf(html, identifier=identifier, epoch=epoch)
