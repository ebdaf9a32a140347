"""Writes of the assessments app, split by domain. Import from here."""

from assessments.services.collection import link_close, link_open, session_questionnaire
from assessments.services.erasure import responses_erase_expired, responses_erase_for_event
from assessments.services.held import held_batch_release, held_batch_void
from assessments.services.pairing_secrets import pairing_secrets_discard
from assessments.services.paper import PaperEntryInvalid, responses_record_paper
from assessments.services.questionnaires import (
    item_add,
    item_move,
    item_set_retired,
    item_translations_update,
    item_update,
    questionnaire_for_editing,
    questionnaire_publish,
    questionnaire_set_shows_missed_answers,
)
from assessments.services.responses import (
    LinkClosed,
    SubmissionConflict,
    SubmitResult,
    response_store,
    response_submit,
)

__all__ = [
    "pairing_secrets_discard",
    "LinkClosed",
    "PaperEntryInvalid",
    "SubmissionConflict",
    "SubmitResult",
    "held_batch_release",
    "held_batch_void",
    "item_add",
    "item_move",
    "item_set_retired",
    "item_translations_update",
    "item_update",
    "link_close",
    "link_open",
    "questionnaire_for_editing",
    "questionnaire_publish",
    "questionnaire_set_shows_missed_answers",
    "response_store",
    "response_submit",
    "responses_erase_expired",
    "responses_erase_for_event",
    "responses_record_paper",
    "session_questionnaire",
]
