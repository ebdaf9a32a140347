"""The secretariat's questionnaire pages: versions, items, publication, preview."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments.forms import LANGUAGE_CODES, ItemForm, ItemTranslationsForm, ParticipantForm
from assessments.models import Item, Questionnaire
from assessments.selectors import (
    active_questionnaire_items,
    questionnaire_items,
    questionnaires_catalogue,
)
from assessments.services import (
    item_add,
    item_move,
    item_set_retired,
    item_translations_update,
    item_update,
    questionnaire_publish,
    questionnaire_set_shows_missed_answers,
)
from copgirls.i18n import languages_named, normalise_language
from copgirls.permissions import secretariat_required, staff_required


def _questionnaire(pk: int) -> Questionnaire:
    return get_object_or_404(Questionnaire.objects.select_related("module"), pk=pk)


def _item(questionnaire: Questionnaire, item_id: int) -> Item:
    return get_object_or_404(Item, pk=item_id, questionnaire=questionnaire)


def _copy_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _changed_version(request, before: Questionnaire, after: Questionnaire) -> None:
    if after.pk != before.pk:
        messages.info(
            request,
            _(
                "Version %(old)s is in use, so your change was made in a new draft, version "
                "%(new)s. Publish it when it is ready."
            )
            % {"old": before.version, "new": after.version},
        )


@secretariat_required
@require_safe
def questionnaire_list(request):
    return render(
        request,
        "assessments/questionnaire_list.html",
        {"questionnaires": questionnaires_catalogue()},
    )


@secretariat_required
@require_safe
def questionnaire_detail(request, pk: int):
    questionnaire = _questionnaire(pk)
    return render(
        request,
        "assessments/questionnaire_detail.html",
        {
            "questionnaire": questionnaire,
            "items": questionnaire_items(questionnaire),
            "add_form": ItemForm(),
        },
    )


@staff_required
@require_safe
def questionnaire_preview(request, pk: int):
    """The questionnaire exactly as a participant sees it (the form does not send), in the
    language of ``?lang=`` (default: the page's)."""
    questionnaire = _questionnaire(pk)
    items = list(active_questionnaire_items(questionnaire))
    requested = request.GET.get("lang", "")
    preview_lang = requested if requested in LANGUAGE_CODES else request.LANGUAGE_CODE
    preview_lang = normalise_language(preview_lang)
    form = ParticipantForm(
        initial=ParticipantForm.initial_for(), items=items, language=preview_lang
    )
    return render(
        request,
        "assessments/questionnaire_preview.html",
        {
            "questionnaire": questionnaire,
            "form": form,
            "module": questionnaire.module,
            "preview_lang": preview_lang,
            "participant_languages": languages_named(LANGUAGE_CODES),
        },
    )


@secretariat_required
@require_POST
def item_add_view(request, pk: int):
    questionnaire = _questionnaire(pk)
    form = ItemForm(request.POST)
    if form.is_valid():
        try:
            item = item_add(
                questionnaire=questionnaire, actor=request.user, data=form.data_for_service()
            )
        except ValidationError as exc:
            _copy_errors(form, exc)
        else:
            _changed_version(request, questionnaire, item.questionnaire)
            messages.success(request, _("Question %(key)s added.") % {"key": item.key})
            return redirect("assessments:questionnaire", pk=item.questionnaire_id)
    return render(
        request,
        "assessments/questionnaire_detail.html",
        {
            "questionnaire": questionnaire,
            "items": questionnaire_items(questionnaire),
            "add_form": form,
        },
        status=400,
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def item_edit(request, pk: int, item_id: int):
    questionnaire = _questionnaire(pk)
    item = _item(questionnaire, item_id)
    initial = {
        "kind": item.kind,
        "text": item.text,
        "options": "\n".join(option["text"] for option in item.options),
        "correct_option": item.correct_option,
    }
    form = ItemForm(request.POST or None, initial=initial)
    form.fields["kind"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            updated = item_update(item=item, actor=request.user, data=form.data_for_service())
        except ValidationError as exc:
            _copy_errors(form, exc)
        else:
            _changed_version(request, questionnaire, updated.questionnaire)
            messages.success(request, _("Question %(key)s saved.") % {"key": updated.key})
            return redirect("assessments:questionnaire", pk=updated.questionnaire_id)
    return render(
        request,
        "assessments/item_edit.html",
        {"questionnaire": questionnaire, "item": item, "form": form},
        status=400 if form.errors else 200,
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def item_translations(request, pk: int, item_id: int):
    """The item's question and options in the other five languages (drafts only)."""
    questionnaire = _questionnaire(pk)
    item = _item(questionnaire, item_id)
    frozen = questionnaire.frozen_at is not None or questionnaire.status == "retired"
    form = ItemTranslationsForm(request.POST or None, item=item, disabled=frozen)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                item_translations_update(
                    item=item, actor=request.user, translations=form.translations()
                )
            except ValidationError as exc:
                _copy_errors(form, exc)
                status = 409 if frozen else 400
            else:
                messages.success(
                    request,
                    _("The translations of question %(key)s are saved.") % {"key": item.key},
                )
                return redirect("assessments:questionnaire", pk=questionnaire.pk)
        else:
            status = 400
    return render(
        request,
        "assessments/item_translations.html",
        {"questionnaire": questionnaire, "item": item, "form": form, "frozen": frozen},
        status=status,
    )


@secretariat_required
@require_POST
def item_move_view(request, pk: int, item_id: int):
    questionnaire = _questionnaire(pk)
    item = _item(questionnaire, item_id)
    try:
        moved = item_move(
            item=item, actor=request.user, direction=request.POST.get("direction", "")
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("assessments:questionnaire", pk=questionnaire.pk)
    _changed_version(request, questionnaire, moved.questionnaire)
    return redirect("assessments:questionnaire", pk=moved.questionnaire_id)


@secretariat_required
@require_POST
def item_retire_view(request, pk: int, item_id: int):
    questionnaire = _questionnaire(pk)
    item = _item(questionnaire, item_id)
    retired = request.POST.get("retired", "1") == "1"
    changed = item_set_retired(item=item, actor=request.user, retired=retired)
    _changed_version(request, questionnaire, changed.questionnaire)
    message = _("Question %(key)s retired.") if retired else _("Question %(key)s restored.")
    messages.success(request, message % {"key": changed.key})
    return redirect("assessments:questionnaire", pk=changed.questionnaire_id)


@secretariat_required
@require_POST
def publish(request, pk: int):
    questionnaire = _questionnaire(pk)
    try:
        questionnaire_publish(questionnaire=questionnaire, actor=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request, _("Version %(version)s is published.") % {"version": questionnaire.version}
        )
    return redirect("assessments:questionnaire", pk=questionnaire.pk)


@secretariat_required
@require_POST
def missed_answers(request, pk: int):
    """Switch, for this questionnaire, the right answers shown to the girls after post."""
    shows = request.POST.get("shows") == "1"
    questionnaire = questionnaire_set_shows_missed_answers(
        questionnaire=_questionnaire(pk), actor=request.user, shows=shows
    )
    messages.success(
        request,
        _("After the session, the girls are now shown the right answers of what they missed.")
        if questionnaire.shows_missed_answers
        else _("After the session, the girls are no longer shown the answers they missed."),
    )
    return redirect("assessments:questionnaire", pk=questionnaire.pk)
