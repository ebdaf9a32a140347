"""The girl's pages: ``/a/`` (type the code), ``/a/<code>/`` (answer, and the thank-you as
the answer to her POST), ``/a/<code>/thanks/`` (a generic thank-you, for old addresses).

No account and no cookie beyond the CSRF one: the session is never touched, the language
comes from ``?lang=`` (or the form's hidden ``lang`` field, or the browser's
Accept-Language) and never from a cookie, and no message framework is used. On the
questionnaire, the language buttons submit the form itself (``switch_lang``): the page
comes back in the chosen language with her answers kept, nothing stored, no JavaScript.
The module title, questions and options are shown in her language where translated
(copgirls.i18n), in English otherwise; the answers' keys are the same in every language.
Nothing about the request (address, browser, exact time) is stored; the memorable code
travels in the POST body only, never in a URL, and is marked sensitive for error reports.

PostgreSQL down or restarting: she never sees a bare "Server Error". What she sent comes back
as a page in her language saying it was not sent, with her answers in its form and a Send
again button (503, ``Retry-After``); sent again, it is stored once (same submission id). A
page she opens meanwhile says to try again in a moment.

Without a connection (issue 19): the questionnaire's one script (static/js/participant-offline.js)
keeps a submission on the device and sends it again, with its server-drawn id, once the
network is back; ``service_worker`` opens the page again offline. Without it the form posts
as it always did.

Forged submissions: a POST must say it comes from the portal's page — its ``Origin``
header the portal's own, or, from a browser that sends none, its ``Referer`` a page of the
portal; anything else (another site's Origin, ``Origin: null``, neither header) is refused.
With the portal's Origin it needs no CSRF cookie (a browser never lets another site claim
it): a phone that blocks cookies can still send its answers. With only a Referer it takes
Django's CSRF check too. Refused, she sees her questionnaire again, answers kept, in her
language. (A script can write any header: what stops it is the submission id it must
fetch with the page, and the hold of what it sends beyond a plausible number.)

Fake answers: what one client (or one address) sends a link beyond a plausible number is
held, in no figure, for the facilitator to release or void (``submission_hold_batch``,
:mod:`assessments.services.held`); the sender sees the same thank-you as anyone.
"""

from __future__ import annotations

import logging
from functools import wraps
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from assessments.codes import clean_code
from assessments.forms import ITEM_PREFIX, LANGUAGE_CODES, EnterCodeForm, ParticipantForm
from assessments.ratelimit import (
    participant_request_allowed,
    remember_client,
    submission_hold_batch,
)
from assessments.selectors import (
    girls_closing,
    link_by_code,
    link_for_submission,
    missed_answers,
    questionnaire_active_items,
)
from assessments.services import LinkClosed, SubmissionConflict, response_submit
from copgirls.i18n import languages_named, normalise_language

logger = logging.getLogger(__name__)
TEMPLATES = "assessments/participant/"
#: What the database raises while it is down, restarting or refusing connections.
DATABASE_OUTAGE = (OperationalError, InterfaceError)
#: Fields of a submission that are not hers to send again: the CSRF token is issued anew.
NOT_KEPT = frozenset({"csrfmiddlewaretoken", "switch_lang"})
#: What a browser sends for a form without JavaScript; files are never accepted.
FORM_CONTENT_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def _language(request) -> str:
    source = request.POST if request.method == "POST" else request.GET
    requested = str(source.get("lang", ""))
    if requested:
        normalised = normalise_language(requested)
        if normalised in LANGUAGE_CODES and (
            normalised != settings.LANGUAGE_CODE or requested.lower().startswith("en")
        ):
            return normalised
    current = getattr(request, "LANGUAGE_CODE", "")
    return current if current in LANGUAGE_CODES else settings.LANGUAGE_CODE


def _switch_language(request, current: str) -> str | None:
    """The language she chose with a language button of the questionnaire (``None`` when she
    sent her answers instead); a language the portal does not have keeps the current one."""
    if request.method != "POST" or "switch_lang" not in request.POST:
        return None
    requested = str(request.POST.get("switch_lang", ""))
    return requested if requested in LANGUAGE_CODES else current


#: Server-drawn submission ids a questionnaire page carries for the girls after the first,
#: should the device be without a connection when they answer (issue 19): a shared tablet
#: serves a class, a girl's own phone may send again after a reload.
SPARE_IDS = {"shared": 40, "own": 3}


