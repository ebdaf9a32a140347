"""The facilitator's pages of a COP session: links, the wall, live counts, paper answers.

Every page is reached from the session's id; the session is fetched through
``cop_sessions_visible_to`` (out of scope: 404) and ``can_run_assessments`` (else 403).
"""

from __future__ import annotations

import csv
import hashlib
import io
import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, npgettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments.forms import (
    LIKERT_CHOICES,
    TRUE_FALSE_CHOICES,
    EraseResponsesForm,
    OpenLinkForm,
    PaperUploadForm,
)
from assessments.models import ItemKind, Phase
from assessments.paper_kit import PAPER_SIZES, grid_accepted, paper_kit_pdf, qr_svg
from assessments.permissions import can_erase_responses, can_run_assessments
from assessments.selectors import (
    active_questionnaire_items,
    event_response_counts,
    session_held_batches,
    session_links,
    session_response_summary,
)
from assessments.services import (
    PaperEntryInvalid,
    held_batch_release,
    held_batch_void,
    link_close,
    link_open,
    responses_erase_for_event,
    responses_record_paper,
    session_questionnaire,
)
from assessments.services.paper import PROFILE_COLUMNS, rows_from_csv
from copgirls.i18n import normalise_language
from copgirls.permissions import in_scope, require, roles_of, staff_required
from events.models import AgeBand, Gender
from events.permissions import cop_sessions_visible_to, events_visible_to

GRID_ROWS = 10
#: A row posts about 4 + (number of questions) fields: 50 rows of a 14-question
#: questionnaire stay within Django's DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000), so a full
#: grid is never refused as a whole after the facilitator has typed it.
GRID_MAX_ROWS = 50


def _session(request, session_id: int):
    session = in_scope(cop_sessions_visible_to(request.user), pk=session_id)
    require(can_run_assessments, request.user, session)
    return session


def _phase(phase: str) -> str:
    if phase not in Phase.values:
        raise Http404
    return phase


def participant_url(request, link) -> str:
    return request.build_absolute_uri(reverse("participate:respond", args=[link.code]))


@staff_required
@require_safe
def session_list(request):
    """The COP sessions whose assessments the user runs, newest first, with counts."""
    roles = roles_of(request.user)
    sessions = cop_sessions_visible_to(request.user)
    if not roles.secretariat:
        sessions = sessions.filter(
            Q(event__member_state_id__in=roles.member_states) | Q(event_id__in=roles.events)
        )
    sessions = sessions.annotate(
        pre=Count("responses", filter=Q(responses__phase=Phase.PRE)),
        post=Count("responses", filter=Q(responses__phase=Phase.POST)),
    ).order_by("-starts_at", "pk")
    page = Paginator(sessions, 50).get_page(request.GET.get("page"))
    celebrations = []
    if not page.object_list:  # lead on to where a session is logged
        celebrations = events_visible_to(request.user).select_related("member_state")
        if not roles.secretariat:
            celebrations = celebrations.filter(
                Q(member_state_id__in=roles.member_states) | Q(pk__in=roles.events)
            )
        celebrations = list(celebrations.order_by("-start_date", "pk")[:10])
    return render(
        request, "assessments/session_list.html", {"page": page, "celebrations": celebrations}
    )


@staff_required
@require_safe
def session_detail(request, session_id: int):
    session = _session(request, session_id)
    links = session_links(session)
    now = timezone.now()
    phases = [
        {
            "phase": phase,
            "label": label,
            "link": links.get(phase),
            # Past its closing time a link is closed for the girls: so it is here.
            "open": phase in links and links[phase].is_open_at(now),
        }
        for phase, label in Phase.choices
    ]
    try:
        questionnaire = session_questionnaire(session)
    except ValidationError as exc:
        questionnaire, problem = None, exc.messages[0]
    else:
        problem = ""
    return render(
        request,
        "assessments/session_detail.html",
        {
            "session": session,
            "phases": phases,
            "questionnaire": questionnaire,
            "problem": problem,
            "summary": session_response_summary(session, viewer=request.user),
            "held": session_held_batches(session),
            "day_ends_at": session.day_ends_at(now),
            "open_form": OpenLinkForm(),
            "can_erase": can_erase_responses(request.user, session.event),
        },
    )


