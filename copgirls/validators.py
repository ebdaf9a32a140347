"""Validators shared by the apps' models and forms."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

#: Invisible characters that change how the text around them reads, or hide inside a word.
#:
#: - Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): they
#:   reorder everything up to their end, so a title can show another text than was typed
#:   ("Trojan Source", CVE-2021-42574), in the portal, the exports and the PDF reports;
#:   the deprecated format controls U+206A-U+206F with them.
#: - Zero-width space, word joiner, the invisible operators and the byte order mark
#:   (U+200B, U+2060-U+2064, U+FEFF): they make two names that look the same different
#:   ("Nairobi" and "Nai\u200brobi" are two organisers) and no script needs them.
#:
#: Allowed, because legitimate text needs them and they reorder nothing: the zero-width
#: non-joiner and joiner (U+200C, U+200D), part of Persian, Urdu, Kurdish and Indic
#: spelling and of emoji sequences; and the directional *marks* (U+200E LRM, U+200F RLM,
#: U+061C ALM), which are invisible strong letters with no scope, what Arabic and Hebrew
#: keyboards insert and what the Unicode bidirectional algorithm recommends for a number
#: or a Latin name inside right-to-left text.
FORBIDDEN_CHARACTERS = frozenset(
    [chr(code) for code in range(0x202A, 0x202F)]
    + [chr(code) for code in range(0x2066, 0x206A)]
    + [chr(code) for code in range(0x206A, 0x2070)]
    + ["\u200b", "\u2060", "\u2061", "\u2062", "\u2063", "\u2064", "\ufeff"]
)


def forbidden_character(value: str) -> tuple[int, str] | None:
    """``(position, character)`` of the first forbidden character in ``value``, or None."""
    for position, character in enumerate(value):
        if character in FORBIDDEN_CHARACTERS:
            return position, character
    return None


@deconstructible
class NoInvisibleControlsValidator:
    """Refuses text holding a bidirectional control or a zero-width character.

    Its message names the character (code point and Unicode name) and where it is
    (the position of the character, counted from 1), since it cannot be seen.
    """

    code = "invisible_control"

    def __call__(self, value) -> None:
        if not isinstance(value, str):
            return
        found = forbidden_character(value)
        if found is None:
            return
        position, character = found
        raise ValidationError(
            _(
                "This text contains an invisible control character, %(code)s %(name)s, at "
                "character %(position)s: it can make the text read differently from what was "
                "typed. Delete it (or type the text again rather than pasting it)."
            ),
            code=self.code,
            params={
                "code": f"U+{ord(character):04X}",
                "name": unicodedata.name(character, ""),
                "position": position + 1,
            },
        )

    def __eq__(self, other) -> bool:
        return isinstance(other, NoInvisibleControlsValidator)

    def __hash__(self) -> int:
        return hash(self.code)


no_invisible_controls = NoInvisibleControlsValidator()