def _offline(request) -> dict:
    """What the questionnaire page's script needs to keep answers on the device: whether it
    is a shared device (``?device=shared``), whether the page is the questionnaire as first
    shown (only that page is stored for opening without a connection: no answer in it), and
    spare submission ids drawn as the form's own is."""
    shared = request.GET.get("device") == "shared"
    count = SPARE_IDS["shared" if shared else "own"]
    return {
        "shared_device": shared,
        "fresh_page": request.method == "GET",
        # Each spare carries its seal (issue 15), as the form's own id does: "id:seal".
        "spare_submission_ids": [
            "{client_submission_id}:{submission_seal}".format(**ParticipantForm.initial_for())
            for _ in range(count)
        ],
    }


def _page(request, template: str, context: dict, *, lang: str, status: int = 200) -> HttpResponse:
    languages = languages_named(LANGUAGE_CODES)
    if template == "respond.html":
        context = {**context, **_offline(request)}
    with translation.override(lang):
        response = render(
            request,
            TEMPLATES + template,
            {**context, "lang": lang, "participant_languages": languages},
            status=status,
        )
    response["Content-Language"] = lang
    # The page's address (with the link code) never leaves the portal. Not "no-referrer":
    # with it, browsers send "Origin: null" on the form's POST and the CSRF check refuses
    # every submission (403) — found by the end-to-end journey in Chromium.
    response["Referrer-Policy"] = "same-origin"
    patch_cache_control(response, no_store=True, private=True)
    return response


def _see_other(url: str) -> HttpResponse:
    response = HttpResponse(status=303)
    response["Location"] = url
    return response


_CSRF_CHECK = CsrfViewMiddleware(lambda request: None)


def _the_portals(origin: str, request) -> bool:
    return origin == f"{request.scheme}://{request.get_host()}" or (
        origin in settings.CSRF_TRUSTED_ORIGINS
    )


def _forged(request) -> bool:
    """A POST that does not come from the portal's page: another Origin than the portal's,
    or no Origin and no Referer of the portal's, or (with only a Referer) no valid CSRF
    token. The test client's requests skip it as they skip Django's own check."""
    if request.method != "POST" or getattr(request, "_dont_enforce_csrf_checks", False):
        return False
    origin = request.META.get("HTTP_ORIGIN")
    if origin is not None:
        return not _the_portals(origin, request)
    referer = urlsplit(request.META.get("HTTP_REFERER", ""))
    if not referer.scheme or not _the_portals(f"{referer.scheme}://{referer.netloc}", request):
        return True
    return _CSRF_CHECK.process_view(request, None, (), {}) is not None


def _counts_its_client(view):
    """The response gives a client without the limits' cookie the id it was counted by."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return remember_client(request, view(request, *args, **kwargs))

    return wrapper


def _kept_through_database_outage(view):
    """A database outage answers with a page of its own (503) instead of an error: a POST's
    fields come back in a form to send again, a GET's page says to try again in a moment."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except DATABASE_OUTAGE as error:
            logger.warning(
                "Database unavailable on a participant page (%s %s): %s",
                request.method,
                request.resolver_match.url_name if request.resolver_match else "?",
                type(error).__name__,
            )
            return _unavailable(request, _language(request))

    return wrapper


def _unavailable(request, lang: str) -> HttpResponse:
    if request.method == "POST":
        kept = [
            (name, value)
            for name, values in request.POST.lists()
            if name not in NOT_KEPT
            for value in values
        ]
        response = _page(request, "not_sent.html", {"kept": kept}, lang=lang, status=503)
    else:
        response = _page(request, "unavailable.html", {}, lang=lang, status=503)
    response["Retry-After"] = "10"
    return response


def _not_open(request, lang: str) -> HttpResponse:
    """One page and one status for a code never issued, closed, expired or not yet open:
    which of these a code is must not be learnt by trying codes."""
    return _page(request, "unknown.html", {}, lang=lang, status=404)


def _too_many(request, lang: str) -> HttpResponse:
    response = _page(request, "too_many.html", {}, lang=lang, status=429)
    response["Retry-After"] = "60"
    return response