@staff_required
@require_POST
def link_open_view(request, session_id: int, phase: str):
    session = _session(request, session_id)
    phase = _phase(phase)
    form = OpenLinkForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("close_after_minutes", []):
            messages.error(request, error)
        return redirect("assessments:session", session_id=session.pk)
    try:
        link = link_open(
            session=session, phase=phase, actor=request.user, closes_at=form.closes_at()
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("assessments:session", session_id=session.pk)
    messages.success(request, _("The link %(code)s is open.") % {"code": link.code})
    return redirect("assessments:wall", session_id=session.pk, phase=phase)


@staff_required
@require_POST
def link_close_view(request, session_id: int, phase: str):
    session = _session(request, session_id)
    link = session_links(session).get(_phase(phase))
    if link is None:
        raise Http404
    link_close(link=link, actor=request.user)
    messages.success(request, _("The link %(code)s is closed.") % {"code": link.code})
    return redirect("assessments:session", session_id=session.pk)


@staff_required
@require_POST
def held_release(request, session_id: int, batch):
    """Count a batch of held answers after all (a phone that several girls shared)."""
    session = _session(request, session_id)
    try:
        released = held_batch_release(session=session, batch=batch, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("assessments:session", session_id=session.pk)
    messages.success(
        request,
        ngettext(
            "%(count)s held response is now counted.",
            "%(count)s held responses are now counted.",
            released,
        )
        % {"count": released},
    )
    return redirect("assessments:session", session_id=session.pk)


@staff_required
@require_POST
def held_void(request, session_id: int, batch):
    """Void a batch of held answers: they count in no figure, ever."""
    session = _session(request, session_id)
    voided = held_batch_void(session=session, batch=batch, actor=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)s held response was voided.",
            "%(count)s held responses were voided.",
            voided,
        )
        % {"count": voided},
    )
    return redirect("assessments:session", session_id=session.pk)


@staff_required
@require_safe
def wall(request, session_id: int, phase: str):
    """What the facilitator projects: the code, the link and a QR code (inline SVG).

    A closed link shows no code to scan but says it is closed; an open one says until when,
    and when the facilitator set that time herself (a bound of minutes, while she projects
    it) reloads itself then, so the projected page never shows a dead link as open. The
    close at the end of the session's day, which every link has otherwise, reloads nothing:
    nobody projects at midnight, and a page that reloads itself by surprise is what the
    accessibility checks refuse."""
    session = _session(request, session_id)
    link = session_links(session).get(_phase(phase))
    if link is None:
        raise Http404
    # Presentation mode (?present=1): the code, the QR code and the link fill a projector's
    # screen, with the count of answers received and nothing else of the portal.
    template = "assessments/wall_present.html" if request.GET.get("present") == "1" else None
    template = template or "assessments/wall.html"
    now = timezone.now()
    if not link.is_open_at(now):
        return render(request, template, {"session": session, "link": link})
    refresh = None
    if link.closes_at and link.closes_at != session.day_ends_at(link.opened_at):
        refresh = int((link.closes_at - now).total_seconds()) + 1
    url = participant_url(request, link)
    # Its <title> names it in every screen reader.
    svg = qr_svg(url, _("QR code: %(url)s") % {"url": url})
    return render(
        request,
        template,
        {
            "session": session,
            "link": link,
            "answers": session_response_summary(session)[link.phase],
            "is_open": True,
            "url": url,
            "qr_svg": svg,
            "refresh_seconds": refresh,
        },
    )


@staff_required
@require_safe
def live(request, session_id: int):
    """Live pre/post counts and pairing rate; htmx asks for the fragment every 5 s.

    The poll says which counts it shows (``seen``): unchanged counts answer 204, so htmx
    swaps nothing and a screen reader hears the counts only when they change."""
    session = _session(request, session_id)
    summary = session_response_summary(session, viewer=request.user)
    context = {"session": session, "summary": summary}
    if getattr(request, "htmx", False):
        wall_phase = request.GET.get("wall")
        if wall_phase in Phase.values:  # the wall's one count: the answers of its phase
            if request.GET.get("seen") == str(summary[wall_phase]):
                return HttpResponse(status=204)
            return render(
                request,
                "assessments/_wall_count.html",
                {"session": session, "phase": wall_phase, "answers": summary[wall_phase]},
            )
        if request.GET.get("seen") == live_counts_seen(summary):
            return HttpResponse(status=204)
        return render(request, "assessments/_live_counts.html", {**context, "fragment": True})
    return render(request, "assessments/live.html", context)


def live_counts_seen(summary: dict) -> str:
    """What the live-counts fragment shows, as its template writes it in ``seen``."""
    return f"{summary['pre']}-{summary['post']}-{summary['pairs']}"


