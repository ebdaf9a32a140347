"""The memorable code is never called a secret, in any language (issue 19).

Module M04 teaches that an adult asking a girl to keep a secret is a warning sign of
grooming: the portal must not then ask her for her "secret code" (رمزكِ السري, 秘密代码).
This reads the compiled catalogues the portal serves (plural forms too), and the
questionnaires' and modules' own translations."""

from __future__ import annotations

import gettext
import json
import re
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
CATALOGUES = sorted(BASE.glob("locale/*/LC_MESSAGES/django.mo")) + sorted(
    BASE.glob("*/locale/*/LC_MESSAGES/django.mo")
)
#: "secret" in the five other UN languages, as a word about a code. In Arabic سرّي / السري /
#: سرية, not السريعة ("quick", as in رمز الاستجابة السريعة, the QR code); in Chinese also
#: 密码 ("password", literally "secret code") and 保密 ("keep secret").
SECRET = re.compile(
    r"(?:سرّ?ي(?!ع)|سرّ?ية|秘密|保密|密码|secret|секрет|тайн)",
    re.IGNORECASE,
)
ABOUT_THE_CODE = re.compile(r"memorable|\bcode\b", re.IGNORECASE)


def _messages(path: Path):
    with path.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    for key, text in catalogue._catalog.items():
        msgid = key[0] if isinstance(key, tuple) else key
        if msgid:
            yield msgid, text


def test_the_catalogues_are_there():
    languages = {path.parts[-3] for path in CATALOGUES}
    assert {"ar", "es", "fr", "ru", "zh_Hans"} <= languages


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: str(path.relative_to(BASE)))
def test_no_string_about_the_code_calls_it_secret(path):
    wrong = [
        f"{msgid[:70]!r} → {text!r}"
        for msgid, text in _messages(path)
        if ABOUT_THE_CODE.search(msgid.split("\x04")[-1]) and SECRET.search(text)
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    "path", ["assessments/data/questionnaires.i18n.json", "events/data/cop_modules.i18n.json"]
)
def test_no_questionnaire_or_module_text_calls_the_code_secret(path):
    """Their texts may speak of secrets (M04: being asked to keep one is a warning sign),
    never of the code as one."""

    def texts(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for inner in value.values():
                yield from texts(inner)
        elif isinstance(value, list):
            for inner in value:
                yield from texts(inner)

    data = json.loads((BASE / path).read_text(encoding="utf-8"))
    code_words = re.compile(r"رمز|代码|código|code|код", re.IGNORECASE)
    wrong = [
        text
        for text in texts(data)
        for sentence in re.split(r"[.!?。؟]", text)
        if code_words.search(sentence) and SECRET.search(sentence)
    ]
    assert not wrong, wrong