@require_safe
@_counts_its_client
@_kept_through_database_outage
def enter(request):
    """Type the code shown on the wall (for those who cannot scan the QR code)."""
    lang = _language(request)
    if not participant_request_allowed(request, link_code=None):
        return _too_many(request, lang)
    form = EnterCodeForm(request.GET or None)
    if form.is_bound and form.is_valid():
        code = clean_code(form.cleaned_data["code"])
        if code:  # whether it exists is said by the questionnaire's page, as for a scan
            return _see_other(
                reverse("participate:respond", args=[code]) + "?" + urlencode({"lang": lang})
            )
        with translation.override(lang):
            form.add_error(
                "code", translation.gettext("We could not find this code. Check it on the screen.")
            )
    return _page(request, "enter.html", {"form": form}, lang=lang, status=200)


def _stored_at_once(request, code: str, lang: str) -> HttpResponse | None:
    """The thank-you for a complete, well-formed submission to an open link, stored without
    building the page's form or model instances (issue 7: a class of girls sending at once);
    ``None`` for everything else, which the full path below answers with the right page."""
    if (
        request.content_type not in FORM_CONTENT_TYPES
        or int(request.META.get("CONTENT_LENGTH") or 0) > settings.ASSESSMENTS_MAX_SUBMISSION_BYTES
        or "switch_lang" in request.POST
        or request.FILES
    ):
        return None
    link = link_for_submission(code)
    if link is None:
        return None
    items = link.items()
    sent = ParticipantForm.submission_from(request.POST, items)
    if sent is None:
        return None
    submission, client_submission_id = sent
    held_batch = submission_hold_batch(
        request, link_id=link.id, client_submission_id=client_submission_id
    )
    try:
        response_submit(
            link=link,
            submission=submission,
            client_submission_id=client_submission_id,
            items=items,
            held_batch=held_batch,
        )
    except (LinkClosed, SubmissionConflict, ValidationError):
        return None  # nothing was stored: the full path shows why
    return _thank_you(request, link, submission, items, lang)


def _thank_you(request, link, submission, items, lang: str) -> HttpResponse:
    """The thank-you, as the POST's own answer (issue 19): after pre it repeats her
    memorable code, which must never be in an address (a redirect would carry it, or lose
    it); after post, the right answers of the knowledge questions she missed (unless the
    secretariat switched them off) — and, both times, where to get help in her country.
    ``no-store`` (from ``_page``): a shared device's Back button does not show it again.
    A resend of the same submission id stores nothing and shows the same page.
    ``X-Submission-Stored`` tells the page's offline script that it is stored."""
    closing = girls_closing(link.session_id, link.questionnaire_id)
    context = {"phase": link.phase, "helpline": closing.helpline, "answered": True}
    if link.phase == "pre":
        context["memorable_code"] = submission.memorable_code
    elif closing.shows_missed_answers:
        with translation.override(lang):
            context["missed"] = missed_answers(items, submission.answers, lang)
    response = _page(request, "thanks.html", context, lang=lang)
    response["X-Submission-Stored"] = "1"
    return response