def _grid_columns(items) -> list[dict]:
    """The grid's question columns; each header says the marks the paper kit prints."""
    return [{"item": item, "accepted": grid_accepted(item)} for item in items]


@staff_required
@require_http_methods(["GET", "POST"])
def paper_grid(request, session_id: int, phase: str):
    """A keyboard-only grid: one row per paper questionnaire, one column per answer."""
    session = _session(request, session_id)
    phase = _phase(phase)
    try:
        questionnaire = session_questionnaire(session)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("assessments:session", session_id=session.pk)
    items = list(active_questionnaire_items(questionnaire))
    columns = list(PROFILE_COLUMNS) + [item.key for item in items]
    errors: list = []
    if request.method == "POST":
        try:
            count = min(int(request.POST.get("rows", GRID_ROWS)), GRID_MAX_ROWS)
        except ValueError:
            count = GRID_ROWS
        rows = [
            (n, {column: request.POST.get(f"r{n}-{column}", "") for column in columns})
            for n in range(1, count + 1)
        ]
        batch = request.POST.get("batch", "")
        try:
            uuid.UUID(batch)
        except ValueError:
            batch = str(uuid.uuid4())
        try:
            result = responses_record_paper(
                session=session, phase=phase, rows=rows, actor=request.user, batch_key=batch
            )
        except PaperEntryInvalid as exc:
            errors = exc.errors
        else:
            messages.success(
                request,
                ngettext(
                    "%(created)s paper response stored (%(already)s).",
                    "%(created)s paper responses stored (%(already)s).",
                    result["created"],
                )
                % {
                    "created": result["created"],
                    "already": ngettext(
                        "%(count)s was already stored",
                        "%(count)s were already stored",
                        result["already"],
                    )
                    % {"count": result["already"]},
                },
            )
            return redirect("assessments:session", session_id=session.pk)
    else:
        try:
            count = min(max(int(request.GET.get("rows", GRID_ROWS)), 1), GRID_MAX_ROWS)
        except ValueError:
            count = GRID_ROWS
        rows = [(n, {}) for n in range(1, count + 1)]
        batch = str(uuid.uuid4())
    errors_by_cell = {(e.row, e.column): e.message for e in errors}
    # A question in error is named as on the printed sheet: its number, then its column.
    questions = {
        item.key: _("Question %(number)s (%(key)s)") % {"number": number, "key": item.key}
        for number, item in enumerate(items, 1)
    }
    summary = [
        {"row": e.row, "column": questions.get(e.column, e.column), "message": e.message}
        for e in errors
    ]
    grid = [
        {
            "number": n,
            "values": values,
            "errors": [e for e in errors if e.row == n],
            "cells": [
                {
                    "column": column,
                    "name": f"r{n}-{column}",
                    "value": values.get(column, ""),
                    "error": errors_by_cell.get((n, column), ""),
                }
                for column in columns
            ],
        }
        for n, values in rows
    ]
    return render(
        request,
        "assessments/paper_grid.html",
        {
            "session": session,
            "phase": phase,
            "phase_label": Phase(phase).label,
            "questionnaire": questionnaire,
            "columns": _grid_columns(items),
            "grid": grid,
            "batch": batch,
            "row_count": len(rows),
            "more_rows": min(len(rows) + GRID_ROWS, GRID_MAX_ROWS),
            "errors": summary,
            "age_bands": AgeBand.choices,
            "genders": Gender.choices,
            "status": 400 if errors else 200,
        },
        status=400 if errors else 200,
    )


@staff_required
@require_safe
def paper_kit(request, session_id: int, phase: str):
    """The paper kit of one phase as a PDF to print (``?paper=a4`` or ``letter``)."""
    session = _session(request, session_id)
    phase = _phase(phase)
    paper = request.GET.get("paper", "a4")
    if paper not in PAPER_SIZES:
        raise Http404
    try:
        questionnaire = session_questionnaire(session)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("assessments:session", session_id=session.pk)
    link = session_links(session).get(phase)
    language = normalise_language(session.language)
    entry_url = request.build_absolute_uri(reverse("participate:enter"))
    pdf = paper_kit_pdf(
        session=session,
        phase=phase,
        questionnaire=questionnaire,
        items=list(active_questionnaire_items(questionnaire)),
        link=link,
        paper=paper,
        answer_url=participant_url(request, link) if link else f"{entry_url}?lang={language}",
        entry_url=entry_url,
        grid_url=request.build_absolute_uri(reverse("assessments:paper", args=[session.pk, phase])),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="paper-kit-{session.module.code}-{phase}-session{session.pk}'
        f'-{paper}.pdf"'
    )
    return response


