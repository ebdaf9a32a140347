"""Paper questionnaires typed in by the facilitator (grid) or uploaded as a CSV file.

Same rules as the events import: the whole batch is checked first; any bad row gives a
per-row, per-column error list and nothing is written. A batch sent twice (double click,
re-upload of the same file) stores its rows once: each row's client submission id is
derived from the batch key and the row number.

Paper answers may be left blank (an unanswered knowledge question counts as not correct);
memorable code, age band and assent are required on every row.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from assessments.answers import Submission, clean_answers, clean_profile
from assessments.closing import refuse_closed_year
from assessments.models import Phase, ResponseSource
from assessments.pairing import pairing_recompute
from assessments.services.collection import session_questionnaire
from assessments.services.responses import SubmissionConflict, active_items, response_store
from copgirls.audit import audit_record
from copgirls.spreadsheets import Limits, SpreadsheetRefused, bounded_csv_rows
from events.importing import csv_problem
from events.models import AgeBand, CopSession, Gender

PROFILE_COLUMNS = ("memorable_code", "age_band", "gender", "assent")
_BATCH_NAMESPACE = uuid.UUID("6f1d8a52-7c1e-4b8e-9a53-2f5d0c3e9b11")
_YES = {"yes", "y", "true", "1", "x", "on", "oui", "si", "sí", "да"}
_NO = {"no", "n", "false", "0", "off", "non", "нет", ""}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


class PaperEntryInvalid(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


def parse_age_band(raw: str) -> str:
    value = raw.strip().lower()
    for dash in ("–", "—", "-", " "):
        value = value.replace(dash, "_")
    if value in {"<9", "under9", "u9"}:
        value = AgeBand.UNDER_9
    if value in AgeBand.values:
        return value
    labels = {str(label).lower(): code for code, label in AgeBand.choices}
    return labels.get(raw.strip().lower(), raw.strip())


def parse_gender(raw: str) -> str:
    value = raw.strip().lower()
    if value in Gender.values or not value:
        return value
    labels = {str(label).lower(): code for code, label in Gender.choices}
    return labels.get(value, raw.strip())


def parse_assent(raw: str) -> bool | None:
    value = raw.strip().lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    return None


def rows_from_csv(content: bytes, item_keys: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    """``(line number, row)`` pairs; raises :class:`PaperEntryInvalid` for a bad file."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PaperEntryInvalid(
            [RowError(0, "", str(_("The file is not a UTF-8 CSV file.")))]
        ) from None
    if "\x00" in text:
        raise PaperEntryInvalid([RowError(0, "", str(_("The file is not a text CSV file.")))])
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    known = set(PROFILE_COLUMNS) | set(item_keys)
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    # A questionnaire longer than the portal's column limit still gets all its columns.
    limits = Limits.from_settings(columns=max(settings.IMPORT_MAX_COLUMNS, len(known) + 1))
    records = bounded_csv_rows(reader, limits)
    try:
        header = [column.strip() for column in next(records)]
    except StopIteration:
        raise PaperEntryInvalid([RowError(0, "", str(_("The file is empty.")))]) from None
    except csv.Error as exc:  # e.g. a header cell of 128 KB
        raise PaperEntryInvalid(
            [RowError(1, "", csv_problem(exc, first_line=1, line=reader.line_num))]
        ) from None
    except SpreadsheetRefused as refused:
        raise PaperEntryInvalid([RowError(1, "", refused.message)]) from None
    errors = []
    # A spreadsheet saved as CSV may end its lines with empty cells: columns without a name.
    while header and not header[-1]:
        header.pop()
    unnamed = {index for index, column in enumerate(header) if not column}
    for index, column in enumerate(header):
        if index in unnamed:
            continue
        if header.index(column) != index:
            errors.append(RowError(1, column, str(_("This column is given twice."))))
        elif column not in known:
            errors.append(
                RowError(
                    1,
                    column,
                    str(_("This column is not a question of this questionnaire.")),
                )
            )
    for required in ("memorable_code", "age_band", "assent"):
        if required not in header:
            errors.append(RowError(1, required, str(_("This column is missing."))))
    if errors:
        raise PaperEntryInvalid(errors)
    rows = []
    first_line = 2
    try:
        for line_number, values in enumerate(records, start=2):
            first_line = reader.line_num + 1
            misplaced = [
                (index, value)
                for index, value in enumerate(values)
                if value.strip() and (index >= len(header) or index in unnamed)
            ]
            if misplaced:
                index, value = misplaced[0]
                errors.append(
                    RowError(
                        line_number,
                        "",
                        str(
                            _(
                                "This row has a value (%(value)s) in column %(column)s, which "
                                "has no name on line 1."
                            )
                            % {"value": value.strip()[:40], "column": index + 1}
                        ),
                    )
                )
                continue
            named = zip(header, values, strict=False)
            rows.append((line_number, {k: v for k, v in named if k}))
            if len(rows) > settings.ASSESSMENTS_IMPORT_MAX_ROWS:
                break  # the caller refuses the file; no need to read the rest
    except csv.Error as exc:
        errors.append(
            RowError(
                reader.line_num, "", csv_problem(exc, first_line=first_line, line=reader.line_num)
            )
        )
    except SpreadsheetRefused as refused:
        errors.append(RowError(first_line, "", refused.message))
    if errors:
        raise PaperEntryInvalid(errors)
    return rows


