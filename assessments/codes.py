"""Short codes girls type from the wall: unambiguous characters only.

No 0/O/Q/D, 1/I/L, 2/Z, 5/S, 8/B, G/6 or U/V: a code read off a projector in a bright room
is typed right the first time. Codes are upper case; what she types is NFKC-normalised
(full-width letters), its digits written 0–9 (an Arabic keyboard's "٣"), upper-cased and
stripped of spaces and dashes before the look-up.
"""

from __future__ import annotations

import secrets
import unicodedata

CODE_ALPHABET = "ACEFHJKMNPRTWXY34679"
CODE_LENGTH = 6
CODE_MAX_LENGTH = 8


def new_code(length: int = CODE_LENGTH) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def clean_code(typed: str) -> str:
    """What she typed, as a code to look up ("" when it cannot be one)."""
    typed = unicodedata.normalize("NFKC", typed)  # "ＡＣＥ３４６" from a full-width keyboard
    code = "".join(
        str(unicodedata.decimal(ch)) if unicodedata.decimal(ch, None) is not None else ch
        for ch in typed.upper()
        if ch not in " -_."
    )
    if not CODE_LENGTH <= len(code) <= CODE_MAX_LENGTH or any(
        ch not in CODE_ALPHABET for ch in code
    ):
        return ""
    return code