@staff_required
@require_http_methods(["GET", "POST"])
def paper_upload(request, session_id: int, phase: str):
    session = _session(request, session_id)
    phase = _phase(phase)
    errors: list = []
    form = PaperUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > settings.ASSESSMENTS_IMPORT_MAX_BYTES:
                raise PaperEntryInvalid(
                    [
                        _row_error(
                            _("The file is larger than %(n)s bytes.")
                            % {"n": settings.ASSESSMENTS_IMPORT_MAX_BYTES}
                        )
                    ]
                )
            content = upload.read()
            questionnaire = session_questionnaire(session)
            item_keys = list(
                active_questionnaire_items(questionnaire).values_list("key", flat=True)
            )
            rows = rows_from_csv(content, item_keys)
            if len(rows) > settings.ASSESSMENTS_IMPORT_MAX_ROWS:
                raise PaperEntryInvalid(
                    [
                        _row_error(
                            _("The file has more than %(n)s rows.")
                            % {"n": settings.ASSESSMENTS_IMPORT_MAX_ROWS}
                        )
                    ]
                )
            digest = hashlib.sha256(content).hexdigest()
            result = responses_record_paper(
                session=session,
                phase=phase,
                rows=rows,
                actor=request.user,
                source="import",
                batch_key=f"csv:{session.pk}:{phase}:{digest}",
            )
        except ValidationError as exc:
            errors = [_row_error(message) for message in exc.messages]
        except PaperEntryInvalid as exc:
            errors = exc.errors
        else:
            messages.success(
                request,
                ngettext(
                    "%(created)s response imported (%(already)s).",
                    "%(created)s responses imported (%(already)s).",
                    result["created"],
                )
                % {
                    "created": result["created"],
                    "already": ngettext(
                        "%(count)s was already stored",
                        "%(count)s were already stored",
                        result["already"],
                    )
                    % {"count": result["already"]},
                },
            )
            return redirect("assessments:session", session_id=session.pk)
    status = 400 if errors or form.errors else 200
    return render(
        request,
        "assessments/paper_upload.html",
        {
            "session": session,
            "phase": phase,
            "phase_label": Phase(phase).label,
            "form": form,
            "errors": errors,
        },
        status=status,
    )


def _row_error(message):
    from assessments.services.paper import RowError

    return RowError(0, "", str(message))


@staff_required
@require_safe
def paper_template(request, session_id: int, phase: str):
    """An empty CSV with the right columns, and one example row as a guide."""
    session = _session(request, session_id)
    phase = _phase(phase)
    try:
        questionnaire = session_questionnaire(session)
    except ValidationError:
        raise Http404 from None
    items = list(active_questionnaire_items(questionnaire))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*PROFILE_COLUMNS, *(item.key for item in items)])
    example = []
    for item in items:
        if item.kind == ItemKind.KNOWLEDGE_CHOICE:
            example.append(item.option_keys()[0])
        elif item.kind == ItemKind.KNOWLEDGE_TRUE_FALSE:
            example.append(TRUE_FALSE_CHOICES[0][0])
        else:
            example.append(LIKERT_CHOICES[3][0])
    writer.writerow(["panda27", AgeBand.AGE_13_18, Gender.GIRL, "yes", *example])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="paper-{session.module.code}-{phase}-session{session.pk}.csv"'
    )
    return response


@staff_required
@require_http_methods(["GET", "POST"])
def erase_event_responses(request, event_id: int):
    """Erase every response of a celebration after typing its name (coordinator, secretariat)."""
    event = in_scope(events_visible_to(request.user), pk=event_id)
    require(can_erase_responses, request.user, event)
    form = EraseResponsesForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        counts = responses_erase_for_event(event=event, actor=request.user)
        messages.success(
            request,
            ngettext(
                "%(responses)s response of %(sessions)s was erased.",
                "%(responses)s responses of %(sessions)s were erased.",
                counts["responses"],
            )
            % {
                "responses": counts["responses"],
                "sessions": npgettext(
                    "responses erased of",
                    "%(count)s COP session",
                    "%(count)s COP sessions",
                    counts["sessions"],
                )
                % {"count": counts["sessions"]},
            },
        )
        return redirect("assessments:erase", event_id=event.pk)
    return render(
        request,
        "assessments/erase.html",
        {"event": event, "form": form, "counts": event_response_counts(event)},
        status=400 if form.errors else 200,
    )