@csrf_exempt  # checked by _forged below, after the language is known
@sensitive_post_parameters("memorable_code")
@require_http_methods(["GET", "POST"])
@_counts_its_client
@_kept_through_database_outage
def respond(request, code: str):
    lang = _language(request)
    code = clean_code(code)
    if not participant_request_allowed(request, link_code=code or None):
        return _too_many(request, lang)
    if _forged(request):
        return _unchecked(request, code, lang)
    if code and request.method == "POST":
        stored = _stored_at_once(request, code, lang)
        if stored is not None:
            return stored
    link = link_by_code(code) if code else None
    if link is None:
        return _not_open(request, lang)
    now = timezone.now()
    if request.method != "POST" and not link.is_open_at(now):
        return _not_open(request, lang)
    items = questionnaire_active_items(link.questionnaire)
    if not link.is_open_at(now) and not _answers_to(request.POST, items):
        return _not_open(request, lang)  # no questionnaire's answers: as for any other code
    context = {"link": link, "module": link.session.module}
    if request.method != "POST":
        form = ParticipantForm(initial=ParticipantForm.initial_for(), items=items, language=lang)
        return _page(request, "respond.html", {**context, "form": form}, lang=lang)

    if int(request.META.get("CONTENT_LENGTH") or 0) > settings.ASSESSMENTS_MAX_SUBMISSION_BYTES:
        return _page(request, "refused.html", {**context, "reason": "size"}, lang=lang, status=413)
    if request.content_type not in FORM_CONTENT_TYPES or (
        request.content_type == "multipart/form-data" and request.FILES
    ):
        return _page(request, "refused.html", {**context, "reason": "type"}, lang=lang, status=415)
    switched = _switch_language(request, lang)
    if switched is not None:
        # The same page in another language, her answers kept; nothing is checked or stored.
        if not link.is_open_at(now):
            return _closed_keeping_answers(request, context, items, lang=switched)
        initial = ParticipantForm.initial_from(request.POST)
        form = ParticipantForm(initial=initial, items=items, language=switched)
        return _page(request, "respond.html", {**context, "form": form}, lang=switched)
    with translation.override(lang):
        form = ParticipantForm(request.POST, items=items, language=lang)
        valid = form.is_valid()
    if not valid:
        if not link.is_open_at(now):
            return _closed_keeping_answers(request, context, items, lang=lang)
        return _page(request, "respond.html", {**context, "form": form}, lang=lang, status=400)
    target = link_for_submission(code)
    if target is None:  # deleted since the page was read (its session was erased)
        return _page(request, "unknown.html", {}, lang=lang, status=404)
    client_submission_id = form.cleaned_data["client_submission_id"]
    held_batch = submission_hold_batch(
        request, link_id=target.id, client_submission_id=client_submission_id
    )
    try:
        response_submit(
            link=target,
            submission=form.submission(),
            client_submission_id=client_submission_id,
            now=now,
            items=items,
            held_batch=held_batch,
        )
    except LinkClosed:
        return _closed_keeping_answers(request, context, items, lang=lang)
    except SubmissionConflict:
        return _page(request, "conflict.html", context, lang=lang, status=409)
    except ValidationError as exc:  # the service's own checks: show them on the form
        with translation.override(lang):
            for key, errors in exc.message_dict.items():
                field = f"{ITEM_PREFIX}{key}" if f"{ITEM_PREFIX}{key}" in form.fields else key
                form.add_error(field if field in form.fields else None, errors)
        return _page(request, "respond.html", {**context, "form": form}, lang=lang, status=400)
    return _thank_you(request, target, form.submission(), items, lang)


def _answers_to(data, items) -> bool:
    """Whether a POST carries answers to these items (a page of this questionnaire was
    sent): only then does a closed link's page show them back, with the questionnaire."""
    keys = {key for key in data if key.startswith(ITEM_PREFIX)}
    return bool(keys) and keys <= {f"{ITEM_PREFIX}{item.key}" for item in items}


def _closed_keeping_answers(request, context: dict, items, *, lang: str) -> HttpResponse:
    """The link closed while she answered: nothing is stored, but her answers stay on the
    page (same client id), so she sends them again if the facilitator reopens it."""
    form = ParticipantForm(
        initial=ParticipantForm.initial_from(request.POST), items=items, language=lang
    )
    return _page(
        request, "respond.html", {**context, "form": form, "closed": True}, lang=lang, status=410
    )


def _unchecked(request, code: str, lang: str) -> HttpResponse:
    """Her questionnaire again, her answers kept, when the CSRF check refused what she sent
    (her CSRF cookie lost or blocked): nothing is stored; sent again, it passes."""
    link = link_by_code(code) if code else None
    if link is None or not link.is_open_at(timezone.now()):
        return _not_open(request, lang)
    context = {"link": link, "module": link.session.module}
    items = questionnaire_active_items(link.questionnaire)
    form = ParticipantForm(
        initial=ParticipantForm.initial_from(request.POST), items=items, language=lang
    )
    return _page(
        request, "respond.html", {**context, "form": form, "unchecked": True}, lang=lang, status=403
    )


@require_safe
def service_worker(request):
    """The participant pages' service worker, served under ``/a/`` so that its scope covers
    them (a script under /static/ could only control /static/)."""
    path = finders.find("js/participant-sw.js") or Path(
        settings.STATIC_ROOT, "js/participant-sw.js"
    )
    response = HttpResponse(Path(path).read_bytes(), content_type="text/javascript")
    patch_cache_control(response, no_cache=True)
    return response


@require_safe
@_counts_its_client
@_kept_through_database_outage
def thanks(request, code: str):
    """The same page for every code: it looks nothing up (no oracle of issued codes). The
    submissions no longer lead here (their thank-you is the POST's own page, issue 19);
    it stays for an address a page opened before kept, or a browser's history."""
    lang = _language(request)
    code = clean_code(code)
    if not participant_request_allowed(request, link_code=code or None):
        return _too_many(request, lang)
    phase = "pre" if request.GET.get("phase") == "pre" else "post"
    return _page(request, "thanks.html", {"phase": phase}, lang=lang)