def _submission(row: dict[str, str]) -> tuple[Submission, list[RowError]]:
    assent = parse_assent(row.get("assent", "") or "")
    errors = []
    if assent is None:
        errors.append(RowError(0, "assent", str(_("Write yes or no."))))
    answers = {k: v for k, v in row.items() if k not in PROFILE_COLUMNS and (v or "").strip()}
    submission = Submission(
        assent=bool(assent),
        age_band=parse_age_band(row.get("age_band", "") or ""),
        gender=parse_gender(row.get("gender", "") or ""),
        memorable_code=(row.get("memorable_code") or "").strip(),
        answers=answers,
    )
    return submission, errors


def _is_blank(row: dict[str, str]) -> bool:
    return not any((value or "").strip() for value in row.values())


def check_rows(
    rows: Iterable[tuple[int, dict[str, str]]], items: Sequence
) -> tuple[list[tuple[int, Submission]], list[RowError]]:
    checked, errors = [], []
    for number, row in rows:
        if _is_blank(row):
            continue
        submission, row_errors = _submission(row)
        problems = clean_profile(submission)
        if "assent" in problems and row_errors:
            problems.pop("assent")
        try:
            clean_answers(items, submission.answers, require_all=False)
        except ValidationError as exc:
            problems.update(exc.message_dict)
        for error in row_errors:
            errors.append(RowError(number, error.column, error.message))
        for column, messages in problems.items():
            for message in messages:
                errors.append(RowError(number, "" if column == "__all__" else column, str(message)))
        checked.append((number, submission))
    return checked, errors


@transaction.atomic
def responses_record_paper(
    *,
    session: CopSession,
    phase: str,
    rows: Sequence[tuple[int, dict[str, str]]],
    actor,
    source: str = ResponseSource.PAPER,
    batch_key: str,
) -> dict[str, int]:
    """Store the rows of one paper batch, all or nothing. Returns created/already counts."""
    if phase not in Phase.values:
        raise PaperEntryInvalid([RowError(0, "phase", str(_("Choose pre or post.")))])
    session = (
        CopSession.objects.select_for_update().select_related("event", "module").get(pk=session.pk)
    )
    try:
        refuse_closed_year(session.event.year)
    except ValidationError as exc:
        raise PaperEntryInvalid([RowError(0, "", str(exc.messages[0]))]) from None
    try:
        questionnaire = session_questionnaire(session)
    except ValidationError as exc:
        raise PaperEntryInvalid([RowError(0, "", str(exc.messages[0]))]) from None
    items = active_items(questionnaire)
    checked, errors = check_rows(rows, items)
    if not checked and not errors:
        errors.append(RowError(0, "", str(_("There is no filled-in row to store."))))
    if errors:
        raise PaperEntryInvalid(errors)
    created = already = 0
    for number, submission in checked:
        try:
            result = response_store(
                session=session,
                questionnaire=questionnaire,
                phase=phase,
                source=source,
                submission=submission,
                client_submission_id=uuid.uuid5(_BATCH_NAMESPACE, f"{batch_key}:{number}"),
                items=items,
                require_all=False,
                recompute_pairing=False,
            )
        except SubmissionConflict:
            errors.append(
                RowError(
                    number,
                    "",
                    str(_("This row was already stored with different answers; it is kept.")),
                )
            )
            continue
        created += result.created
        already += not result.created
    if errors:
        raise PaperEntryInvalid(errors)
    pairing_recompute(session_id=session.pk)
    audit_record(
        actor=actor,
        action="responses.paper_entry",
        obj=session,
        changes={"phase": phase, "source": source, "created": created, "already": already},
    )
    return {"created": created, "already": already}
